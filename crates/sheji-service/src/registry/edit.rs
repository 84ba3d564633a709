//! Creating and editing one organization, and its figures for a year, through forms: every
//! field checked with a message next to it, nothing written while any is wrong, each change
//! audited with the fields before and after.

use crate::work::Work;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};
use sheji_core::identity::{Permission, Principal, mask_phone, normalize_phone};
use sheji_core::ids::{ClusterId, DistrictId, OrganizationId};
use sheji_core::registry::import::{parse_count, parse_date, parse_number, split_list};
use sheji_core::registry::uscc::{Uscc, UsccError};
use sheji_core::registry::{Indicators, OrgKind, Qualification, normalize_name};
use sheji_core::search::DocType;
use sheji_store::registry::library::{self, OrgFields, OrgState};

use super::import::put_figures;
use crate::audit::{Actor, Change};
use crate::{FieldError, ServiceError, Services};

/// The organization form as typed.
#[derive(Debug, Clone, Default)]
pub struct OrgInput {
    /// 统一社会信用代码 (only when creating; it never changes).
    pub uscc: String,
    /// Full name.
    pub name: String,
    /// Short names, separated by 、 or commas.
    pub short_names: String,
    /// Kind code.
    pub kind: String,
    /// District id.
    pub district_id: String,
    /// Address.
    pub address: String,
    /// Cluster ids.
    pub clusters: Vec<String>,
    /// GB/T 4754 division code.
    pub industry_code: String,
    /// Qualification codes with an optional year each (code → year text).
    pub qualifications: Vec<(String, String)>,
    /// Website.
    pub website: String,
    /// Description.
    pub description: String,
    /// Founded (YYYY-MM-DD).
    pub founded_on: String,
    /// Contact person.
    pub contact_name: String,
    /// Contact phone.
    pub contact_phone: String,
}

impl OrgInput {
    /// The form filled with an organization's stored values (phone in clear for its editors).
    pub fn from_state(state: &OrgState, phone: Option<String>) -> Self {
        let f = &state.fields;
        Self {
            uscc: f.uscc.to_string(),
            name: f.name.clone(),
            short_names: f.short_names.iter().cloned().collect::<Vec<_>>().join("、"),
            kind: f.kind.code().to_owned(),
            district_id: f.district_id.to_string(),
            address: f.address.clone(),
            clusters: f.clusters.iter().map(|c| c.to_string()).collect(),
            industry_code: f.industry_code.clone().unwrap_or_default(),
            qualifications: f
                .qualifications
                .iter()
                .map(|(q, y)| (q.code().to_owned(), y.map(|y| y.to_string()).unwrap_or_default()))
                .collect(),
            website: f.website.clone().unwrap_or_default(),
            description: f.description.clone(),
            founded_on: f.founded_on.map(|d| d.to_string()).unwrap_or_default(),
            contact_name: f.contact_name.clone().unwrap_or_default(),
            contact_phone: phone.unwrap_or_default(),
        }
    }
}

fn uscc_error(e: &UsccError) -> FieldError {
    let args = match e {
        UsccError::Length(n) => vec![("n", n.to_string())],
        UsccError::Character { position, ch } => vec![("position", position.to_string()), ("ch", ch.to_string())],
        _ => vec![],
    };
    FieldError { field: "uscc", key: e.code(), args }
}

async fn check(
    services: &Services,
    input: &OrgInput,
    uscc: Result<Uscc, UsccError>,
) -> Result<(OrgFields, Option<String>), ServiceError> {
    let mut errors = Vec::new();
    let uscc = uscc.map_err(|e| errors.push(uscc_error(&e))).ok();
    // Text that is not text is refused before anything else reads it.
    let lines = [
        ("name", &input.name),
        ("address", &input.address),
        ("contact_name", &input.contact_name),
        ("contact_phone", &input.contact_phone),
        ("website", &input.website),
        ("founded_on", &input.founded_on),
    ];
    errors.extend(lines.iter().filter_map(|(field, value)| crate::text_problem(field, value, false)));
    errors.extend(
        [("short_names", &input.short_names), ("description", &input.description)]
            .iter()
            .filter_map(|(field, value)| crate::text_problem(field, value, true)),
    );
    let name = normalize_name(&input.name);
    if name.is_empty() {
        errors.push(FieldError::new("name", "import.name_required"));
    } else if name.chars().count() > 100 {
        errors.push(FieldError::new("name", "register.org_name_required"));
    }
    let kind = input.kind.parse::<OrgKind>().ok();
    if kind.is_none() {
        errors.push(FieldError::new("kind", "register.kind_required"));
    }
    let lookups = crate::reference::lookups(services).await?;
    let district = input
        .district_id
        .trim()
        .parse::<i32>()
        .ok()
        .and_then(|id| lookups.districts.get(&DistrictId(id)))
        .filter(|d| d.status.accepts_new_records())
        .cloned();
    if district.is_none() {
        errors.push(FieldError::new("district_id", "register.district_required"));
    }
    let mut clusters = BTreeSet::new();
    for c in &input.clusters {
        match c.parse::<i32>() {
            Ok(id) if lookups.clusters.contains(&id) => {
                clusters.insert(ClusterId(id));
            }
            _ => errors.push(FieldError::new("clusters", "org.cluster_invalid")),
        }
    }
    let industries = &lookups.industries;
    let industry = input.industry_code.trim();
    let industry_code = if industry.is_empty() {
        None
    } else if industries.contains(industry) {
        Some(industry.to_owned())
    } else {
        errors.push(FieldError {
            field: "industry_code",
            key: "import.industry_unknown",
            args: vec![("value", industry.to_owned())],
        });
        None
    };
    let mut qualifications = BTreeMap::new();
    for (code, year) in &input.qualifications {
        let Ok(q) = code.parse::<Qualification>() else {
            errors.push(FieldError {
                field: "qualifications",
                key: "import.qualification_unknown",
                args: vec![("value", code.clone())],
            });
            continue;
        };
        let year = match year.trim() {
            "" => None,
            y => match y.parse::<i32>() {
                Ok(y) if (1990..=2100).contains(&y) => Some(y),
                _ => {
                    errors.push(FieldError {
                        field: "qualifications",
                        key: "import.year_required",
                        args: vec![("value", y.to_owned())],
                    });
                    None
                }
            },
        };
        qualifications.insert(q, year);
    }
    let founded_on = parse_date(&input.founded_on).unwrap_or_else(|_| {
        errors.push(FieldError {
            field: "founded_on",
            key: "import.date_invalid",
            args: vec![("value", input.founded_on.clone())],
        });
        None
    });
    let phone = match input.contact_phone.trim() {
        "" => None,
        p => {
            let n = normalize_phone(p);
            if n.is_none() {
                errors.push(FieldError::new("contact_phone", "account.phone_invalid"));
            }
            n
        }
    };
    let website = sheji_core::text::web_address(&input.website);
    if !website.is_empty() && (website.chars().count() > 255 || !sheji_core::text::is_web_address(&website)) {
        errors.push(FieldError::new("website", "org.website_invalid"));
    }
    let website = website.as_str();
    let (Some(uscc), Some(kind), Some(district), true) = (uscc, kind, district, errors.is_empty()) else {
        return Err(ServiceError::Fields(errors));
    };
    let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    Ok((
        OrgFields {
            uscc,
            name,
            kind,
            district_id: district.id,
            address: input.address.trim().chars().take(255).collect(),
            industry_code,
            website: text(website),
            description: input.description.trim().to_owned(),
            founded_on,
            contact_name: text(&input.contact_name).map(|n| n.chars().take(64).collect()),
            contact_phone_enc: None,
            short_names: split_list(&input.short_names)
                .iter()
                .map(|n| normalize_name(n))
                .filter(|n| n.chars().count() <= 100)
                .collect(),
            clusters,
            qualifications,
        },
        phone,
    ))
}

fn snapshot(f: &OrgFields, phone: Option<&str>) -> Value {
    json!({
        "name": f.name, "kind": f.kind.code(), "district": f.district_id.get(), "address": f.address,
        "industry": f.industry_code, "website": f.website, "description": f.description, "founded_on": f.founded_on,
        "contact_name": f.contact_name, "contact_phone": phone.map(mask_phone), "short_names": f.short_names,
        "clusters": f.clusters.iter().map(|c| c.get()).collect::<Vec<_>>(),
        "qualifications": f.qualifications.iter().map(|(q, y)| json!({"kind": q.code(), "year": y})).collect::<Vec<_>>(),
    })
}

/// A form refused for other fields also says when its name is taken, so the clerk sees every
/// problem at once (a form whose only problem is the name is refused as a conflict, below).
async fn with_name<T>(
    services: &Services,
    input: &OrgInput,
    this: Option<OrganizationId>,
    checked: Result<T, ServiceError>,
) -> Result<T, ServiceError> {
    match checked {
        Err(ServiceError::Fields(mut errors)) => {
            let name = normalize_name(&input.name);
            if !name.is_empty()
                && matches!(name_is_free(services, &name, this).await, Err(ServiceError::Conflict { .. }))
            {
                errors.push(FieldError::new("name", "org.name_taken"));
            }
            Err(ServiceError::Fields(errors))
        }
        other => other,
    }
}

/// Refuses a name another organization is registered under: taking it would let one
/// enterprise pass itself off as another in the directory, on certificates and in search.
pub(crate) async fn name_is_free(
    services: &Services,
    name: &str,
    this: Option<OrganizationId>,
) -> Result<(), ServiceError> {
    match library::holder_of_name(services.store(), name).await? {
        Some(other) if Some(other) != this => Err(ServiceError::Conflict { key: "org.name_taken" }),
        _ => Ok(()),
    }
}

/// Registers a new organization (staff whose `registry.edit` scope reaches the district).
pub async fn create(
    services: &Services,
    caller: &Principal,
    input: &OrgInput,
    ip: &str,
) -> Result<OrganizationId, ServiceError> {
    let now = services.now();
    let scope = caller.scope(Permission::RegistryEdit, now);
    if scope.is_none() {
        return Err(ServiceError::Forbidden);
    }
    let (fields, phone) =
        with_name(services, input, None, check(services, input, Uscc::parse(&input.uscc)).await).await?;
    if library::find_state(services.store(), &fields.uscc).await?.is_some() {
        return Err(ServiceError::Fields(vec![FieldError::new("uscc", "org.uscc_taken")]));
    }
    name_is_free(services, &fields.name, None).await?;
    if !scope.covers(Some(fields.district_id), None) {
        return Err(ServiceError::Fields(vec![FieldError::new("district_id", "import.out_of_scope")]));
    }
    let mut stored = fields.clone();
    stored.contact_phone_enc = phone.as_deref().map(|p| services.secrets().encrypt(p)).transpose()?;
    let tx = Work::begin(services).await?;
    let id = match library::insert(&tx, &stored, now).await {
        Ok(id) => id,
        Err(e) if e.is_duplicate() => {
            drop(tx);
            // A racing request registered the same code or took the name first.
            return Err(match library::find_state(services.store(), &fields.uscc).await? {
                Some(_) => ServiceError::Fields(vec![FieldError::new("uscc", "org.uscc_taken")]),
                None => ServiceError::Conflict { key: "org.name_taken" },
            });
        }
        Err(e) => return Err(e.into()),
    };
    sheji_store::search::enqueue(&tx, DocType::Organization, &[i64::from(id.get())], now).await?;
    let change = Change {
        action: "organization.create",
        target_type: "organization",
        target_id: id.to_string(),
        before: Value::Null,
        after: snapshot(&fields, phone.as_deref()),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    services.registry_written().await;
    Ok(id)
}

/// The stored form values of an organization the caller may edit (404 otherwise).
pub async fn form_of(services: &Services, caller: &Principal, id: OrganizationId) -> Result<OrgInput, ServiceError> {
    let state = editable(services, caller, id).await?;
    let phone = state.fields.contact_phone_enc.as_deref().and_then(|e| services.secrets().decrypt(e).ok());
    Ok(OrgInput::from_state(&state, phone))
}

async fn editable(services: &Services, caller: &Principal, id: OrganizationId) -> Result<OrgState, ServiceError> {
    let scope = caller.scope(Permission::RegistryEdit, services.now());
    if scope.is_none() {
        return Err(ServiceError::Forbidden);
    }
    let state = library::find_state_by_id(services.store(), id)
        .await?
        .ok_or(ServiceError::NotFound { key: "error.not_found.organization" })?;
    if !scope.covers(Some(state.fields.district_id), Some(state.id)) {
        return Err(ServiceError::NotFound { key: "error.not_found.organization" });
    }
    Ok(state)
}

/// Saves an edited organization; returns whether anything changed. The USCC never changes;
/// moving an organization to another district needs a scope that reaches that district.
pub async fn update(
    services: &Services,
    caller: &Principal,
    id: OrganizationId,
    input: &OrgInput,
    ip: &str,
) -> Result<bool, ServiceError> {
    let now = services.now();
    let state = editable(services, caller, id).await?;
    let checked = check(services, input, Ok(state.fields.uscc.clone())).await;
    let (mut fields, phone) = with_name(services, input, Some(id), checked).await?;
    let scope = caller.scope(Permission::RegistryEdit, now);
    if fields.district_id != state.fields.district_id && !scope.covers(Some(fields.district_id), None) {
        return Err(ServiceError::Fields(vec![FieldError::new("district_id", "import.out_of_scope")]));
    }
    if fields.name != state.fields.name {
        name_is_free(services, &fields.name, Some(id)).await?;
    }
    let old_phone = state.fields.contact_phone_enc.as_deref().and_then(|e| services.secrets().decrypt(e).ok());
    let mut same = state.fields.clone();
    same.contact_phone_enc = None;
    if same == fields && old_phone == phone {
        return Ok(false);
    }
    fields.contact_phone_enc = if old_phone == phone {
        state.fields.contact_phone_enc.clone()
    } else {
        phone.as_deref().map(|p| services.secrets().encrypt(p)).transpose()?
    };
    let tx = Work::begin(services).await?;
    match library::update(&tx, id, &fields, now).await {
        // The only unique value an update writes is the name: a racing request took it, or
        // this organization is a namesake from before names were kept unique.
        Err(e) if e.is_duplicate() => return Err(ServiceError::Conflict { key: "org.name_taken" }),
        other => other?,
    }
    sheji_store::search::enqueue(&tx, DocType::Organization, &[i64::from(id.get())], now).await?;
    let change = Change {
        action: "organization.update",
        target_type: "organization",
        target_id: id.to_string(),
        before: snapshot(&state.fields, old_phone.as_deref()),
        after: snapshot(&fields, phone.as_deref()),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    services.registry_written().await;
    Ok(true)
}

/// The district confirms a year's figures as checked (against the statistics or the
/// enterprise's papers): officers whose library scope reaches the organization's district.
/// `seen` is when the figures the officer looked at were entered (Unix ms): figures entered
/// again since are not confirmed by that click. Figures entered later need a new confirmation.
pub async fn confirm_figures(
    services: &Services,
    caller: &Principal,
    id: OrganizationId,
    year: i32,
    seen: i64,
    ip: &str,
) -> Result<(), ServiceError> {
    let now = services.now();
    let org = super::get_private(services, caller, id).await?;
    if !caller.scope(Permission::LibraryDecide, now).covers(Some(org.public.district_id), None) {
        return Err(ServiceError::Forbidden);
    }
    let records = library::list_figure_records(services.store(), id).await?;
    let Some(record) = records.iter().find(|r| r.year == year) else {
        return Err(ServiceError::NotFound { key: "indicator.no_year" });
    };
    // The officer confirms the figures they saw: entered again since, they are not confirmed.
    if record.entered_at.timestamp_millis() != seen {
        return Err(ServiceError::Conflict { key: "indicator.changed" });
    }
    if record.confirmed_by.is_some() {
        return Err(ServiceError::Conflict { key: "indicator.already_confirmed" });
    }
    let tx = Work::begin(services).await?;
    if !library::confirm_indicators(&tx, id, year, record.entered_at, &caller.username, now).await? {
        return Err(ServiceError::Conflict { key: "indicator.changed" });
    }
    let change = Change {
        action: "organization.figures_confirm",
        target_type: "organization",
        target_id: id.to_string(),
        before: json!({"year": year, "confirmed_by": null}),
        after: json!({"year": year, "confirmed_by": caller.username, "entered_by": record.entered_by}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// One year's figures as typed.
#[derive(Debug, Clone, Default)]
pub struct FiguresInput {
    /// The year.
    pub year: String,
    /// Field name → typed value (revenue, rd_spend, … as in [`Indicators`]).
    pub values: BTreeMap<&'static str, String>,
}

/// The figure fields in form order, with whether each is money (万元) or a count.
pub const FIGURE_FIELDS: [(&str, bool); 10] = [
    ("revenue", true),
    ("rd_spend", true),
    ("design_investment", true),
    ("staff_total", false),
    ("design_staff", false),
    ("senior_design_staff", false),
    ("design_patents", false),
    ("new_product_sales", true),
    ("design_service_revenue", true),
    ("awards", false),
];

/// Saves one year's figures after the range checks (the organization's editors).
pub async fn save_figures(
    services: &Services,
    caller: &Principal,
    id: OrganizationId,
    input: &FiguresInput,
    ip: &str,
) -> Result<(), ServiceError> {
    editable(services, caller, id).await?;
    let mut errors = Vec::new();
    // Figures are for a year that has begun: a future year would become the "latest" and
    // decide eligibility on figures nobody can have yet.
    let this_year = chrono::Datelike::year(&services.today());
    let year = match input.year.trim().parse::<i32>() {
        Ok(y) if (2000..=this_year).contains(&y) => Some(y),
        Ok(y) if y > this_year => {
            errors.push(FieldError {
                field: "year",
                key: "indicator.year_future",
                args: vec![("year", this_year.to_string())],
            });
            None
        }
        _ => {
            errors.push(FieldError {
                field: "year",
                key: "indicator.year_invalid",
                args: vec![("value", input.year.clone())],
            });
            None
        }
    };
    let get = |k: &str| input.values.get(k).map(String::as_str).unwrap_or_default();
    let mut money = |k: &'static str| {
        parse_number(get(k)).unwrap_or_else(|_| {
            errors.push(FieldError {
                field: k,
                key: "import.number_invalid",
                args: vec![("value", get(k).to_owned())],
            });
            None
        })
    };
    let (revenue, rd_spend, design_investment, new_product_sales, design_service_revenue) = (
        money("revenue"),
        money("rd_spend"),
        money("design_investment"),
        money("new_product_sales"),
        money("design_service_revenue"),
    );
    let mut count = |k: &'static str| {
        parse_count(get(k)).unwrap_or_else(|_| {
            errors.push(FieldError { field: k, key: "import.count_invalid", args: vec![("value", get(k).to_owned())] });
            None
        })
    };
    let figures = Indicators {
        revenue,
        rd_spend,
        design_investment,
        staff_total: count("staff_total"),
        design_staff: count("design_staff"),
        senior_design_staff: count("senior_design_staff"),
        design_patents: count("design_patents"),
        new_product_sales,
        design_service_revenue,
        awards: count("awards"),
    };
    let (Some(year), true) = (year, errors.is_empty()) else { return Err(ServiceError::Fields(errors)) };
    // A field left empty keeps the year's stored value: entering one figure never blanks the
    // others (the form opens filled in with the latest year).
    let stored = sheji_store::registry::library::list_indicators(services.store(), id)
        .await?
        .into_iter()
        .find(|(y, _)| *y == year)
        .map(|(_, i)| i)
        .unwrap_or_default();
    let figures = figures.or(&stored);
    let problems: Vec<FieldError> =
        figures.problems().into_iter().map(|(field, key)| FieldError::new(field, key)).collect();
    if !problems.is_empty() {
        return Err(ServiceError::Fields(problems));
    }
    let now = services.now();
    let tx = Work::begin(services).await?;
    // Figures equal to the stored ones change nothing: the unit of work is dropped unrecorded.
    let by = library::EnteredBy { name: &caller.username, via: "form" };
    if let Some(change) = put_figures(&tx, now, id, year, &figures, by).await? {
        tx.commit(&Actor::of(caller, ip), change).await?;
    }
    services.registry_written().await;
    Ok(())
}
