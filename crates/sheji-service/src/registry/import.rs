//! Excel and CSV import of organizations: read the sheet districts send (title rows above the
//! header, headers in their common spellings, columns in any order, UTF-8 or GBK CSV), check
//! every row, report each bad row with its row number, column and reason, and write only what
//! the user then chooses to commit. Re-importing the same file changes nothing: rows are
//! upserted by USCC and only changed fields are written (and audited).
//!
//! Files stream: a blocking thread parses the sheet and hands over chunks of rows through a
//! bounded channel while the checks and writes of the previous chunk run, so memory stays flat
//! whatever the row count. Only the file, the USCCs seen so far (to catch duplicates) and the
//! bad rows' messages are kept; committing reads the file again and checks each chunk against
//! the stored records in the transaction that writes it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use serde_json::{Value, json};
use sheji_core::i18n::Lang;
use sheji_core::identity::{Permission, Principal, Scope, normalize_phone};
use sheji_core::ids::OrganizationId;
use sheji_core::page::PageRequest;
use sheji_core::reference::{Cluster, District};
use sheji_core::registry::import::{
    OrgColumn, clean, district_matches, parse_count, parse_date, parse_number, split_list,
};
use sheji_core::registry::uscc::{Uscc, UsccError};
use sheji_core::registry::{Indicators, OrgKind, Qualification, normalize_name};
use sheji_core::search::DocType;
use sheji_store::reference as reference_store;
use sheji_store::registry::library::{self, EnteredBy, OrgFields, OrgState};
use tokio::sync::mpsc;

use crate::audit::{self, Actor, Change};
use crate::spreadsheet::{self, quoted, unreadable};
use crate::{ServiceError, Services};

/// Rows checked, looked up and written together (one transaction on commit).
const CHUNK: usize = 1000;
/// How many leading rows may hold titles before the header.
const HEADER_SEARCH: usize = 10;
/// Rows of each kind a report keeps to show; the counts cover every row and the error
/// workbook every bad row.
const SHOWN: usize = 200;
/// Bad rows a report keeps to show.
const SHOWN_BAD: usize = 1000;

/// An uploaded file: `.xlsx` recognised by its content, `.csv` in UTF-8 (with or without BOM)
/// or GBK. Cheap to clone; the rows are read from it each time they are needed.
#[derive(Debug, Clone)]
pub struct Upload {
    bytes: Arc<[u8]>,
    csv: bool,
    /// The year of the figures for rows that do not give one (chosen on the form or `--year`).
    year: Option<i32>,
}

impl Upload {
    /// Accepts a file by its name and content; anything else is refused with the reason.
    pub fn new(bytes: Vec<u8>, filename: &str) -> Result<Self, ServiceError> {
        let lower = filename.to_lowercase();
        let csv = lower.ends_with(".csv") || lower.ends_with(".txt");
        if !csv && !bytes.starts_with(b"PK") {
            let name = spreadsheet::quoted(filename);
            return Err(ServiceError::Invalid { key: "import.bad_file", args: vec![("name", name)] });
        }

        Ok(Self { bytes: bytes.into(), csv, year: None })
    }

    /// The year of the figures for rows without a year of their own. Without it, a year in
    /// the sheet's title ("2026年度…汇总表") is taken, and the report says so.
    pub fn with_year(mut self, year: Option<i32>) -> Self {
        self.year = year;
        self
    }

    /// The year chosen for figures of rows without one.
    pub fn year(&self) -> Option<i32> {
        self.year
    }

    /// The file as uploaded.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Every row with its 0-based index, in order; rows without any cell are not reported.
    /// `emit` returns false to stop early. A workbook out of [`spreadsheet::ORGANIZATIONS`]'s
    /// bounds is refused before its first row, by every path that reads it (check, commit,
    /// job, command line), on the blocking thread that reads it.
    fn for_each_row(&self, emit: impl FnMut(usize, Vec<String>) -> bool) -> Result<(), ServiceError> {
        let limits = &spreadsheet::ORGANIZATIONS;
        if self.csv {
            spreadsheet::csv_rows(&self.bytes, limits, emit)
        } else {
            spreadsheet::xlsx_rows(&self.bytes, limits, emit)
        }
    }
}

/// One problem in one cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    /// The column's header as it stands in the file.
    pub column: String,
    /// What is wrong and what to do, in the user's language.
    pub message: String,
}

/// What committing a row would do (or did).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowAction {
    /// A new organization.
    Create,
    /// An existing one (by USCC); these fields change.
    Update(Vec<String>),
    /// Nothing changes.
    Unchanged,
    /// The row has errors and will not be written.
    Invalid,
}

/// Where the year of a sheet's figures came from, for rows without a year of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearSource {
    /// Chosen on the import form (or `--year`).
    Chosen,
    /// Read from the sheet's title.
    Title,
}

/// One data row of the file.
#[derive(Debug, Clone)]
pub struct RowReport {
    /// The row number as the spreadsheet shows it (1-based).
    pub row: usize,
    /// What was read as the USCC.
    pub uscc: String,
    /// What was read as the name.
    pub name: String,
    /// What committing would do.
    pub action: RowAction,
    /// The problems, if any.
    pub errors: Vec<CellError>,
    /// What was read differently from how it was written, the row still taken (an abolished
    /// district's name taken as its successor).
    pub notices: Vec<CellError>,
    parsed: Option<Parsed>,
}

#[derive(Debug, Clone)]
struct Parsed {
    fields: OrgFields,
    phone: Option<String>,
    indicators: Option<(i32, Indicators)>,
}

/// The outcome of reading a file: what committing would do (after a check) or did (after a
/// commit), with every bad row's messages.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// The spreadsheet row of the header.
    pub header_row: usize,
    /// Headers that were not recognised (their columns are ignored).
    pub unknown_columns: Vec<String>,
    /// The year given to figures of rows without their own, and where it came from.
    pub year: Option<(i32, YearSource)>,
    /// Rows taken with a notice (an abolished district read as its successor).
    pub noticed: u64,
    /// Rows to show: the first valid rows and the first bad rows, in file order. The counts
    /// below cover every row.
    pub rows: Vec<RowReport>,
    /// Organizations created (or to be created).
    pub created: u64,
    /// Organizations updated (or to be).
    pub updated: u64,
    /// Valid rows that change nothing.
    pub unchanged: u64,
    /// Rows with errors, left out.
    pub skipped: u64,
    /// Every bad row's messages by row number, for the error workbook.
    errors: BTreeMap<usize, String>,
    /// The widest row, so the error column goes right of every cell.
    width: usize,
    /// Rows kept to show: bad ones, and the others.
    shown: (usize, usize),
}

impl ImportReport {
    /// Rows that can be written.
    pub fn valid(&self) -> u64 {
        self.created + self.updated + self.unchanged
    }

    /// Rows with errors.
    pub fn invalid(&self) -> u64 {
        self.skipped
    }

    /// Rows that change something.
    pub fn changes(&self) -> u64 {
        self.created + self.updated
    }

    /// Data rows read (blank rows not counted).
    pub fn data_rows(&self) -> u64 {
        self.valid() + self.invalid()
    }

    /// Every bad row's number and reasons (each as 【column】reason, joined by ；), in order.
    pub fn bad_rows(&self) -> impl Iterator<Item = (usize, &str)> {
        self.errors.iter().map(|(row, text)| (*row, text.as_str()))
    }

    fn keep(&mut self, mut r: RowReport) {
        if !r.notices.is_empty() && r.action != RowAction::Invalid {
            self.noticed += 1;
        }
        match r.action {
            RowAction::Create => self.created += 1,
            RowAction::Update(_) => self.updated += 1,
            RowAction::Unchanged => self.unchanged += 1,
            RowAction::Invalid => {
                self.skipped += 1;
                let text = r.errors.iter().map(|e| format!("【{}】{}", e.column, e.message)).collect::<Vec<_>>();
                self.errors.insert(r.row, text.join("；"));
            }
        }
        let (bad, other) = &mut self.shown;
        let slot = if r.action == RowAction::Invalid { (bad, SHOWN_BAD) } else { (other, SHOWN) };
        if *slot.0 < slot.1 {
            *slot.0 += 1;
            r.parsed = None;
            self.rows.push(r);
        }
    }
}

/// The header: its row, what each of its cells names, the cells as written, and the year a
/// title row above it names.
struct Header {
    index: usize,
    columns: Vec<Option<OrgColumn>>,
    cells: Vec<String>,
    title_year: Option<i32>,
}

/// The header is the row among the first few with the most recognised columns; a file without
/// the required columns is refused whole, naming them.
fn find_header(first: &[(usize, Vec<String>)]) -> Result<Header, ServiceError> {
    let (index, columns, cells) = first
        .iter()
        .take(HEADER_SEARCH)
        .map(|(i, row)| (*i, row.iter().map(|h| OrgColumn::recognise(h)).collect::<Vec<_>>(), row))
        .max_by_key(|(i, cols, _)| (cols.iter().filter(|c| c.is_some()).count(), std::cmp::Reverse(*i)))
        .map(|(i, cols, row)| (i, cols, row.iter().map(|h| quoted(h)).collect::<Vec<_>>()))
        .unwrap_or_default();
    let found: BTreeSet<OrgColumn> = columns.iter().flatten().copied().collect();
    let missing: Vec<&str> =
        OrgColumn::ALL.iter().filter(|c| c.required() && !found.contains(c)).map(|c| c.header()).collect();
    if !missing.is_empty() {
        return Err(ServiceError::Invalid {
            key: "import.missing_columns",
            args: vec![("columns", missing.join("、"))],
        });
    }
    // Title rows stand above the header: "2026年度…汇总表".
    let title_year = first
        .iter()
        .take_while(|(i, _)| *i < index)
        .find_map(|(_, row)| row.iter().find_map(|cell| sheji_core::registry::import::year_in_title(cell)));
    Ok(Header { index, columns, cells, title_year })
}

/// Reference lists the checks need, read once per import.
struct Lookups {
    /// The current year: figures for a later one are refused.
    this_year: i32,
    districts: Vec<District>,
    clusters: Vec<Cluster>,
    industries: HashSet<String>,
}

async fn lookups(services: &Services) -> Result<Lookups, ServiceError> {
    let store = services.store();
    Ok(Lookups {
        this_year: chrono::Datelike::year(&services.today()),
        districts: reference_store::list_districts(store, &Default::default(), PageRequest::new(Some(1), Some(200)))
            .await?
            .items,
        clusters: reference_store::list_clusters(store, None, PageRequest::new(Some(1), Some(200))).await?.items,
        industries: reference_store::list_industry_division_codes(store).await?.into_iter().collect(),
    })
}

fn kind_from_label(label: &str, lang: Lang) -> Option<OrgKind> {
    let l = clean(label);
    OrgKind::ALL
        .into_iter()
        .find(|k| {
            k.code() == l
                || Lang::Zh.t(&format!("org.kind.{}", k.code())) == l
                || lang.t(&format!("org.kind.{}", k.code())) == l
        })
        .or(match l.as_str() {
            "制造业企业" | "工业企业" | "生产企业" => Some(OrgKind::Manufacturer),
            "设计公司" | "工业设计企业" | "设计机构" => Some(OrgKind::DesignFirm),
            "高校" | "院校" | "大学" => Some(OrgKind::University),
            "研究院" | "科研院所" => Some(OrgKind::ResearchInstitute),
            "园区" => Some(OrgKind::IndustrialPark),
            "协会" | "学会" => Some(OrgKind::Association),
            _ => None,
        })
}

fn check_row(
    row: usize,
    cells: &BTreeMap<OrgColumn, (String, String)>,
    lk: &Lookups,
    year: Option<i32>,
    lang: Lang,
) -> RowReport {
    let mut errors = Vec::new();
    let mut notices = Vec::new();
    let get = |c: OrgColumn| cells.get(&c).map(|(v, _)| v.as_str()).unwrap_or_default();
    let mut fail = |c: OrgColumn, message: String| {
        let header = cells.get(&c).map(|(_, h)| h.clone()).unwrap_or_else(|| c.header().to_owned());
        errors.push(CellError { column: header, message });
    };
    // Text that is not text (NUL, ESC, direction overrides; a line break outside the
    // description and the lists) is refused cell by cell, naming the character.
    for (column, (value, _)) in cells {
        let multiline = matches!(
            column,
            OrgColumn::Description | OrgColumn::ShortNames | OrgColumn::Clusters | OrgColumn::Qualifications
        );
        if let Some(problem) = crate::text_problem("cell", value, multiline) {
            fail(*column, problem.message(lang));
        }
    }
    let uscc = match Uscc::parse(get(OrgColumn::Uscc)) {
        Ok(u) => Some(u),
        Err(e) => {
            let args: Vec<(&str, String)> = match &e {
                UsccError::Length(n) => vec![("n", n.to_string())],
                UsccError::Character { position, ch } => {
                    vec![("position", position.to_string()), ("ch", ch.to_string())]
                }
                _ => vec![],
            };
            let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            fail(OrgColumn::Uscc, lang.tf(e.code(), &args));
            None
        }
    };
    let name = normalize_name(get(OrgColumn::Name));
    if name.is_empty() {
        fail(OrgColumn::Name, lang.t("import.name_required").to_owned());
    } else if name.chars().count() > 100 {
        fail(OrgColumn::Name, lang.t("register.org_name_required").to_owned());
    }
    let kind = kind_from_label(get(OrgColumn::Kind), lang);
    if kind.is_none() {
        fail(OrgColumn::Kind, lang.tf("import.kind_unknown", &[("value", &quoted(&clean(get(OrgColumn::Kind))))]));
    }
    let typed_district = get(OrgColumn::District);
    let district = lk.districts.iter().find(|d| district_matches(typed_district, &d.name));
    // An abolished district with one successor is read as the successor, with a notice.
    let successor = district
        .filter(|d| !d.status.accepts_new_records())
        .and_then(|d| d.code.as_ref().and_then(sheji_core::reference::successor))
        .and_then(|code| lk.districts.iter().find(|x| x.code.as_ref() == Some(&code)));
    let district_id = match (district, successor) {
        (Some(d), _) if d.status.accepts_new_records() => Some(d.id),
        (Some(old), Some(new)) => {
            let header = cells.get(&OrgColumn::District).map(|(_, h)| h.clone()).unwrap_or_default();
            notices.push(CellError {
                column: header,
                message: lang.tf("import.district_successor", &[("old", &old.name), ("new", &new.name)]),
            });
            Some(new.id)
        }
        (Some(d), None) => {
            fail(OrgColumn::District, lang.tf("import.district_abolished", &[("name", &d.name)]));
            None
        }
        (None, _) => {
            fail(
                OrgColumn::District,
                lang.tf("import.district_unknown", &[("value", &quoted(&clean(typed_district)))]),
            );
            None
        }
    };
    let mut clusters = BTreeSet::new();
    for c in split_list(get(OrgColumn::Clusters)) {
        match lk.clusters.iter().find(|k| k.name == c) {
            Some(k) => {
                clusters.insert(k.id);
            }
            None => fail(OrgColumn::Clusters, lang.tf("import.cluster_unknown", &[("value", &quoted(&c))])),
        }
    }
    let industry = clean(get(OrgColumn::Industry));
    let industry_code = match industry.as_str() {
        "" => None,
        code if lk.industries.contains(code) => Some(code.to_owned()),
        code => {
            // "C36" and "3670" (a 4-digit class) both name division 36.
            let digits: String = code.chars().filter(char::is_ascii_digit).take(2).collect();
            if lk.industries.contains(&digits) {
                Some(digits)
            } else {
                fail(OrgColumn::Industry, lang.tf("import.industry_unknown", &[("value", &quoted(code))]));
                None
            }
        }
    };
    let mut qualifications = BTreeMap::new();
    for q in split_list(get(OrgColumn::Qualifications)) {
        // "小巨人（2023）" carries the year it was granted.
        let (label, year) = match q.find(['(', '（']) {
            Some(i) => {
                let year: String = q.get(i..).unwrap_or_default().chars().filter(char::is_ascii_digit).collect();
                (q.get(..i).unwrap_or_default().to_owned(), year.parse::<i32>().ok())
            }
            None => (q.clone(), None),
        };
        match Qualification::from_label(&label) {
            Some(k) => {
                qualifications.insert(k, year);
            }
            None => fail(OrgColumn::Qualifications, lang.tf("import.qualification_unknown", &[("value", &quoted(&q))])),
        }
    }
    let founded_on = match parse_date(get(OrgColumn::Founded)) {
        Ok(d) => d,
        Err(_) => {
            fail(
                OrgColumn::Founded,
                lang.tf("import.date_invalid", &[("value", &quoted(&clean(get(OrgColumn::Founded))))]),
            );
            None
        }
    };
    let phone_text = clean(get(OrgColumn::ContactPhone));
    let phone = if phone_text.is_empty() {
        None
    } else {
        let p = normalize_phone(&phone_text);
        if p.is_none() {
            fail(OrgColumn::ContactPhone, lang.t("account.phone_invalid").to_owned());
        }
        p
    };
    // Figures: all or nothing for a year, checked against the range rules.
    let money = |c: OrgColumn, fail: &mut dyn FnMut(OrgColumn, String)| match parse_number(get(c)) {
        Ok(v) => v,
        Err(_) => {
            fail(c, lang.tf("import.number_invalid", &[("value", &quoted(&clean(get(c))))]));
            None
        }
    };
    let count = |c: OrgColumn, fail: &mut dyn FnMut(OrgColumn, String)| match parse_count(get(c)) {
        Ok(v) => v,
        Err(_) => {
            fail(c, lang.tf("import.count_invalid", &[("value", &quoted(&clean(get(c))))]));
            None
        }
    };
    let indicators = Indicators {
        revenue: money(OrgColumn::Revenue, &mut fail),
        rd_spend: money(OrgColumn::RdSpend, &mut fail),
        design_investment: money(OrgColumn::DesignInvestment, &mut fail),
        staff_total: count(OrgColumn::StaffTotal, &mut fail),
        design_staff: count(OrgColumn::DesignStaff, &mut fail),
        senior_design_staff: count(OrgColumn::SeniorDesignStaff, &mut fail),
        design_patents: count(OrgColumn::DesignPatents, &mut fail),
        new_product_sales: money(OrgColumn::NewProductSales, &mut fail),
        design_service_revenue: money(OrgColumn::DesignServiceRevenue, &mut fail),
        awards: count(OrgColumn::Awards, &mut fail),
    };
    let indicators = if indicators.is_empty() {
        None
    } else {
        for (field, key) in indicators.problems() {
            let column = match field {
                "design_staff" => OrgColumn::DesignStaff,
                "senior_design_staff" => OrgColumn::SeniorDesignStaff,
                "revenue" => OrgColumn::Revenue,
                "rd_spend" => OrgColumn::RdSpend,
                "design_investment" => OrgColumn::DesignInvestment,
                "new_product_sales" => OrgColumn::NewProductSales,
                "design_service_revenue" => OrgColumn::DesignServiceRevenue,
                "staff_total" => OrgColumn::StaffTotal,
                "design_patents" => OrgColumn::DesignPatents,
                _ => OrgColumn::Awards,
            };
            fail(column, lang.t(key).to_owned());
        }
        // A row's own year first; a blank one takes the sheet's (chosen, or from its title).
        let this_year = i64::from(lk.this_year);
        match (parse_count(get(OrgColumn::Year)), year) {
            (Ok(Some(y)), _) if y > this_year && y <= 2100 => {
                fail(OrgColumn::Year, lang.tf("indicator.year_future", &[("year", &lk.this_year.to_string())]));
                None
            }
            (Ok(Some(y)), _) if (2000..=this_year).contains(&y) => Some((i32::try_from(y).unwrap_or(2000), indicators)),
            (Ok(None), Some(y)) if y > lk.this_year => {
                fail(OrgColumn::Year, lang.tf("indicator.year_future", &[("year", &lk.this_year.to_string())]));
                None
            }
            (Ok(None), Some(y)) => Some((y, indicators)),
            _ => {
                fail(
                    OrgColumn::Year,
                    lang.tf("import.year_required", &[("value", &quoted(&clean(get(OrgColumn::Year))))]),
                );
                None
            }
        }
    };
    let website = Some(sheji_core::text::web_address(&clean(get(OrgColumn::Website)))).filter(|w| !w.is_empty());
    if website.as_deref().is_some_and(|w| w.chars().count() > 255 || !sheji_core::text::is_web_address(w)) {
        fail(OrgColumn::Website, lang.t("org.website_invalid").to_owned());
    }
    let contact_name = Some(clean(get(OrgColumn::ContactName))).filter(|w| !w.is_empty());
    let short_names: BTreeSet<String> =
        split_list(get(OrgColumn::ShortNames)).into_iter().map(|n| normalize_name(&n)).collect();
    let parsed = match (uscc, kind, district_id, errors.is_empty()) {
        (Some(uscc), Some(kind), Some(district_id), true) => Some(Parsed {
            fields: OrgFields {
                uscc,
                name: name.clone(),
                kind,
                district_id,
                address: clean(get(OrgColumn::Address)),
                industry_code,
                website,
                description: clean(get(OrgColumn::Description)),
                founded_on,
                contact_name,
                contact_phone_enc: None,
                short_names,
                clusters,
                qualifications,
            },
            phone,
            indicators,
        }),
        _ => None,
    };
    RowReport {
        row,
        uscc: quoted(&clean(get(OrgColumn::Uscc))),
        name: quoted(&name),
        action: RowAction::Invalid,
        errors,
        notices,
        parsed,
    }
}

/// The fields of `state` that `p` would change, by their column headers.
fn changed_fields(
    services: &Services,
    state: &OrgState,
    p: &Parsed,
    stored: &[(i32, Indicators)],
    lang: Lang,
) -> Vec<String> {
    let (a, b) = (&state.fields, &p.fields);
    let old_phone = a.contact_phone_enc.as_deref().and_then(|e| services.secrets().decrypt(e).ok());
    let mut changed = Vec::new();
    let mut note = |same: bool, c: OrgColumn| {
        if !same {
            changed.push(c.header().to_owned());
        }
    };
    note(a.name == b.name, OrgColumn::Name);
    note(a.kind == b.kind, OrgColumn::Kind);
    note(a.district_id == b.district_id, OrgColumn::District);
    note(a.address == b.address, OrgColumn::Address);
    note(a.industry_code == b.industry_code, OrgColumn::Industry);
    note(a.website == b.website, OrgColumn::Website);
    note(a.description == b.description, OrgColumn::Description);
    note(a.founded_on == b.founded_on, OrgColumn::Founded);
    note(a.contact_name == b.contact_name, OrgColumn::ContactName);
    note(old_phone == p.phone, OrgColumn::ContactPhone);
    note(a.short_names == b.short_names, OrgColumn::ShortNames);
    note(a.clusters == b.clusters, OrgColumn::Clusters);
    note(a.qualifications == b.qualifications, OrgColumn::Qualifications);
    if let Some((year, figures)) = &p.indicators
        && !stored.iter().any(|(y, i)| y == year && i == figures)
    {
        changed.push(lang.tf("import.figures_of", &[("year", &year.to_string())]));
    }
    changed
}

fn snapshot(f: &OrgFields, phone: Option<&str>) -> Value {
    json!({
        "uscc": f.uscc.as_str(), "name": f.name, "kind": f.kind.code(), "district": f.district_id.get(),
        "address": f.address, "industry": f.industry_code, "website": f.website, "description": f.description,
        "founded_on": f.founded_on, "contact_name": f.contact_name,
        "contact_phone": phone.map(sheji_core::identity::mask_phone),
        "short_names": f.short_names, "clusters": f.clusters.iter().map(|c| c.get()).collect::<Vec<_>>(),
        "qualifications": f.qualifications.iter().map(|(q, y)| json!({"kind": q.code(), "year": y})).collect::<Vec<_>>(),
    })
}

/// Whether a pass only checks or also writes.
#[derive(Clone, Copy)]
enum Mode<'a> {
    Check,
    Commit(&'a Actor),
}

/// Reads and checks every row against the registry; writes nothing.
pub async fn preview(
    services: &Services,
    caller: &Principal,
    upload: &Upload,
    lang: Lang,
) -> Result<ImportReport, ServiceError> {
    run(services, caller, upload, lang, Mode::Check, |_| {}).await
}

/// Writes the valid rows of a file (the user has chosen to commit them), one chunk per
/// transaction, each chunk checked again against the records as they stand in that
/// transaction; each change is audited with the fields before and after. `progress` hears
/// the number of data rows handled so far.
pub async fn commit(
    services: &Services,
    caller: &Principal,
    upload: &Upload,
    actor: &Actor,
    lang: Lang,
    progress: impl FnMut(u64),
) -> Result<ImportReport, ServiceError> {
    run(services, caller, upload, lang, Mode::Commit(actor), progress).await
}

/// The file as uploaded with an error column added to each bad row, as an .xlsx workbook.
pub async fn error_workbook(
    services: &Services,
    caller: &Principal,
    upload: &Upload,
    lang: Lang,
) -> Result<Vec<u8>, ServiceError> {
    let report = preview(services, caller, upload, lang).await?;
    let upload = upload.clone();
    tokio::task::spawn_blocking(move || write_error_workbook(&upload, &report, lang))
        .await
        .map_err(|e| unreadable(e.to_string()))?
}

fn write_error_workbook(upload: &Upload, report: &ImportReport, lang: Lang) -> Result<Vec<u8>, ServiceError> {
    use rust_xlsxwriter::{Format, Workbook};
    let xl = |e: rust_xlsxwriter::XlsxError| unreadable(e.to_string());
    let mut book = Workbook::new();
    // Rows go straight to disk in order: a workbook of 100 000 rows is not held in memory.
    let sheet = book.add_worksheet_with_constant_memory().map_err(xl)?;
    let bold = Format::new().set_bold();
    let red = Format::new().set_font_color(rust_xlsxwriter::Color::Red);
    let error_col = u16::try_from(report.width).unwrap_or(u16::MAX);
    let mut failure = None;
    upload.for_each_row(|i, row| {
        let r = u32::try_from(i).unwrap_or(u32::MAX);
        let mut write = || -> Result<(), rust_xlsxwriter::XlsxError> {
            for (j, cell) in row.iter().enumerate() {
                if !cell.is_empty() {
                    sheet.write_string(r, u16::try_from(j).unwrap_or(u16::MAX), cell)?;
                }
            }
            if i + 1 == report.header_row {
                sheet.write_string_with_format(r, error_col, lang.t("import.error_column"), &bold)?;
            } else if let Some(msg) = report.errors.get(&(i + 1)) {
                sheet.write_string_with_format(r, error_col, msg, &red)?;
            }
            Ok(())
        };
        match write() {
            Ok(()) => true,
            Err(e) => {
                failure = Some(e);
                false
            }
        }
    })?;
    if let Some(e) = failure {
        return Err(xl(e));
    }
    book.save_to_buffer().map_err(xl)
}

/// What the reading thread hands over.
enum Piece {
    /// The header was found (with the year rows without one take).
    Header { row: usize, unknown: Vec<String>, year: Option<(i32, YearSource)> },
    /// Checked rows, with the widest row seen so far.
    Rows { rows: Vec<RowReport>, width: usize },
}

/// Reads and checks rows on a blocking thread: parsing, the header, each row's own checks,
/// repeats within the file and the caller's district scope need nothing from the database, so
/// they run beside the lookups and writes of the previous chunk. At most two chunks wait.
struct Checker {
    /// The year for rows without one: chosen, else (once the header is found) the title's.
    year: Option<(i32, YearSource)>,
    lk: Lookups,
    edit: Scope,
    lang: Lang,
    header: Option<Header>,
    /// Rows read before the header is known (at most `HEADER_SEARCH`).
    pending: Vec<(usize, Vec<String>)>,
    batch: Vec<RowReport>,
    width: usize,
    /// Each USCC's first row, to report a repeat; 18 bytes a key, not the whole row.
    seen: HashMap<[u8; 18], usize>,
    /// Each name's first row, by a 64-bit hash of the name (a false repeat needs a collision
    /// among at most 200 000 names: about one chance in a billion).
    seen_names: HashMap<u64, usize>,
    out: mpsc::Sender<Result<Piece, ServiceError>>,
    /// An error was sent or nobody listens any more: nothing more to do.
    stopped: bool,
}

impl Checker {
    fn spawn(upload: &Upload, lk: Lookups, edit: Scope, lang: Lang) -> mpsc::Receiver<Result<Piece, ServiceError>> {
        let (out, rx) = mpsc::channel(2);
        let upload = upload.clone();
        tokio::task::spawn_blocking(move || {
            let mut c = Checker {
                year: upload.year.map(|y| (y, YearSource::Chosen)),
                lk,
                edit,
                lang,
                header: None,
                pending: Vec::new(),
                batch: Vec::with_capacity(CHUNK),
                width: 0,
                seen: HashMap::new(),
                seen_names: HashMap::new(),
                out,
                stopped: false,
            };
            let read = upload.for_each_row(|i, row| c.take(i, row));
            if c.stopped {
                return;
            }
            let ended = read.and_then(|()| c.finish());
            if let Err(e) = ended {
                // The receiver may be gone (the caller stopped); nothing is left to do then.
                let _ = c.out.blocking_send(Err(e));
            }
        });
        rx
    }

    /// Takes one row; false stops the reading (an error was sent, or nobody listens).
    fn take(&mut self, i: usize, row: Vec<String>) -> bool {
        self.width = self.width.max(row.len());
        if self.header.is_some() {
            self.check(i, row);
            return self.flush(CHUNK);
        }
        self.pending.push((i, row));
        if self.pending.len() < HEADER_SEARCH {
            return true;
        }
        match self.settle_header() {
            Ok(()) => self.flush(CHUNK),
            Err(e) => {
                let _ = self.out.blocking_send(Err(e));
                self.stopped = true;
                false
            }
        }
    }

    fn finish(&mut self) -> Result<(), ServiceError> {
        if self.header.is_none() {
            self.settle_header()?;
        }
        self.flush(1);
        Ok(())
    }

    /// Finds the header among the rows read so far and checks the rows below it.
    fn settle_header(&mut self) -> Result<(), ServiceError> {
        let h = find_header(&self.pending)?;
        let unknown = h
            .cells
            .iter()
            .zip(h.columns.iter())
            .filter(|(cell, c)| c.is_none() && !clean(cell).is_empty())
            .map(|(cell, _)| clean(cell))
            .collect();
        let index = h.index;
        self.year = self.year.or(h.title_year.map(|y| (y, YearSource::Title)));
        self.header = Some(h);
        // A closed channel shows up at the next flush.
        let _ = self.out.blocking_send(Ok(Piece::Header { row: index + 1, unknown, year: self.year }));
        for (i, row) in std::mem::take(&mut self.pending) {
            if i > index {
                self.check(i, row);
            }
        }
        Ok(())
    }

    /// Hands the batch over once it holds `at_least` rows; false when nobody listens.
    fn flush(&mut self, at_least: usize) -> bool {
        if self.batch.len() < at_least {
            return true;
        }
        let rows = std::mem::replace(&mut self.batch, Vec::with_capacity(CHUNK));
        self.stopped = self.out.blocking_send(Ok(Piece::Rows { rows, width: self.width })).is_err();
        !self.stopped
    }

    fn check(&mut self, i: usize, row: Vec<String>) {
        let Some(head) = &self.header else { return };
        if row.iter().all(|c| clean(c).is_empty()) {
            return;
        }
        let cells: BTreeMap<OrgColumn, (String, String)> = head
            .columns
            .iter()
            .zip(row.into_iter().chain(std::iter::repeat_with(String::new)))
            .zip(head.cells.iter())
            .filter_map(|((c, v), h)| c.map(|c| (c, (v, clean(h)))))
            .collect();
        let lang = self.lang;
        let mut r = check_row(i + 1, &cells, &self.lk, self.year.map(|(y, _)| y), lang);
        let header_of = |c: OrgColumn| cells.get(&c).map(|(_, h)| h.clone()).unwrap_or_default();
        if let Some(p) = &r.parsed {
            let key: [u8; 18] = p.fields.uscc.as_str().as_bytes().try_into().unwrap_or([0; 18]);
            if let Some(first) = self.seen.get(&key) {
                r.errors.push(CellError {
                    column: header_of(OrgColumn::Uscc),
                    message: lang.tf("import.duplicate", &[("row", &first.to_string())]),
                });
                r.parsed = None;
            } else if let Some(first) = self.seen_names.get(&name_hash(&p.fields.name)) {
                r.errors.push(CellError {
                    column: header_of(OrgColumn::Name),
                    message: lang.tf("import.duplicate_name", &[("row", &first.to_string())]),
                });
                r.parsed = None;
            } else {
                self.seen.insert(key, i + 1);
                self.seen_names.insert(name_hash(&p.fields.name), i + 1);
                if !self.edit.covers(Some(p.fields.district_id), None) {
                    r.errors.push(CellError {
                        column: header_of(OrgColumn::District),
                        message: lang.t("import.out_of_scope").to_owned(),
                    });
                    r.parsed = None;
                }
            }
        }
        self.batch.push(r);
    }
}

fn name_hash(name: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    name.hash(&mut h);
    h.finish()
}

/// One pass over the file: check each chunk, and in commit mode write it.
async fn run(
    services: &Services,
    caller: &Principal,
    upload: &Upload,
    lang: Lang,
    mode: Mode<'_>,
    mut progress: impl FnMut(u64),
) -> Result<ImportReport, ServiceError> {
    let edit = caller.scope(Permission::RegistryEdit, services.now());
    if edit.is_none() {
        return Err(ServiceError::Forbidden);
    }
    let lk = lookups(services).await?;
    let mut pieces = Checker::spawn(upload, lk, edit.clone(), lang);
    let mut report = ImportReport::default();
    while let Some(piece) = pieces.recv().await {
        let (mut rows, width) = match piece? {
            Piece::Header { row, unknown, year } => {
                report.header_row = row;
                report.unknown_columns = unknown;
                report.year = year;
                continue;
            }
            Piece::Rows { rows, width } => (rows, width),
        };
        report.width = width;
        match mode {
            Mode::Check => {
                decide(services, services.store(), &edit, &mut rows, lang).await?;
            }
            Mode::Commit(actor) => {
                let tx = services.store().begin().await?;
                let states = decide(services, &tx, &edit, &mut rows, lang).await?;
                write(services, &tx, actor, &rows, &states).await?;
                tx.commit().await?;
                services.registry_written().await;
            }
        }
        for r in rows {
            report.keep(r);
        }
        progress(report.data_rows());
    }
    if report.header_row == 0 {
        // The reader stopped without a word (it cannot, short of a crash): say so.
        return Err(unreadable("the file could not be read to its end".to_owned()));
    }
    Ok(report)
}

/// What committing each checked row would do, from the stored states read in bulk (returned
/// for the writes).
async fn decide(
    services: &Services,
    db: &impl sheji_store::Db,
    edit: &Scope,
    rows: &mut [RowReport],
    lang: Lang,
) -> Result<HashMap<String, OrgState>, ServiceError> {
    let codes: Vec<&str> = rows.iter().filter_map(|r| r.parsed.as_ref().map(|p| p.fields.uscc.as_str())).collect();
    let states = library::find_states(db, &codes).await?;
    let ids: Vec<OrganizationId> = states.values().map(|s| s.id).collect();
    let figures = library::indicators_of(db, &ids).await?;
    let names: Vec<&str> = rows.iter().filter_map(|r| r.parsed.as_ref().map(|p| p.fields.name.as_str())).collect();
    let holders = library::holders_of_names(db, &names).await?;
    for r in rows {
        r.action = match &r.parsed {
            None => RowAction::Invalid,
            // A new organization, or a rename, under another registered organization's name.
            Some(p)
                if holders.get(p.fields.name.as_str()).is_some_and(|holder| {
                    states.get(p.fields.uscc.as_str()).is_none_or(|state| state.id != *holder)
                }) =>
            {
                r.errors.push(CellError {
                    column: OrgColumn::Name.header().to_owned(),
                    message: lang.t("import.name_taken").to_owned(),
                });
                r.parsed = None;
                RowAction::Invalid
            }
            Some(p) => match states.get(p.fields.uscc.as_str()) {
                Some(state) if !edit.covers(Some(state.fields.district_id), Some(state.id)) => {
                    r.errors.push(CellError {
                        column: OrgColumn::Uscc.header().to_owned(),
                        message: lang.t("import.out_of_scope").to_owned(),
                    });
                    r.parsed = None;
                    RowAction::Invalid
                }
                Some(state) => {
                    let stored = figures.get(&state.id).map(Vec::as_slice).unwrap_or_default();
                    let changed = changed_fields(services, state, p, stored, lang);
                    if changed.is_empty() { RowAction::Unchanged } else { RowAction::Update(changed) }
                }
                None => RowAction::Create,
            },
        };
    }
    Ok(states)
}

/// Writes one decided chunk: new organizations with bulk statements, changed ones one by one,
/// every change audited in one chained append.
async fn write(
    services: &Services,
    tx: &sheji_store::Tx,
    actor: &Actor,
    rows: &[RowReport],
    states: &HashMap<String, OrgState>,
) -> Result<(), ServiceError> {
    let now = services.now();
    let mut new_fields = Vec::new();
    let mut new_rows = Vec::new();
    let mut changes = Vec::new();
    let mut searchable = Vec::new();
    for r in rows {
        let Some(p) = &r.parsed else { continue };
        let mut fields = p.fields.clone();
        match (&r.action, states.get(fields.uscc.as_str())) {
            (RowAction::Create, _) => {
                fields.contact_phone_enc = p.phone.as_deref().map(|ph| services.secrets().encrypt(ph)).transpose()?;
                new_fields.push(fields);
                new_rows.push(p);
            }
            (RowAction::Update(_), Some(state)) => {
                let old_phone =
                    state.fields.contact_phone_enc.as_deref().and_then(|e| services.secrets().decrypt(e).ok());
                let mut same = state.fields.clone();
                same.contact_phone_enc = None;
                if same != fields || old_phone != p.phone {
                    // Keep the stored ciphertext when the phone itself did not change.
                    fields.contact_phone_enc = if old_phone == p.phone {
                        state.fields.contact_phone_enc.clone()
                    } else {
                        p.phone.as_deref().map(|ph| services.secrets().encrypt(ph)).transpose()?
                    };
                    library::update(tx, state.id, &fields, now).await?;
                    searchable.push(i64::from(state.id.get()));
                    changes.push(Change {
                        action: "organization.import_update",
                        target_type: "organization",
                        target_id: state.id.to_string(),
                        before: snapshot(&state.fields, old_phone.as_deref()),
                        after: snapshot(&fields, p.phone.as_deref()),
                    });
                }
                if let Some((year, figures)) = &p.indicators {
                    let by = EnteredBy { name: &actor.name, via: "import" };
                    changes.extend(put_figures(tx, now, state.id, *year, figures, by).await?);
                }
            }
            _ => {}
        }
    }
    let ids = library::insert_many(tx, &new_fields, now).await?;
    let mut figures = Vec::new();
    for ((id, fields), p) in ids.iter().zip(&new_fields).zip(&new_rows) {
        // One record per new organization, its first year's figures included: the trail of an
        // import of 100 000 rows is half as long and says the same.
        let mut after = snapshot(fields, p.phone.as_deref());
        if let Some((year, f)) = &p.indicators {
            figures.push((*id, *year, *f));
            if let Some(obj) = after.as_object_mut() {
                obj.insert("indicators".to_owned(), json!({"year": year, "figures": f}));
            }
        }
        changes.push(Change {
            action: "organization.import_create",
            target_type: "organization",
            target_id: id.to_string(),
            before: Value::Null,
            after,
        });
    }
    library::insert_indicators_bulk(tx, &figures, EnteredBy { name: &actor.name, via: "import" }, now).await?;
    searchable.extend(ids.iter().map(|id| i64::from(id.get())));
    sheji_store::search::enqueue(tx, DocType::Organization, &searchable, now).await?;
    audit::record_many(tx, now, actor, changes).await
}

/// Stores one year's figures if they differ; the change to record, if any.
pub(crate) async fn put_figures(
    tx: &sheji_store::Tx,
    now: chrono::DateTime<chrono::Utc>,
    id: OrganizationId,
    year: i32,
    figures: &Indicators,
    by: EnteredBy<'_>,
) -> Result<Option<Change<'static>>, ServiceError> {
    let stored = library::list_indicators(tx, id).await?;
    if stored.iter().any(|(y, i)| *y == year && i == figures) {
        return Ok(None);
    }
    let before = library::put_indicators(tx, id, year, figures, by, now).await?;
    let change = Change {
        action: "organization.indicators",
        target_type: "organization",
        target_id: id.to_string(),
        before: before.map_or(Value::Null, |b| json!({"year": year, "figures": b})),
        after: json!({"year": year, "figures": figures}),
    };
    Ok(Some(change))
}

/// The blank template: the header row with drop-downs for kind, district and cluster from the
/// reference data, and a second sheet explaining each column.
pub async fn template(services: &Services, lang: Lang) -> Result<Vec<u8>, ServiceError> {
    use rust_xlsxwriter::{DataValidation, Format, Workbook};
    let lk = lookups(services).await?;
    let xl = |e: rust_xlsxwriter::XlsxError| ServiceError::Invalid {
        key: "import.unreadable",
        args: vec![("detail", e.to_string())],
    };
    let mut book = Workbook::new();
    let header = Format::new().set_bold().set_background_color(rust_xlsxwriter::Color::RGB(0xE8EEF7));
    let required = Format::new()
        .set_bold()
        .set_font_color(rust_xlsxwriter::Color::RGB(0xB42318))
        .set_background_color(rust_xlsxwriter::Color::RGB(0xE8EEF7));
    // Lists go on a hidden sheet: a drop-down's inline list is limited to 255 characters.
    let lists = book.add_worksheet().set_name(lang.t("import.lists_sheet")).map_err(xl)?;
    let districts: Vec<&str> =
        lk.districts.iter().filter(|d| d.status.accepts_new_records()).map(|d| d.name.as_str()).collect();
    let kinds: Vec<String> =
        OrgKind::ALL.iter().map(|k| Lang::Zh.t(&format!("org.kind.{}", k.code())).to_owned()).collect();
    let clusters: Vec<&str> = lk.clusters.iter().map(|c| c.name.as_str()).collect();
    for (i, d) in districts.iter().enumerate() {
        lists.write_string(u32::try_from(i).unwrap_or(0), 0, *d).map_err(xl)?;
    }
    for (i, k) in kinds.iter().enumerate() {
        lists.write_string(u32::try_from(i).unwrap_or(0), 1, k).map_err(xl)?;
    }
    for (i, c) in clusters.iter().enumerate() {
        lists.write_string(u32::try_from(i).unwrap_or(0), 2, *c).map_err(xl)?;
    }
    lists.set_hidden(true);
    let list_name = lang.t("import.lists_sheet").to_owned();
    let data = book.add_worksheet().set_name(lang.t("import.data_sheet")).map_err(xl)?;
    for (j, c) in OrgColumn::ALL.iter().enumerate() {
        let col = u16::try_from(j).unwrap_or(0);
        let title = if c.required() { format!("{}*", c.header()) } else { c.header().to_owned() };
        data.write_string_with_format(0, col, &title, if c.required() { &required } else { &header }).map_err(xl)?;
        data.set_column_width(
            col,
            if matches!(c, OrgColumn::Name | OrgColumn::Address | OrgColumn::Description) { 28 } else { 16 },
        )
        .map_err(xl)?;
        let source = match c {
            OrgColumn::District => Some(format!("='{list_name}'!$A$1:$A${}", districts.len().max(1))),
            OrgColumn::Kind => Some(format!("='{list_name}'!$B$1:$B${}", kinds.len().max(1))),
            OrgColumn::Clusters => Some(format!("='{list_name}'!$C$1:$C${}", clusters.len().max(1))),
            _ => None,
        };
        if let Some(formula) = source {
            // Clusters accept several names separated by 、, so their list only suggests.
            let mut v = DataValidation::new().allow_list_formula(formula.as_str().into());
            if *c == OrgColumn::Clusters {
                v = v.set_error_style(rust_xlsxwriter::DataValidationErrorStyle::Information);
            }
            data.add_data_validation(1, col, 100_000, col, &v).map_err(xl)?;
        }
    }
    data.set_freeze_panes(1, 0).map_err(xl)?;
    let help = book.add_worksheet().set_name(lang.t("import.help_sheet")).map_err(xl)?;
    help.write_string_with_format(0, 0, lang.t("import.help_column"), &header).map_err(xl)?;
    help.write_string_with_format(0, 1, lang.t("import.help_required"), &header).map_err(xl)?;
    help.write_string_with_format(0, 2, lang.t("import.help_text"), &header).map_err(xl)?;
    help.set_column_width(0, 22).map_err(xl)?;
    help.set_column_width(2, 90).map_err(xl)?;
    for (i, c) in OrgColumn::ALL.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(0);
        help.write_string(r, 0, c.header()).map_err(xl)?;
        help.write_string(r, 1, if c.required() { lang.t("api.docs.required") } else { "" }).map_err(xl)?;
        help.write_string(r, 2, lang.t(&c.hint_key())).map_err(xl)?;
    }
    let index = 1;
    book.worksheet_from_index(index).map_err(xl)?.set_active(true);
    book.save_to_buffer().map_err(xl)
}

/// Column order of exports: the template's columns, so an export can be re-imported.
pub fn export_columns() -> [OrgColumn; 15] {
    [
        OrgColumn::Uscc,
        OrgColumn::Name,
        OrgColumn::ShortNames,
        OrgColumn::Kind,
        OrgColumn::District,
        OrgColumn::Address,
        OrgColumn::Clusters,
        OrgColumn::Industry,
        OrgColumn::Qualifications,
        OrgColumn::Website,
        OrgColumn::Description,
        OrgColumn::Founded,
        OrgColumn::ContactName,
        OrgColumn::ContactPhone,
        OrgColumn::Year,
    ]
}
