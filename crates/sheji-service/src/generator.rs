//! A synthetic city for benchmarks (`sheji gen --scale N`): at scale 1 about 10 000
//! organizations with five years of figures and 50 000 people, every table that exists filled
//! in proportion. Deterministic for a seed; names, addresses and descriptions come from the
//! demo's component lists, districts and clusters keep its skew, USCCs are valid. Rows go in
//! with bulk inserts, batch by batch, with progress reported to the caller.

use std::collections::HashSet;

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;
use sheji_core::identity::{AccountStatus, Affiliation, Role};
use sheji_core::ids::OrganizationId;
use sheji_core::page::PageRequest;
use sheji_core::registry::{Indicators, LibraryStatus, OrgKind};
use sheji_store::identity::{self as identity_store, NewAccount};
use sheji_store::reference as reference_store;
use sheji_store::registry as registry_store;
use sheji_store::registry::library as library_store;

use crate::audit::{self, Actor, Change};
use crate::registry::demo::{organizations_mix, person_name};
use crate::{ServiceError, Services};

/// Organizations per unit of scale.
pub const ORGS_PER_SCALE: usize = 10_000;
/// People per unit of scale.
pub const PEOPLE_PER_SCALE: usize = 50_000;
/// Organizations generated and written per batch.
const BATCH: usize = 2_000;
/// The years of figures generated.
pub const YEARS: std::ops::RangeInclusive<i32> = 2021..=2025;
/// The password of every generated account (benchmark data only).
pub const GEN_PASSWORD: &str = "Bench-Pass-2026";

/// The mix of kinds, per 1 000 organizations.
const MIX_PER_THOUSAND: [(OrgKind, usize); 8] = [
    (OrgKind::Manufacturer, 700),
    (OrgKind::DesignFirm, 150),
    (OrgKind::ResearchInstitute, 30),
    (OrgKind::University, 15),
    (OrgKind::IndustrialPark, 20),
    (OrgKind::ServicePlatform, 30),
    (OrgKind::Association, 25),
    (OrgKind::Other, 30),
];

/// What a generation run wrote.
#[derive(Debug, Clone, Copy, Default)]
pub struct Generated {
    /// Organizations.
    pub organizations: u64,
    /// Yearly figure rows.
    pub figures: u64,
    /// Accounts.
    pub accounts: u64,
}

/// Plausible figures for five years, growing or shrinking a little each year.
pub(crate) fn figures(rng: &mut impl Rng, kind: OrgKind) -> Vec<(i32, Indicators)> {
    let (mut revenue, staff): (f64, i64) = match kind {
        OrgKind::Manufacturer => (rng.random_range(1_000.0..200_000.0), rng.random_range(50..5_000)),
        OrgKind::DesignFirm => (rng.random_range(100.0..20_000.0), rng.random_range(5..300)),
        _ => (rng.random_range(50.0..5_000.0), rng.random_range(10..800)),
    };
    let design_share = match kind {
        OrgKind::DesignFirm => rng.random_range(0.5..0.9),
        _ => rng.random_range(0.02..0.08),
    };
    YEARS
        .map(|year| {
            revenue *= rng.random_range(0.88..1.18);
            let staff_total = (staff as f64 * rng.random_range(0.9..1.1)).round() as i64;
            let design_staff = ((staff_total as f64) * design_share).round().max(1.0) as i64;
            let i = Indicators {
                revenue: Some((revenue * 10.0).round() / 10.0),
                rd_spend: Some((revenue * rng.random_range(0.02..0.06) * 10.0).round() / 10.0),
                design_investment: Some((revenue * rng.random_range(0.004..0.03) * 10.0).round() / 10.0),
                staff_total: Some(staff_total),
                design_staff: Some(design_staff),
                senior_design_staff: Some((design_staff as f64 * rng.random_range(0.1..0.3)).round() as i64),
                design_patents: Some(rng.random_range(0..30)),
                new_product_sales: Some((revenue * rng.random_range(0.1..0.4) * 10.0).round() / 10.0),
                design_service_revenue: (kind == OrgKind::DesignFirm)
                    .then(|| (revenue * rng.random_range(0.6..0.95) * 10.0).round() / 10.0),
                awards: Some(rng.random_range(0..4)),
            };
            (year, i)
        })
        .collect()
}

/// What a progress report counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Organizations with their figures.
    Organizations,
    /// People (accounts).
    People,
}

/// Generates a city at `scale` (organizations = 10 000 × scale) with `seed`, reporting
/// (stage, written, planned) after each batch.
pub async fn generate(
    services: &Services,
    scale: f64,
    seed: u64,
    mut progress: impl FnMut(Stage, usize, usize),
) -> Result<Generated, ServiceError> {
    let store = services.store();
    let districts = reference_store::list_active_districts(store).await?;
    let clusters = reference_store::list_clusters(store, None, PageRequest::new(Some(1), Some(200))).await?.items;
    let industries = reference_store::list_industry_division_codes(store).await?;
    let total = (ORGS_PER_SCALE as f64 * scale).round().max(1.0) as usize;
    let people = (PEOPLE_PER_SCALE as f64 * scale).round() as usize;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut names, mut codes) = (HashSet::new(), HashSet::new());
    let password_hash = services.secrets().hash_password(GEN_PASSWORD)?;
    let mut done = Generated::default();
    let mut org_ids: Vec<OrganizationId> = Vec::with_capacity(total);
    let mut written = 0;
    while written < total {
        let n = BATCH.min(total - written);
        // Split the batch by the mix; rounding leftovers go to manufacturers.
        let mut mix: Vec<(OrgKind, usize)> = MIX_PER_THOUSAND.iter().map(|(k, per)| (*k, n * per / 1000)).collect();
        let assigned: usize = mix.iter().map(|(_, c)| c).sum();
        if let Some(first) = mix.first_mut() {
            first.1 += n - assigned;
        }
        let batch = organizations_mix(&mut rng, &mix, &districts, &clusters, &industries, &mut names, &mut codes);
        let mut orgs = Vec::with_capacity(batch.len());
        let mut kinds = Vec::with_capacity(batch.len());
        for (mut org, phone) in batch {
            org.contact_phone_enc = Some(services.secrets().encrypt(&phone)?);
            kinds.push((org.uscc.to_string(), org.kind));
            orgs.push(org);
        }
        let now = services.now();
        let tx = store.begin().await?;
        done.organizations += registry_store::insert_organizations_in(&tx, &orgs, now).await?;
        let usccs: Vec<&str> = kinds.iter().map(|(u, _)| u.as_str()).collect();
        let ids = library_store::ids_by_uscc(&tx, &usccs).await?;
        let id_of: std::collections::HashMap<&str, OrganizationId> =
            ids.iter().map(|(u, id)| (u.as_str(), *id)).collect();
        let mut rows = Vec::with_capacity(kinds.len() * 5);
        let (mut in_library, mut candidates) = (Vec::new(), Vec::new());
        for (uscc, kind) in &kinds {
            let Some(id) = id_of.get(uscc.as_str()).copied() else { continue };
            org_ids.push(id);
            rows.extend(figures(&mut rng, *kind).into_iter().map(|(y, i)| (id, y, i)));
            if matches!(kind, OrgKind::Manufacturer | OrgKind::DesignFirm) {
                match rng.random_range(0..100) {
                    0..30 => in_library.push(id),
                    30..35 => candidates.push(id),
                    _ => {}
                }
            }
        }
        let by = library_store::EnteredBy { name: "system", via: "generator" };
        done.figures += library_store::insert_indicators_bulk(&tx, &rows, by, now).await?;
        library_store::set_library_status_bulk(&tx, &in_library, LibraryStatus::InLibrary, now).await?;
        library_store::set_library_status_bulk(&tx, &candidates, LibraryStatus::Candidate, now).await?;
        tx.commit().await?;
        written += n;
        progress(Stage::Organizations, written, total);
    }
    // People: mostly designers and organization members, a few experts and staff.
    let start = identity_store::count_accounts(store).await? as usize;
    let mut made = 0;
    while made < people {
        let n = 2_000.min(people - made);
        let mut batch = Vec::with_capacity(n);
        for i in 0..n {
            let index = start + made + i;
            let (role, organization, district) = match rng.random_range(0..1000) {
                0..700 => (Role::Designer, None, None),
                700..900 => (Role::OrgMember, org_ids.choose(&mut rng).copied(), None),
                900..980 => (Role::OrgAdmin, org_ids.choose(&mut rng).copied(), None),
                980..995 => (Role::Expert, None, None),
                995..999 => (Role::BranchStaff, None, districts.choose(&mut rng).map(|d| d.id)),
                _ => (Role::HqStaff, None, None),
            };
            let phone = format!("1{}{:09}", rng.random_range(3..=9), rng.random_range(0..1_000_000_000u32));
            batch.push((
                NewAccount {
                    username: format!("u{index:07}"),
                    display_name: person_name(&mut rng),
                    phone_enc: Some(services.secrets().encrypt(&phone)?),
                    email: None,
                    status: AccountStatus::Active,
                    password_hash: password_hash.clone(),
                    must_change_password: false,
                },
                Affiliation { role, organization, district, until: None },
            ));
        }
        let tx = store.begin().await?;
        done.accounts += identity_store::insert_accounts_bulk(&tx, &batch, services.now()).await?;
        tx.commit().await?;
        made += n;
        progress(Stage::People, made, people);
    }
    let change = Change {
        action: "generator.load",
        target_type: "organization",
        target_id: "*".to_owned(),
        before: json!(null),
        after: json!({"scale": scale, "seed": seed, "organizations": done.organizations, "figures": done.figures, "accounts": done.accounts}),
    };
    audit::record_alone(services, &Actor::system(), change).await?;
    store.refresh_statistics().await?;
    // A bulk load writes no outbox rows: every node rebuilds its index instead.
    crate::search::bulk_loaded(services).await?;
    Ok(done)
}

/// Published demands and offers for the matchmaking benchmark: `demands` from manufacturers,
/// `offers` from design firms, institutes and universities (owned by the `admin` account),
/// with one to three wanted and two to five offered service categories, clusters, budgets,
/// prices and capacities drawn at random; deterministic for a seed. Returns what was written.
pub async fn generate_matchmaking(
    services: &Services,
    demands: usize,
    offers: usize,
    seed: u64,
) -> Result<(usize, usize), ServiceError> {
    use sheji_core::ids::ClusterId;
    use sheji_core::matchmaking::{DemandDraft, DemandStatus, Mode, OfferDraft, OfferStatus};
    use sheji_store::matchmaking as mm;
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6d61_7463_6800);
    let choices = crate::matchmaking::choices(services).await?;
    let categories: Vec<String> = choices.categories.iter().map(|(c, _, _)| c.clone()).collect();
    let clusters: Vec<ClusterId> = choices.clusters.iter().map(|(c, _)| *c).collect();
    let owner = crate::identity::account_id(services, "admin").await?.ok_or(ServiceError::Forbidden)?;
    let orgs_of = |kinds: &'static [OrgKind]| async move {
        let mut out = Vec::new();
        for kind in kinds {
            let mut page = 1;
            loop {
                let f = crate::registry::OrgFilter { kind: Some(*kind), ..Default::default() };
                let p = crate::registry::list_public(services, &f, PageRequest::new(Some(page), Some(200))).await?;
                out.extend(p.items.iter().map(|o| (o.id, o.district_id)));
                if page >= p.page_count() {
                    break;
                }
                page += 1;
            }
        }
        Ok::<_, ServiceError>(out)
    };
    let makers = orgs_of(&[OrgKind::Manufacturer]).await?;
    let providers = orgs_of(&[OrgKind::DesignFirm, OrgKind::ResearchInstitute, OrgKind::University]).await?;
    if makers.is_empty() || providers.is_empty() || categories.is_empty() || clusters.is_empty() {
        return Ok((0, 0));
    }
    let pick = |rng: &mut ChaCha8Rng, n: usize| -> std::collections::BTreeSet<String> {
        categories.choose_multiple(rng, n).cloned().collect()
    };
    let today = services.today();
    let none = std::collections::BTreeSet::new();
    let (mut d_done, mut o_done) = (0, 0);
    while d_done < demands {
        let n = 500.min(demands - d_done);
        let tx = services.store().begin().await?;
        let now = services.now();
        for i in 0..n {
            let Some((org, district)) = makers.choose(&mut rng).copied() else { break };
            let k = rng.random_range(1..=3);
            let lo: f64 = rng.random_range(5.0..200.0_f64).round();
            let d = DemandDraft {
                title: format!("设计需求 {}", d_done + i + 1),
                product: "产品".to_owned(),
                summary: "外观与结构设计".to_owned(),
                details: String::new(),
                deliverables: "方案与模型".to_owned(),
                categories: pick(&mut rng, k),
                cluster: clusters.choose(&mut rng).copied(),
                industry_code: None,
                budget_min: Some(lo),
                budget_max: Some((lo * rng.random_range(1.2..3.0_f64)).round()),
                deadline: Some(today + chrono::Duration::days(rng.random_range(30..120))),
                modes: [Mode::Fee].into_iter().collect(),
                ip_terms: String::new(),
            };
            let id = mm::insert_demand(&tx, org, district, &d, &none, "gen", now).await?;
            mm::move_demand(&tx, id, DemandStatus::Draft, DemandStatus::Published, None, now).await?;
        }
        tx.commit().await?;
        d_done += n;
    }
    while o_done < offers {
        let n = 500.min(offers - o_done);
        let tx = services.store().begin().await?;
        let now = services.now();
        for i in 0..n {
            let Some((org, district)) = providers.choose(&mut rng).copied() else { break };
            let k = rng.random_range(2..=5);
            let lo: f64 = rng.random_range(3.0..150.0_f64).round();
            let o = OfferDraft {
                title: format!("设计服务 {}", o_done + i + 1),
                description: "全流程工业设计".to_owned(),
                team: String::new(),
                cases: String::new(),
                categories: pick(&mut rng, k),
                clusters: {
                    let n = rng.random_range(1..=4);
                    clusters.choose_multiple(&mut rng, n).copied().collect()
                },
                capacity: Some(rng.random_range(1..=10)),
                price_min: Some(lo),
                price_max: Some((lo * rng.random_range(1.5..4.0_f64)).round()),
            };
            let owner = mm::OfferOwner { organization: Some(org), account: owner, district };
            let id = mm::insert_offer(&tx, owner, &o, &none, "gen", now).await?;
            mm::move_offer(&tx, id, OfferStatus::Draft, OfferStatus::Published, now).await?;
        }
        tx.commit().await?;
        o_done += n;
    }
    services.forget_matchmaking_pool();
    Ok((d_done, o_done))
}
