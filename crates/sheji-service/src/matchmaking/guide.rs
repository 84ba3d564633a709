//! The 供需指南: city staff publish the demand and supply lists for a period as one official
//! document — a page, an Excel workbook and a PDF made by the documents engine. What the lists
//! held at publication is frozen with it, so every copy says the same thing however the lists
//! change afterwards.

use serde::{Deserialize, Serialize};
use serde_json::json;
use sheji_core::i18n::Lang;
use sheji_core::identity::Principal;
use sheji_core::matchmaking::{self as core, GuideDraft};
use sheji_core::page::{Page, PageRequest};
use sheji_store::matchmaking as store;
pub use sheji_store::matchmaking::Guide;

use super::{Choices, DemandFilter, OfferFilter, choices, public_demands, public_offers, staff_scope};
use crate::audit::{Actor, Change};
use crate::clip;
use crate::document::{HeadedTable, Layout, Paper, Printable, Table};
use crate::work::Work;
use crate::{FieldError, ServiceError, Services};

/// Records a guide holds at most of each list (a longer list is a database to search, not a
/// document to print).
pub const MAX_GUIDE_ROWS: u64 = 2_000;

/// A demand as the guide froze it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GuideDemand {
    /// Its key (its page may since have changed).
    pub id: i32,
    /// Title.
    pub title: String,
    /// The organization.
    pub organization: String,
    /// Its district's name.
    pub district: String,
    /// Category codes.
    pub categories: Vec<String>,
    /// Budget in 万元.
    pub budget: (Option<f64>, Option<f64>),
    /// Deadline.
    pub deadline: Option<chrono::NaiveDate>,
}

/// An offer as the guide froze it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GuideOffer {
    /// Its key.
    pub id: i32,
    /// Title.
    pub title: String,
    /// The provider.
    pub provider: String,
    /// Its district's name.
    pub district: String,
    /// Category codes.
    pub categories: Vec<String>,
    /// Price in 万元.
    pub price: (Option<f64>, Option<f64>),
    /// Projects at once.
    pub capacity: Option<i32>,
}

/// What a guide froze.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Snapshot {
    /// The published demands, newest first.
    pub demands: Vec<GuideDemand>,
    /// The published offers, newest first.
    pub offers: Vec<GuideOffer>,
}

/// Whether the caller may publish a guide: city-wide matchmaking staff.
pub fn may_publish(services: &Services, caller: Option<&Principal>) -> bool {
    staff_scope(services, caller).all
}

async fn district_names(services: &Services) -> Result<std::collections::BTreeMap<i32, String>, ServiceError> {
    Ok(sheji_store::reference::list_active_districts(services.store())
        .await?
        .into_iter()
        .map(|d| (d.id.get(), d.name))
        .collect())
}

/// What the public lists hold now, as a guide freezes it (at most [`MAX_GUIDE_ROWS`] each).
pub(crate) async fn snapshot(services: &Services) -> Result<Snapshot, ServiceError> {
    let districts = district_names(services).await?;
    let mut snap = Snapshot::default();
    let per = sheji_core::page::MAX_PER_PAGE;
    for n in 1..=MAX_GUIDE_ROWS.div_ceil(per) {
        let p = public_demands(services, &DemandFilter::default(), PageRequest::new(Some(n), Some(per))).await?;
        let last = n >= p.page_count();
        snap.demands.extend(p.items.into_iter().map(|l| GuideDemand {
            id: l.demand.id,
            title: l.demand.draft.title,
            organization: l.organization,
            district: districts.get(&l.demand.district.get()).cloned().unwrap_or_default(),
            categories: l.demand.draft.categories.into_iter().collect(),
            budget: (l.demand.draft.budget_min, l.demand.draft.budget_max),
            deadline: l.demand.draft.deadline,
        }));
        if last {
            break;
        }
    }
    for n in 1..=MAX_GUIDE_ROWS.div_ceil(per) {
        let p = public_offers(services, &OfferFilter::default(), PageRequest::new(Some(n), Some(per))).await?;
        let last = n >= p.page_count();
        snap.offers.extend(p.items.into_iter().map(|l| GuideOffer {
            id: l.offer.id,
            title: l.offer.draft.title,
            provider: l.provider,
            district: districts.get(&l.offer.district.get()).cloned().unwrap_or_default(),
            categories: l.offer.draft.categories.into_iter().collect(),
            price: (l.offer.draft.price_min, l.offer.draft.price_max),
            capacity: l.offer.draft.capacity,
        }));
        if last {
            break;
        }
    }
    Ok(snap)
}

/// Publishes a guide of what the lists hold now (city staff).
pub async fn publish(services: &Services, caller: &Principal, g: &GuideDraft, ip: &str) -> Result<i32, ServiceError> {
    if !may_publish(services, Some(caller)) {
        return Err(ServiceError::Forbidden);
    }
    let g = GuideDraft { title: g.title.trim().to_owned(), intro: clip(g.intro.trim(), 5_000), ..g.clone() };
    let problems = core::check_guide(&g);
    if !problems.is_empty() {
        return Err(ServiceError::Fields(problems.into_iter().map(|(f, k)| FieldError::new(f, k)).collect()));
    }
    let snap = snapshot(services).await?;
    let json = serde_json::to_string(&snap)
        .map_err(|e| ServiceError::Invalid { key: "document.render_failed", args: vec![("detail", e.to_string())] })?;
    let counts =
        (i32::try_from(snap.demands.len()).unwrap_or(i32::MAX), i32::try_from(snap.offers.len()).unwrap_or(i32::MAX));
    let tx = Work::begin(services).await?;
    let id = store::insert_guide(&tx, &g, &json, counts, &caller.username, tx.now()).await?;
    let change = Change {
        action: "matchmaking.guide_publish",
        target_type: "matchmaking_guide",
        target_id: id.to_string(),
        before: serde_json::Value::Null,
        after: json!({"title": g.title, "from": g.period_from, "to": g.period_to, "demands": counts.0, "offers": counts.1}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(id)
}

/// The published guides, newest first (public).
pub async fn guides(services: &Services, page: PageRequest) -> Result<Page<Guide>, ServiceError> {
    Ok(store::list_guides(services.store(), page).await?)
}

/// One guide with what it froze (public).
pub async fn guide(services: &Services, id: i32) -> Result<(Guide, Snapshot), ServiceError> {
    let g =
        store::get_guide(services.store(), id).await?.ok_or(ServiceError::NotFound { key: "matchmaking.no_guide" })?;
    let snap: Snapshot = serde_json::from_str(&g.snapshot).map_err(|e| {
        tracing::error!(guide = id, error = %e, "a guide's snapshot does not read");
        ServiceError::Conflict { key: "document.render_failed" }
    })?;
    Ok((g, snap))
}

/// An amount range as printed (30–60 万元, 面议 …).
pub fn amount(lang: Lang, lo: Option<f64>, hi: Option<f64>) -> String {
    let n = |v: f64| format!("{}", (v * 100.0).round() / 100.0);
    match (lo, hi) {
        (Some(l), Some(h)) if (l - h).abs() < f64::EPSILON => lang.tf("matchmaking.amount_exact", &[("a", &n(l))]),
        (Some(l), Some(h)) => lang.tf("matchmaking.amount_between", &[("lo", &n(l)), ("hi", &n(h))]),
        (Some(l), None) => lang.tf("matchmaking.amount_from", &[("lo", &n(l))]),
        (None, Some(h)) => lang.tf("matchmaking.amount_to", &[("hi", &n(h))]),
        (None, None) => lang.t("matchmaking.amount_open").to_owned(),
    }
}

/// Category names joined as the language writes a list.
pub fn category_names(lang: Lang, c: &Choices, codes: &[String]) -> String {
    lang.join_list(
        codes.iter().map(|code| c.categories.iter().find(|(k, _, _)| k == code).map_or(code.as_str(), |(_, n, _)| n)),
    )
}

/// The two tables of a guide, in the reader's language: (demands, offers).
pub async fn tables(services: &Services, snap: &Snapshot, lang: Lang) -> Result<(Table, Table), ServiceError> {
    let c = choices(services).await?;
    let heads = |keys: &[&str]| keys.iter().map(|k| lang.t(k).to_owned()).collect::<Vec<_>>();
    let demands = Table {
        headers: heads(&[
            "recognition.doc.col_no",
            "matchmaking.title",
            "review.organization",
            "org.district",
            "matchmaking.categories",
            "matchmaking.budget",
            "matchmaking.deadline",
        ]),
        rows: snap
            .demands
            .iter()
            .enumerate()
            .map(|(i, d)| {
                vec![
                    (i + 1).to_string(),
                    d.title.clone(),
                    d.organization.clone(),
                    d.district.clone(),
                    category_names(lang, &c, &d.categories),
                    amount(lang, d.budget.0, d.budget.1),
                    d.deadline.map(|x| lang.date(x)).unwrap_or_default(),
                ]
            })
            .collect(),
    };
    let offers = Table {
        headers: heads(&[
            "recognition.doc.col_no",
            "matchmaking.title",
            "matchmaking.provider",
            "org.district",
            "matchmaking.categories",
            "matchmaking.price",
            "matchmaking.capacity",
        ]),
        rows: snap
            .offers
            .iter()
            .enumerate()
            .map(|(i, o)| {
                vec![
                    (i + 1).to_string(),
                    o.title.clone(),
                    o.provider.clone(),
                    o.district.clone(),
                    category_names(lang, &c, &o.categories),
                    amount(lang, o.price.0, o.price.1),
                    o.capacity.map(|x| x.to_string()).unwrap_or_default(),
                ]
            })
            .collect(),
    };
    Ok((demands, offers))
}

/// The guide as an official document (print view and PDF), sealed by the issuer.
pub async fn paper(services: &Services, id: i32, lang: Lang) -> Result<Printable, ServiceError> {
    let (g, snap) = guide(services, id).await?;
    let (demands, offers) = tables(services, &snap, lang).await?;
    let issuer = crate::document::issuer(services, lang).await?;
    let (from, to) = (g.draft.period_from.map(|d| lang.long_date(d)), g.draft.period_to.map(|d| lang.long_date(d)));
    let mut p = Paper::new(Layout::Letter, lang, format!("guide-{id}"));
    p.issuer = issuer.clone();
    p.title = g.draft.title.clone();
    p.subtitle = lang.tf(
        "matchmaking.guide_period",
        &[("from", from.as_deref().unwrap_or_default()), ("to", to.as_deref().unwrap_or_default())],
    );
    p.paragraphs = g.draft.intro.split("\n\n").map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect();
    p.paragraphs.push(lang.tf(
        "matchmaking.guide_counts",
        &[("demands", &snap.demands.len().to_string()), ("offers", &snap.offers.len().to_string())],
    ));
    p.tables = vec![
        HeadedTable { heading: lang.t("matchmaking.demands").to_owned(), table: demands },
        HeadedTable { heading: lang.t("matchmaking.offers").to_owned(), table: offers },
    ];
    p.closing = vec![lang.t("matchmaking.guide_closing").to_owned()];
    p.signer = issuer;
    p.date = lang.long_date(sheji_core::clock::beijing_date(g.published_at));
    p.verify_url = Some(crate::identity::absolute_url(services, &format!("/guides/{id}")).await?);
    p.verify_label = lang.t("matchmaking.guide_online").to_owned();
    Printable::new(services, p, true).await
}

/// The guide's PDF (kept a few minutes per language: see `GUIDE_PDF_TTL_SECONDS`).
pub async fn pdf(services: &Services, id: i32, lang: Lang) -> Result<std::sync::Arc<Vec<u8>>, ServiceError> {
    if let Some(bytes) = services.cached_guide_pdf((id, lang)) {
        return Ok(bytes);
    }
    let bytes = std::sync::Arc::new(paper(services, id, lang).await?.pdf().await?);
    services.remember_guide_pdf((id, lang), bytes.clone());
    Ok(bytes)
}

/// The guide as a workbook: the demands and the offers, one sheet each.
pub async fn xlsx(services: &Services, id: i32, lang: Lang) -> Result<Vec<u8>, ServiceError> {
    let (_, snap) = guide(services, id).await?;
    let (demands, offers) = tables(services, &snap, lang).await?;
    crate::spreadsheet::tables_workbook(&[
        (lang.t("matchmaking.demands").to_owned(), &demands),
        (lang.t("matchmaking.offers").to_owned(), &offers),
    ])
}
