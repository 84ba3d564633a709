//! Excel and CSV import of organizations: read the sheet districts send (title rows above the
//! header, headers in their common spellings, columns in any order, UTF-8 or GBK CSV), check
//! every row, report each bad row with its row number, column and reason, and write only what
//! the user then chooses to commit. Re-importing the same file changes nothing: rows are
//! upserted by USCC and only changed fields are written (and audited).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use serde_json::{Value, json};
use sheji_core::i18n::Lang;
use sheji_core::identity::{Permission, Principal, normalize_phone};
use sheji_core::ids::OrganizationId;
use sheji_core::import::{OrgColumn, clean, district_matches, parse_count, parse_date, parse_number, split_list};
use sheji_core::page::PageRequest;
use sheji_core::reference::{Cluster, District};
use sheji_core::registry::{Indicators, OrgKind, Qualification, normalize_name};
use sheji_core::uscc::{Uscc, UsccError};
use sheji_store::library::{self, OrgFields, OrgState};
use sheji_store::reference as reference_store;

use crate::audit::{self, Actor, Change};
use crate::{ServiceError, Services};

/// Rows written per transaction on commit.
const BATCH: usize = 200;
/// How many leading rows may hold titles before the header.
const HEADER_SEARCH: usize = 10;

/// A sheet as text cells.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    /// Rows of cells, as displayed.
    pub rows: Vec<Vec<String>>,
}

/// Reads an uploaded file: `.xlsx` by its content, `.csv` in UTF-8 (with or without BOM) or GBK.
pub fn read_sheet(bytes: &[u8], filename: &str) -> Result<Sheet, ServiceError> {
    let lower = filename.to_lowercase();
    if lower.ends_with(".csv") || lower.ends_with(".txt") {
        return read_csv(bytes);
    }
    if bytes.starts_with(b"PK") {
        return read_xlsx(bytes);
    }
    Err(ServiceError::Invalid { key: "import.bad_file", args: vec![("name", filename.to_owned())] })
}

fn read_xlsx(bytes: &[u8]) -> Result<Sheet, ServiceError> {
    let bad = |e: String| ServiceError::Invalid { key: "import.unreadable", args: vec![("detail", e)] };
    let mut book: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(bytes.to_vec())).map_err(|e: calamine::XlsxError| bad(e.to_string()))?;
    let range =
        book.worksheet_range_at(0).ok_or_else(|| bad("no worksheet".to_owned()))?.map_err(|e| bad(e.to_string()))?;
    let rows = range.rows().map(|r| r.iter().map(cell_text).collect()).collect();
    Ok(Sheet { rows })
}

fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn read_csv(bytes: &[u8]) -> Result<Sheet, ServiceError> {
    let text = match std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)) {
        Ok(t) => t.to_owned(),
        // Not UTF-8: Excel on a Chinese Windows saves CSV as GBK.
        Err(_) => encoding_rs::GBK.decode(bytes).0.into_owned(),
    };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record
            .map_err(|e| ServiceError::Invalid { key: "import.unreadable", args: vec![("detail", e.to_string())] })?;
        rows.push(record.iter().map(str::to_owned).collect());
    }
    Ok(Sheet { rows })
}

/// One problem in one cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    /// The column's header as it stands in the file.
    pub column: String,
    /// What is wrong and what to do, in the user's language.
    pub message: String,
}

/// What committing a row would do.
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
    parsed: Option<Parsed>,
}

#[derive(Debug, Clone)]
struct Parsed {
    fields: OrgFields,
    phone: Option<String>,
    indicators: Option<(i32, Indicators)>,
}

/// The outcome of reading and checking a file; nothing has been written.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// The spreadsheet row of the header.
    pub header_row: usize,
    /// Headers that were not recognised (their columns are ignored).
    pub unknown_columns: Vec<String>,
    /// Every data row (blank rows skipped).
    pub rows: Vec<RowReport>,
    /// The file's rows, kept to write the error workbook.
    sheet: Sheet,
}

impl ImportReport {
    /// Rows that can be written.
    pub fn valid(&self) -> usize {
        self.rows.iter().filter(|r| r.action != RowAction::Invalid).count()
    }

    /// Rows with errors.
    pub fn invalid(&self) -> usize {
        self.rows.iter().filter(|r| r.action == RowAction::Invalid).count()
    }

    /// Rows that would change something.
    pub fn changes(&self) -> usize {
        self.rows.iter().filter(|r| matches!(r.action, RowAction::Create | RowAction::Update(_))).count()
    }

    /// The original sheet with an error column added, as an .xlsx workbook.
    pub fn error_workbook(&self, lang: Lang) -> Result<Vec<u8>, ServiceError> {
        use rust_xlsxwriter::{Format, Workbook};
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        let bold = Format::new().set_bold();
        let red = Format::new().set_font_color(rust_xlsxwriter::Color::Red);
        let errors: HashMap<usize, String> = self
            .rows
            .iter()
            .filter(|r| !r.errors.is_empty())
            .map(|r| {
                (
                    r.row,
                    r.errors.iter().map(|e| format!("【{}】{}", e.column, e.message)).collect::<Vec<_>>().join("；"),
                )
            })
            .collect();
        let width = self.sheet.rows.iter().map(Vec::len).max().unwrap_or(0);
        let xl = |e: rust_xlsxwriter::XlsxError| ServiceError::Invalid {
            key: "import.unreadable",
            args: vec![("detail", e.to_string())],
        };
        for (i, row) in self.sheet.rows.iter().enumerate() {
            let r = u32::try_from(i).unwrap_or(u32::MAX);
            for (j, cell) in row.iter().enumerate() {
                sheet.write_string(r, u16::try_from(j).unwrap_or(u16::MAX), cell).map_err(xl)?;
            }
            let error_col = u16::try_from(width).unwrap_or(u16::MAX);
            if i + 1 == self.header_row {
                sheet.write_string_with_format(r, error_col, lang.t("import.error_column"), &bold).map_err(xl)?;
            } else if let Some(msg) = errors.get(&(i + 1)) {
                sheet.write_string_with_format(r, error_col, msg, &red).map_err(xl)?;
            }
        }
        book.save_to_buffer().map_err(xl)
    }
}

/// Reference lists the checks need, read once per import.
struct Lookups {
    districts: Vec<District>,
    clusters: Vec<Cluster>,
    industries: HashSet<String>,
}

async fn lookups(services: &Services) -> Result<Lookups, ServiceError> {
    let store = services.store();
    Ok(Lookups {
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

/// Reads and checks every row against the registry; writes nothing.
pub async fn preview(
    services: &Services,
    caller: &Principal,
    sheet: Sheet,
    lang: Lang,
) -> Result<ImportReport, ServiceError> {
    let now = services.now();
    let edit = caller.scope(Permission::RegistryEdit, now);
    if edit.is_none() {
        return Err(ServiceError::Forbidden);
    }
    let lk = lookups(services).await?;
    // The header is the row among the first few with the most recognised columns.
    let (header_index, columns) = sheet
        .rows
        .iter()
        .take(HEADER_SEARCH)
        .enumerate()
        .map(|(i, row)| (i, row.iter().map(|h| OrgColumn::recognise(h)).collect::<Vec<_>>()))
        .max_by_key(|(_, cols)| cols.iter().filter(|c| c.is_some()).count())
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
    let header_cells = sheet.rows.get(header_index).cloned().unwrap_or_default();
    let unknown_columns = header_cells
        .iter()
        .zip(columns.iter())
        .filter(|(h, c)| c.is_none() && !clean(h).is_empty())
        .map(|(h, _)| clean(h))
        .collect();
    let mut report =
        ImportReport { header_row: header_index + 1, unknown_columns, rows: Vec::new(), sheet: Sheet::default() };
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, row) in sheet.rows.iter().enumerate().skip(header_index + 1) {
        if row.iter().all(|c| clean(c).is_empty()) {
            continue;
        }
        let cells: BTreeMap<OrgColumn, (String, String)> = columns
            .iter()
            .zip(row.iter().chain(std::iter::repeat(&String::new())))
            .zip(header_cells.iter())
            .filter_map(|((c, v), h)| c.map(|c| (c, (v.clone(), clean(h)))))
            .collect();
        let mut r = check_row(i + 1, &cells, &lk, lang);
        if let Some(p) = &r.parsed {
            let code = p.fields.uscc.as_str().to_owned();
            if let Some(first) = seen.get(&code) {
                let header = cells.get(&OrgColumn::Uscc).map(|(_, h)| h.clone()).unwrap_or_default();
                r.errors.push(CellError {
                    column: header,
                    message: lang.tf("import.duplicate", &[("row", &first.to_string())]),
                });
                r.parsed = None;
            } else {
                seen.insert(code, i + 1);
                if !edit.covers(Some(p.fields.district_id), None) {
                    let header = cells.get(&OrgColumn::District).map(|(_, h)| h.clone()).unwrap_or_default();
                    r.errors.push(CellError { column: header, message: lang.t("import.out_of_scope").to_owned() });
                    r.parsed = None;
                }
            }
        }
        report.rows.push(r);
    }
    // What committing would do, from the stored states read in bulk.
    let codes: Vec<String> =
        report.rows.iter().filter_map(|r| r.parsed.as_ref().map(|p| p.fields.uscc.to_string())).collect();
    let code_refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    let states = library::find_states(services.store(), &code_refs).await?;
    let ids: Vec<OrganizationId> = states.values().map(|s| s.id).collect();
    let figures = library::indicators_of(services.store(), &ids).await?;
    for r in &mut report.rows {
        r.action = match &r.parsed {
            None => RowAction::Invalid,
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
    report.sheet = sheet;
    Ok(report)
}

fn check_row(row: usize, cells: &BTreeMap<OrgColumn, (String, String)>, lk: &Lookups, lang: Lang) -> RowReport {
    let mut errors = Vec::new();
    let get = |c: OrgColumn| cells.get(&c).map(|(v, _)| v.as_str()).unwrap_or_default();
    let mut fail = |c: OrgColumn, message: String| {
        let header = cells.get(&c).map(|(_, h)| h.clone()).unwrap_or_else(|| c.header().to_owned());
        errors.push(CellError { column: header, message });
    };
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
        fail(OrgColumn::Kind, lang.tf("import.kind_unknown", &[("value", &clean(get(OrgColumn::Kind)))]));
    }
    let typed_district = get(OrgColumn::District);
    let district = lk.districts.iter().find(|d| district_matches(typed_district, &d.name));
    let district_id = match district {
        Some(d) if d.status.accepts_new_records() => Some(d.id),
        Some(d) => {
            fail(OrgColumn::District, lang.tf("import.district_abolished", &[("name", &d.name)]));
            None
        }
        None => {
            fail(OrgColumn::District, lang.tf("import.district_unknown", &[("value", &clean(typed_district))]));
            None
        }
    };
    let mut clusters = BTreeSet::new();
    for c in split_list(get(OrgColumn::Clusters)) {
        match lk.clusters.iter().find(|k| k.name == c) {
            Some(k) => {
                clusters.insert(k.id);
            }
            None => fail(OrgColumn::Clusters, lang.tf("import.cluster_unknown", &[("value", &c)])),
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
                fail(OrgColumn::Industry, lang.tf("import.industry_unknown", &[("value", code)]));
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
            None => fail(OrgColumn::Qualifications, lang.tf("import.qualification_unknown", &[("value", &q)])),
        }
    }
    let founded_on = match parse_date(get(OrgColumn::Founded)) {
        Ok(d) => d,
        Err(_) => {
            fail(OrgColumn::Founded, lang.tf("import.date_invalid", &[("value", &clean(get(OrgColumn::Founded)))]));
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
            fail(c, lang.tf("import.number_invalid", &[("value", &clean(get(c)))]));
            None
        }
    };
    let count = |c: OrgColumn, fail: &mut dyn FnMut(OrgColumn, String)| match parse_count(get(c)) {
        Ok(v) => v,
        Err(_) => {
            fail(c, lang.tf("import.count_invalid", &[("value", &clean(get(c)))]));
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
        match parse_count(get(OrgColumn::Year)) {
            Ok(Some(y)) if (2000..=2100).contains(&y) => Some((i32::try_from(y).unwrap_or(2000), indicators)),
            _ => {
                fail(OrgColumn::Year, lang.tf("import.year_required", &[("value", &clean(get(OrgColumn::Year)))]));
                None
            }
        }
    };
    let website = Some(clean(get(OrgColumn::Website))).filter(|w| !w.is_empty());
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
    RowReport { row, uscc: clean(get(OrgColumn::Uscc)), name, action: RowAction::Invalid, errors, parsed }
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

/// What a commit did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CommitReport {
    /// Organizations created.
    pub created: u64,
    /// Organizations updated.
    pub updated: u64,
    /// Valid rows that changed nothing.
    pub unchanged: u64,
    /// Rows left out because of errors.
    pub skipped: u64,
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

/// Writes the valid rows of a checked file (the user has chosen to commit them), in batches,
/// each change audited with the fields before and after. `progress` hears (done, total).
pub async fn commit(
    services: &Services,
    caller: &Principal,
    report: &ImportReport,
    actor: &Actor,
    mut progress: impl FnMut(usize, usize),
) -> Result<CommitReport, ServiceError> {
    if caller.scope(Permission::RegistryEdit, services.now()).is_none() {
        return Err(ServiceError::Forbidden);
    }
    let mut out = CommitReport { skipped: report.invalid() as u64, ..Default::default() };
    let rows: Vec<&RowReport> = report.rows.iter().filter(|r| r.parsed.is_some()).collect();
    let total = rows.len();
    for (done, batch) in rows.chunks(BATCH).enumerate() {
        let now = services.now();
        let tx = services.store().begin().await?;
        let codes: Vec<&str> = batch.iter().filter_map(|r| r.parsed.as_ref().map(|p| p.fields.uscc.as_str())).collect();
        let states = library::find_states(&tx, &codes).await?;
        let mut new_fields = Vec::new();
        let mut new_rows = Vec::new();
        let mut changes = Vec::new();
        for r in batch {
            let Some(p) = &r.parsed else { continue };
            let mut fields = p.fields.clone();
            match states.get(fields.uscc.as_str()) {
                None => {
                    fields.contact_phone_enc =
                        p.phone.as_deref().map(|ph| services.secrets().encrypt(ph)).transpose()?;
                    new_fields.push(fields);
                    new_rows.push(p);
                }
                Some(state) => {
                    let old_phone =
                        state.fields.contact_phone_enc.as_deref().and_then(|e| services.secrets().decrypt(e).ok());
                    let mut same = state.fields.clone();
                    same.contact_phone_enc = None;
                    let fields_changed = same != fields || old_phone != p.phone;
                    if fields_changed {
                        // Keep the stored ciphertext when the phone itself did not change.
                        fields.contact_phone_enc = if old_phone == p.phone {
                            state.fields.contact_phone_enc.clone()
                        } else {
                            p.phone.as_deref().map(|ph| services.secrets().encrypt(ph)).transpose()?
                        };
                        library::update(&tx, state.id, &fields, now).await?;
                        changes.push(Change {
                            action: "organization.import_update",
                            target_type: "organization",
                            target_id: state.id.to_string(),
                            before: snapshot(&state.fields, old_phone.as_deref()),
                            after: snapshot(&fields, p.phone.as_deref()),
                        });
                    }
                    let figures_changed = match &p.indicators {
                        Some((year, figures)) => !library::list_indicators(&tx, state.id)
                            .await?
                            .iter()
                            .any(|(y, i)| y == year && i == figures),
                        None => false,
                    };
                    if let Some((year, figures)) = &p.indicators {
                        put_figures(&tx, now, actor, state.id, *year, figures).await?;
                    }
                    if fields_changed || figures_changed { out.updated += 1 } else { out.unchanged += 1 }
                }
            }
        }
        // New organizations go in with bulk statements, audited in one chained append.
        let ids = library::insert_many(&tx, &new_fields, now).await?;
        let mut figures = Vec::new();
        for ((id, fields), p) in ids.iter().zip(&new_fields).zip(&new_rows) {
            changes.push(Change {
                action: "organization.import_create",
                target_type: "organization",
                target_id: id.to_string(),
                before: Value::Null,
                after: snapshot(fields, p.phone.as_deref()),
            });
            if let Some((year, f)) = &p.indicators {
                figures.push((*id, *year, *f));
                changes.push(Change {
                    action: "organization.indicators",
                    target_type: "organization",
                    target_id: id.to_string(),
                    before: Value::Null,
                    after: json!({"year": year, "figures": f}),
                });
            }
        }
        library::insert_indicators_bulk(&tx, &figures, now).await?;
        out.created += ids.len() as u64;
        audit::record_many(&tx, now, actor, changes).await?;
        tx.commit().await?;
        progress(((done + 1) * BATCH).min(total), total);
    }
    Ok(out)
}

/// Stores one year's figures if they differ, with an audit record.
pub(crate) async fn put_figures(
    tx: &sheji_store::Tx,
    now: chrono::DateTime<chrono::Utc>,
    actor: &Actor,
    id: OrganizationId,
    year: i32,
    figures: &Indicators,
) -> Result<(), ServiceError> {
    let stored = library::list_indicators(tx, id).await?;
    if stored.iter().any(|(y, i)| *y == year && i == figures) {
        return Ok(());
    }
    let before = library::put_indicators(tx, id, year, figures, now).await?;
    let change = Change {
        action: "organization.indicators",
        target_type: "organization",
        target_id: id.to_string(),
        before: before.map_or(Value::Null, |b| json!({"year": year, "figures": b})),
        after: json!({"year": year, "figures": figures}),
    };
    audit::record(tx, now, actor, change).await
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
