//! The schema and the reference data, on every backend.

use std::sync::Arc;

use sheji_core::clock::FixedClock;
use sheji_core::page::PageRequest;
use sheji_core::reference::{DistrictStatus, DivisionCode};
use sheji_service::{Backend, ServiceError, platform, reference, registry};
use sheji_store::StoreError;
use sheji_store::testing::record_foreign_migration;

use crate::support::{TestApp, backend_tests, fresh_db, test_secrets, test_time};

backend_tests!(migrations_twice_change_nothing, reference_counts_after_seeding, historical_codes_still_resolve);
backend_tests!(demo_loads_every_kind_once, newer_schema_is_refused_untouched, chinese_text_round_trips);

async fn migrations_twice_change_nothing(backend: Backend) {
    let Some(db) = fresh_db(backend).await else { return };
    let clock = || Arc::new(FixedClock::new(test_time()));
    let (services, first) = platform::open(db.url(), clock(), test_secrets()).await.expect("first open");
    services.close().await.expect("close");
    assert!(first.was_empty());
    assert_eq!(first.after.pending, 0);
    assert!(first.after.number >= 2);
    assert!(first.seeded > 100, "reference data seeded: {}", first.seeded);

    let (services, second) = platform::open(db.url(), clock(), test_secrets()).await.expect("second open");
    assert!(!second.was_empty());
    assert_eq!(second.before, first.after, "the second run finds the schema the first left");
    assert_eq!(second.after, first.after);
    assert_eq!(second.seeded, 0, "nothing is seeded twice");
    let counts = reference::counts(&services).await.expect("counts");
    assert_eq!(counts.districts, 42);
    services.close().await.expect("close");
    db.drop_db().await;
}

async fn reference_counts_after_seeding(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let c = reference::counts(&app.services).await.expect("counts");
    // The shipped lists: 38 区县 + 两江新区 (2025) + 3 functional zones; 30 clusters
    // (3+3+6+18); GB/T 4754 sections A–T; manufacturing divisions 13–43; 17 service
    // categories; 5 title levels; 12 honor tiers.
    assert_eq!((c.districts, c.clusters, c.industry_sections, c.industry_divisions), (42, 30, 20, 31),);
    assert_eq!((c.service_categories, c.title_levels, c.honor_tiers), (17, 5, 12));
    let tier4 = reference::list_clusters(
        &app.services,
        sheji_core::reference::ClusterTier::new(4).ok(),
        PageRequest::default(),
    )
    .await
    .expect("tier 4");
    assert_eq!(tier4.total, 18);
    app.finish().await;
}

async fn historical_codes_still_resolve(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let filter = reference::DistrictFilter { code: DivisionCode::parse("500105").ok(), ..Default::default() };
    let page = reference::list_districts(&app.services, &filter, PageRequest::default()).await.expect("list");
    let jiangbei = page.items.first().expect("江北区 is kept after its abolition");
    assert_eq!(jiangbei.name, "江北区");
    assert_eq!(jiangbei.status, DistrictStatus::Abolished);
    assert_eq!(jiangbei.valid_to.map(|d| d.to_string()).as_deref(), Some("2025-11"));

    let filter = reference::DistrictFilter { status: Some(DistrictStatus::Active), ..Default::default() };
    let active =
        reference::list_districts(&app.services, &filter, PageRequest::new(Some(1), Some(10))).await.expect("list");
    assert_eq!(active.total, 39, "42 minus two abolished districts and one superseded zone");
    assert_eq!(active.items.len(), 10, "pages are bounded");
    let err = reference::get_district(&app.services, sheji_core::ids::DistrictId(99_999)).await;
    assert!(matches!(err, Err(ServiceError::NotFound { .. })));
    app.finish().await;
}

async fn demo_loads_every_kind_once(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else {
        return;
    };
    let counts = registry::counts(&app.services).await.expect("counts");
    assert_eq!(counts.total, 240);
    assert!(counts.by_kind.iter().all(|(_, n)| *n > 0), "every kind present: {:?}", counts.by_kind);
    let again = sheji_service::demo::load(&app.services).await.expect("reload");
    assert_eq!(again.organizations, 0, "loading the demo twice adds nothing");
    app.finish().await;
}

async fn newer_schema_is_refused_untouched(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let url = app.db.url().clone();
    let before = platform::version(&url).await.expect("version");
    record_foreign_migration(&url, "m20991231_000001_from_the_future").await.expect("record");
    let err = platform::open(&url, Arc::new(FixedClock::new(test_time())), test_secrets())
        .await
        .map(|_| ())
        .expect_err("refused");
    assert!(matches!(err, ServiceError::Store(StoreError::SchemaTooNew { .. })), "{err:?}");
    let message = err.message(sheji_core::i18n::Lang::Zh);
    assert!(message.contains("升级"), "says what to do: {message}");
    let err = platform::version(&url).await.expect_err("still refused");
    assert!(matches!(err, ServiceError::Store(StoreError::SchemaTooNew { .. })));
    assert_eq!(before.pending, 0);
    app.finish().await;
}

async fn chinese_text_round_trips(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let page = reference::list_districts(&app.services, &Default::default(), PageRequest::new(Some(1), Some(200)))
        .await
        .expect("list");
    let names: Vec<&str> = page.items.iter().map(|d| d.name.as_str()).collect();
    for expected in ["秀山土家族苗族自治县", "两江新区（国家级新区）", "西部科学城重庆高新区"]
    {
        assert!(names.contains(&expected), "{expected} missing from {names:?}");
    }
    let clusters = reference::list_clusters(&app.services, None, PageRequest::default()).await.expect("clusters");
    assert!(clusters.items.iter().any(|c| c.tier_name == "“新星”产业集群"), "curly quotes survive");
    app.finish().await;
}
