//! Search: relevance on a fixed corpus among the demo city, facets that agree with filters,
//! the data scope, read-your-writes and other nodes catching up, rebuilds, and bad input —
//! the same suite on every backend.

use axum::http::StatusCode;
use sheji_core::i18n::Lang;
use sheji_core::ids::{DistrictId, OrganizationId};
use sheji_core::page::PageRequest;
use sheji_core::registry::uscc::check_char;
use sheji_core::search::Dimension;
use sheji_service::identity::system_principal;
use sheji_service::registry::edit::{self, OrgInput};
use sheji_service::search::{self, SearchRequest};
use sheji_service::{Backend, platform};

use crate::support::{TestApp, backend_tests, test_secrets};

fn uscc(body17: &str) -> String {
    format!("{body17}{}", check_char(body17).unwrap())
}

/// The organizations people look for by name, and look-alikes that must rank below them.
const CORPUS: [(&str, &str, &str, &str, &str); 9] = [
    ("91500000MA5T0A001", "重庆长安汽车股份有限公司", "长安汽车、长安", "manufacturer", "汽车整车研发与造型设计"),
    ("91500000MA5T0A002", "重庆长安民生物流股份有限公司", "民生物流", "other", "汽车零部件物流"),
    ("91500000MA5T0A003", "重庆京东方光电科技有限公司", "京东方", "manufacturer", "显示面板制造"),
    ("91500000MA5T0A004", "四川美术学院", "川美", "university", "艺术与设计高等教育，工业设计专业"),
    ("91500000MA5T0A005", "重庆隆鑫机车有限公司", "隆鑫", "manufacturer", "摩托车整车制造与外观设计"),
    ("91500000MA5T0A006", "重庆宗申动力机械股份有限公司", "宗申", "manufacturer", "摩托车发动机研发，工业设计中心"),
    ("91500000MA5T0A007", "重庆东方设计咨询有限公司", "", "design_firm", "品牌与包装设计"),
    ("91500000MA5T0A008", "西安长安工业设计研究院有限公司", "", "design_firm", "轨道交通工业设计"),
    ("91500000MA5T0A009", "重庆京东物流有限公司", "", "other", "电商仓储物流"),
];

/// The demo city plus the corpus; returns the corpus ids in order.
async fn corpus(app: &TestApp, district: DistrictId) -> Vec<OrganizationId> {
    let system = system_principal();
    let mut ids = Vec::new();
    for (body, name, short, kind, description) in CORPUS {
        let input = OrgInput {
            uscc: uscc(body),
            name: name.to_owned(),
            short_names: short.to_owned(),
            kind: kind.to_owned(),
            district_id: district.to_string(),
            address: "渝北区金开大道99号".to_owned(),
            description: description.to_owned(),
            contact_name: "赵联络".to_owned(),
            ..Default::default()
        };
        ids.push(edit::create(&app.services, &system, &input, "127.0.0.1").await.unwrap());
    }
    ids
}

/// The titles of the first ten organizations found (demands and offers of the demo, found by
/// the same words, are other types).
async fn titles(app: &TestApp, q: &str) -> Vec<String> {
    let organizations = vec![(sheji_core::search::Dimension::Type, "organization".to_owned())];
    let page = search::search(
        &app.services,
        None,
        &SearchRequest { q: q.to_owned(), filters: organizations, page: PageRequest::new(Some(1), Some(10)) },
        Lang::Zh,
    )
    .await
    .unwrap();
    page.hits.iter().map(|h| h.title_text()).collect()
}

async fn assert_top3(app: &TestApp, q: &str, expected: &str) {
    let found = titles(app, q).await;
    let rank = found.iter().position(|t| t == expected);
    assert!(rank.is_some_and(|r| r < 3), "{q:?}: expected {expected} in the top 3, got {found:?}");
}

backend_tests!(names_short_names_fragments_pinyin_and_initials_rank_the_right_organization);

async fn names_short_names_fragments_pinyin_and_initials_rank_the_right_organization(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let district = app.district("沙坪坝区").await;
    corpus(&app, district).await;
    let system = system_principal();
    search::save_synonyms(&app.services, &system, "127.0.0.1", "机车，摩托车\n四川美院，川美").await.unwrap();
    let cases = [
        ("重庆长安汽车股份有限公司", "重庆长安汽车股份有限公司"),
        ("长安汽车", "重庆长安汽车股份有限公司"),
        ("长安", "重庆长安汽车股份有限公司"),
        ("京东方", "重庆京东方光电科技有限公司"),
        ("川美", "四川美术学院"),
        ("四川美院", "四川美术学院"),
        ("美术学院", "四川美术学院"),
        ("changan", "重庆长安汽车股份有限公司"),
        ("chongqingchangan", "重庆长安汽车股份有限公司"),
        ("cqca", "重庆长安汽车股份有限公司"),
        ("jingdongfang", "重庆京东方光电科技有限公司"),
        ("jdf", "重庆京东方光电科技有限公司"),
        ("chuanmei", "四川美术学院"),
        ("changna", "重庆长安汽车股份有限公司"),
        ("jingdongfagn", "重庆京东方光电科技有限公司"),
        ("ＣＨＡＮＧＡＮ", "重庆长安汽车股份有限公司"),
        ("长安 汽车", "重庆长安汽车股份有限公司"),
        ("摩托车 外观设计", "重庆隆鑫机车有限公司"),
        ("摩托车 发动机", "重庆宗申动力机械股份有限公司"),
        ("宗申", "重庆宗申动力机械股份有限公司"),
        (&uscc("91500000MA5T0A003"), "重庆京东方光电科技有限公司"),
    ];
    for (q, expected) in cases {
        assert_top3(&app, q, expected).await;
    }
    // The full name and the short name put their organization first.
    assert_eq!(titles(&app, "长安汽车").await.first().map(String::as_str), Some("重庆长安汽车股份有限公司"));
    assert_eq!(titles(&app, "京东方").await.first().map(String::as_str), Some("重庆京东方光电科技有限公司"));
    // A synonym reaches the other word of its group: 机车 finds the 摩托车 makers.
    let machine = titles(&app, "机车").await;
    assert!(machine.iter().any(|t| t == "重庆宗申动力机械股份有限公司"), "{machine:?}");

    // The match is marked in the title and in the snippet.
    let page = search::search(
        &app.services,
        None,
        &SearchRequest { q: "changan".into(), filters: vec![], page: PageRequest::default() },
        Lang::Zh,
    )
    .await
    .unwrap();
    let hit = page.hits.iter().find(|h| h.title_text() == "重庆长安汽车股份有限公司").unwrap();
    assert!(hit.title.iter().any(|s| s.hit && s.text == "长安"), "{:?}", hit.title);
    let json = app.get("/api/v1/search?q=%E6%91%A9%E6%89%98%E8%BD%A6").await.json();
    let first = &json["items"][0];
    assert!(first["snippet"].as_array().unwrap().iter().any(|s| s["hit"] == true && s["text"] == "摩托车"), "{first}");

    // Completions as the user types, in Han characters, pinyin and initials.
    for (q, expected) in [
        ("长安", "重庆长安汽车股份有限公司"),
        ("changanqi", "重庆长安汽车股份有限公司"),
        ("cqca", "重庆长安汽车股份有限公司"),
        ("jingd", "重庆京东方光电科技有限公司"),
        ("京东", "重庆京东方光电科技有限公司"),
    ] {
        let found = search::suggest(&app.services, None, q).await.unwrap();
        assert!(found.iter().any(|s| s.title == expected), "suggest {q:?}: {found:?}");
    }
    let json = app.get("/api/v1/search/suggest?q=jingd").await.json();
    assert!(json.as_array().unwrap().iter().any(|s| s["title"] == "重庆京东方光电科技有限公司"), "{json}");
}

backend_tests!(facet_counts_equal_the_filtered_result_counts);

async fn facet_counts_equal_the_filtered_result_counts(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let run = |filters: Vec<(Dimension, String)>| {
        let services = app.services.clone();
        async move {
            search::search(
                &services,
                None,
                &SearchRequest { q: "重庆".into(), filters, page: PageRequest::new(Some(1), Some(5)) },
                Lang::Zh,
            )
            .await
            .unwrap()
        }
    };
    let all = run(vec![]).await;
    assert!(all.total > 20, "the demo city has many 重庆 names: {}", all.total);
    for facet in &all.facets {
        let dim = match facet.dimension {
            "district" => Dimension::District,
            "kind" => Dimension::Kind,
            "cluster" => Dimension::Cluster,
            _ => Dimension::Type,
        };
        assert!(!facet.values.is_empty() || facet.dimension == "cluster", "{} has values", facet.dimension);
        for v in facet.values.iter().take(4) {
            let filtered = run(vec![(dim, v.value.clone())]).await;
            assert_eq!(filtered.total, v.count, "{} = {} ({})", facet.dimension, v.value, v.label);
            // The filtered facet keeps the other values selectable, with the same counts.
            let same = filtered.facets.iter().find(|f| f.dimension == facet.dimension).unwrap();
            let mine = same.values.iter().find(|x| x.value == v.value).unwrap();
            assert!(mine.selected && mine.count == v.count);
            assert_eq!(same.values.len(), facet.values.len());
        }
    }
    let district_total: u64 =
        all.facets.iter().find(|f| f.dimension == "district").unwrap().values.iter().map(|v| v.count).sum();
    assert_eq!(district_total, all.total, "every organization has one district");
    // Labels are names, not ids.
    let district = &all.facets.iter().find(|f| f.dimension == "district").unwrap().values[0];
    assert!(district.label.ends_with('区') || district.label.ends_with('县'), "{}", district.label);
}

backend_tests!(private_fields_are_matched_only_within_the_callers_scope);

async fn private_fields_are_matched_only_within_the_callers_scope(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let (home, other) = (app.district("沙坪坝区").await, app.district("璧山区").await);
    let system = system_principal();
    let input = OrgInput {
        uscc: uscc("91500227MA5T0B001"),
        name: "重庆璧山精工模具有限公司".into(),
        kind: "manufacturer".into(),
        district_id: other.to_string(),
        address: "璧山区青杠街道翠湖路".into(),
        description: "精密模具".into(),
        contact_name: "欧阳秘书".into(),
        ..Default::default()
    };
    edit::create(&app.services, &system, &input, "127.0.0.1").await.unwrap();
    app.user("yubei", "branch_staff", Some(home.get()), None).await;
    app.user("bishan", "branch_staff", Some(other.get()), None).await;
    app.user("city", "city_officer", None, None).await;
    let yubei = app.signed_in("yubei").await;
    let bishan = app.signed_in("bishan").await;
    let city = app.signed_in("city").await;
    for q in ["欧阳秘书", "翠湖路"] {
        let path = format!("/api/v1/search?q={}", crate::support::encode(q));
        let anonymous = app.get(&path).await.json();
        assert_eq!(anonymous["total"], 0, "anonymous, {q}: {anonymous}");
        let outside = app.get_as(&yubei, &path).await.json();
        assert_eq!(outside["total"], 0, "another district's branch, {q}: {outside}");
        assert!(
            outside["facets"].as_array().unwrap().iter().all(|f| f["values"].as_array().unwrap().is_empty()),
            "no facet counts either: {outside}"
        );
        assert_eq!(app.get_as(&bishan, &path).await.json()["total"], 1, "its own branch, {q}");
        assert_eq!(app.get_as(&city, &path).await.json()["total"], 1, "city staff, {q}");
        // The page shows nothing either, and never the private text in a snippet.
        let page = app.get_as(&yubei, &format!("/search?q={}", crate::support::encode(q))).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("精工模具"), "{q}");
    }
    // Public fields find it for everyone; the snippet is the public description, not the address.
    let json = app.get("/api/v1/search?q=%E7%B2%BE%E5%AF%86%E6%A8%A1%E5%85%B7").await.json();
    assert_eq!(json["total"], 1);
    assert!(!json.to_string().contains("翠湖路") && !json.to_string().contains("欧阳"), "{json}");
    // Staff links go to the staff page; anonymous ones to the public page.
    assert!(json["items"][0]["url"].as_str().unwrap().starts_with("/organizations/"));
    let staff = app.get_as(&bishan, "/api/v1/search?q=%E7%B2%BE%E5%AF%86%E6%A8%A1%E5%85%B7").await.json();
    assert!(staff["items"][0]["url"].as_str().unwrap().starts_with("/admin/organizations/"));
}

backend_tests!(every_node_finds_a_change_once_committed);

async fn every_node_finds_a_change_once_committed(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    // A second node on the same database, with its own index.
    let (other, _) = platform::open(app.db.url(), app.clock.clone(), test_secrets()).await.unwrap();
    let (other, _) = search::attach(other, None).await.unwrap();
    let district = app.district("沙坪坝区").await;
    let system = system_principal();
    let input = OrgInput {
        uscc: uscc("91500112MA5T0C001"),
        name: "重庆翼展无人机设计有限公司".into(),
        kind: "design_firm".into(),
        district_id: district.to_string(),
        description: "无人机外观设计".into(),
        ..Default::default()
    };
    let id = edit::create(&app.services, &system, &input, "127.0.0.1").await.unwrap();
    assert_eq!(titles(&app, "翼展").await, ["重庆翼展无人机设计有限公司"], "the writer finds it at once");
    let request = SearchRequest { q: "翼展".into(), filters: vec![], page: PageRequest::default() };
    // A search on any node first applies what was committed before it: the other node finds
    // it too, without waiting for its follower (which then has nothing left to apply).
    assert_eq!(search::search(&other, None, &request, Lang::Zh).await.unwrap().total, 1);
    assert_eq!(search::catch_up(&other).await.unwrap(), 0, "already applied by the search");

    // A rename replaces the document: the old name is gone on both nodes.
    let renamed = OrgInput { name: "重庆鹰翔无人机设计有限公司".into(), ..input };
    edit::update(&app.services, &system, id, &renamed, "127.0.0.1").await.unwrap();
    assert!(titles(&app, "翼展").await.is_empty());
    assert_eq!(titles(&app, "yingxiang").await, ["重庆鹰翔无人机设计有限公司"]);
    search::catch_up(&other).await.unwrap();
    assert_eq!(search::search(&other, None, &request, Lang::Zh).await.unwrap().total, 0);

    // A rebuild (as `sheji search reindex` does) gives the same answers.
    let rebuilt = search::rebuild(&other).await.unwrap();
    assert_eq!(rebuilt.documents, 1);
    let again = SearchRequest { q: "鹰翔".into(), filters: vec![], page: PageRequest::default() };
    assert_eq!(search::search(&other, None, &again, Lang::Zh).await.unwrap().total, 1);
    other.close().await.unwrap();
}

backend_tests!(bad_input_gets_an_answer_never_an_error);

async fn bad_input_gets_an_answer_never_an_error(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let long = "长安".repeat(500);
    let inputs = [
        "",
        " ",
        &long,
        "!!!",
        "，。、；：？！…（）【】",
        "\"长安\"",
        "长安*",
        "-长安",
        "长安 NEAR 汽车",
        "name:长安",
        "title:(a OR b) AND c^2 ~1",
        "'; DROP TABLE organization; --",
        "1' OR '1'='1",
        "%' OR 1=1 --",
        "🚗🚀 长安 🚗",
        "长安changan汽车ＱＩＣＨＥ",
        "\\u0000\\",
        "Москва 東京 서울",
        "[{}]|<>&#",
        "a",
        "长",
    ];
    for q in inputs {
        let enc = crate::support::encode(q);
        let api = app.get(&format!("/api/v1/search?q={enc}")).await;
        assert_eq!(api.status, StatusCode::OK, "{q:?}: {}", api.body);
        let json = api.json();
        assert!(json["items"].is_array() && json["total"].is_u64(), "{q:?}: {json}");
        let page = app.get(&format!("/search?q={enc}")).await;
        assert_eq!(page.status, StatusCode::OK, "{q:?}");
        assert!(page.body.contains("id=\"search-page-q\"") && !page.body.contains("error-card"), "{q:?}");
        let suggest = app.get(&format!("/api/v1/search/suggest?q={enc}")).await;
        assert_eq!(suggest.status, StatusCode::OK, "{q:?}: {}", suggest.body);
        assert!(suggest.json().is_array());
    }
    // Nothing to look for is an empty answer with a hint, not everything.
    let json = app.get("/api/v1/search?q=%21%21%21").await.json();
    assert_eq!(json["total"], 0);
    let page = app.get("/search?q=%21%21%21").await;
    assert!(page.body.contains("仅含标点或符号"), "{}", page.body);
    // Filters and paging out of range are answered too.
    for path in [
        "/api/v1/search?q=%E9%87%8D%E5%BA%86&district=abc",
        "/api/v1/search?q=%E9%87%8D%E5%BA%86&type=%27%3B",
        "/api/v1/search?q=%E9%87%8D%E5%BA%86&page=999999",
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
    }
    // A page size no list has is refused with its bound, not quietly changed.
    let r = app.get("/api/v1/search?q=%E9%87%8D%E5%BA%86&per_page=100000").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("200"), "{}", r.body);
    assert_eq!(app.get("/api/v1/search?q=%E9%87%8D%E5%BA%86&page=abc").await.status, StatusCode::BAD_REQUEST);
}

/// The index in a folder survives restarts, and a damaged one is rebuilt at start-up.
#[tokio::test]
async fn a_damaged_index_is_rebuilt_when_attached() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    let dir = std::env::temp_dir().join(format!("sheji_search_{}", uuid::Uuid::new_v4().simple()));
    let open = || platform::open(app.db.url(), app.clock.clone(), test_secrets());
    let (node, _) = open().await.unwrap();
    let (node, attached) = search::attach(node, Some(&dir)).await.unwrap();
    let first = attached.rebuilt.expect("a new index is built");
    assert!(first.documents >= 240 && first.bytes > 0, "{first:?}");
    // A second process cannot take the folder while this one holds it.
    let (third, _) = open().await.unwrap();
    let locked = search::attach(third, Some(&dir)).await.unwrap_err();
    assert!(locked.message(Lang::Zh).contains("另一个进程"), "{}", locked.message(Lang::Zh));
    node.close().await.unwrap();

    // Reopened intact: nothing to rebuild.
    let (node, _) = open().await.unwrap();
    let (node, attached) = search::attach(node, Some(&dir)).await.unwrap();
    assert!(attached.rebuilt.is_none(), "an intact index is reused");
    assert_eq!(attached.documents, first.documents);
    node.close().await.unwrap();

    // Damaged: its metadata overwritten.
    std::fs::write(dir.join("meta.json"), b"{ not json").unwrap();
    let (node, _) = open().await.unwrap();
    let (node, attached) = search::attach(node, Some(&dir)).await.unwrap();
    assert_eq!(attached.rebuilt.map(|r| r.documents), Some(first.documents), "rebuilt from the records");
    let request = SearchRequest { q: "重庆".into(), filters: vec![], page: PageRequest::default() };
    assert!(search::search(&node, None, &request, Lang::Zh).await.unwrap().total > 0);
    node.close().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

/// Synonyms are for administrators, and saving them is audited.
#[tokio::test]
async fn synonyms_are_edited_by_administrators_only() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else { return };
    app.user("officer", "city_officer", None, None).await;
    app.user("root", "admin", None, None).await;
    let officer = app.signed_in("officer").await;
    let denied = app.post_form(&officer, "/admin/settings/search", &[("synonyms", "川美，四川美术学院")]).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let root = app.signed_in("root").await;
    let saved =
        app.post_form(&root, "/admin/settings/search", &[("synonyms", "川美，四川美术学院\n机车 摩托车")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = app.get_as(&root, "/admin/settings").await;
    assert!(page.body.contains("川美，四川美术学院"), "the settings page shows the list");
    assert_eq!(search::synonyms(&app.services).await.unwrap().len(), 2);
    let audit = app.get_as(&root, "/admin/audit").await;
    assert!(audit.body.contains("title=\"search.synonyms\">修改搜索同义词</span>"), "audited, and named in its row");
}

/// A node whose index is behind rows that were pruned from the outbox rebuilds when it starts.
#[tokio::test]
async fn an_index_behind_the_pruned_outbox_is_rebuilt() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else { return };
    let dir = std::env::temp_dir().join(format!("sheji_search_{}", uuid::Uuid::new_v4().simple()));
    let open = || platform::open(app.db.url(), app.clock.clone(), test_secrets());
    let (node, _) = open().await.unwrap();
    let (node, _) = search::attach(node, Some(&dir)).await.unwrap();
    node.close().await.unwrap();
    // While that node is down, two organizations are written eight days apart and the old
    // outbox row is pruned.
    let district = app.district("璧山区").await;
    let system = system_principal();
    for (n, name) in [(1, "重庆早先设计有限公司"), (2, "重庆后来设计有限公司")] {
        let input = OrgInput {
            uscc: uscc(&format!("91500227MA5T0D00{n}")),
            name: name.into(),
            kind: "design_firm".into(),
            district_id: district.to_string(),
            ..Default::default()
        };
        edit::create(&app.services, &system, &input, "127.0.0.1").await.unwrap();
        app.clock.advance(chrono::Duration::days(8));
    }
    assert_eq!(search::prune(&app.services).await.unwrap(), 1, "the newest row is always kept");
    let (node, _) = open().await.unwrap();
    let (node, attached) = search::attach(node, Some(&dir)).await.unwrap();
    assert_eq!(attached.rebuilt.map(|r| r.documents), Some(2), "rebuilt: a change it needed was pruned");
    let request = SearchRequest { q: "早先".into(), filters: vec![], page: PageRequest::default() };
    assert_eq!(search::search(&node, None, &request, Lang::Zh).await.unwrap().total, 1);
    node.close().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
