//! Identity, access and audit through the real router: the role × route × scope matrix,
//! sign-in controls (lockout, password policy, CSRF, session expiry, tokens), escaping, and
//! the tamper-evident audit trail.

use std::process::Command;

use axum::http::StatusCode;
use chrono::Duration;
use sheji_core::ids::{DistrictId, OrganizationId};
use sheji_core::page::PageRequest;
use sheji_service::Backend;
use sheji_service::registry::{self, OrgFilter};

use crate::support::{PASSWORD, TestApp, backend_tests};

mod hardening;

/// Two districts with organizations, and one organization in each.
struct Fixture {
    district_a: DistrictId,
    district_b: DistrictId,
    org_a: OrganizationId,
    org_a_uscc: String,
    org_a_contact: String,
    org_b: OrganizationId,
    org_b_uscc: String,
    org_b_contact: String,
}

async fn fixture(app: &TestApp) -> Fixture {
    let (district_a, district_b) = (app.district("璧山区").await, app.district("九龙坡区").await);
    let first = |d: DistrictId| async move {
        let page = registry::list_public(
            &app.services,
            &OrgFilter { district: Some(d), ..Default::default() },
            PageRequest::new(Some(1), Some(1)),
        )
        .await
        .unwrap();
        let org = page.items.into_iter().next().expect("the demo has organizations in the district");
        let view = registry::get(&app.services, None, org.id).await.unwrap();
        assert!(view.private.is_none(), "anonymous callers get no private fields");
        org
    };
    let (a, b) = (first(district_a).await, first(district_b).await);
    let contact = |id: OrganizationId| async move {
        let admin = sheji_core::identity::Principal {
            account: sheji_core::ids::AccountId(0),
            username: "t".into(),
            display_name: "t".into(),
            affiliations: vec![sheji_core::identity::Affiliation {
                role: sheji_core::identity::Role::Admin,
                organization: None,
                district: None,
                until: None,
            }],
            token_permissions: None,
            must_change_password: false,
        };
        registry::get(&app.services, Some(&admin), id).await.unwrap().private.unwrap().contact_name.unwrap()
    };
    Fixture {
        district_a,
        district_b,
        org_a_contact: contact(a.id).await,
        org_b_contact: contact(b.id).await,
        org_a: a.id,
        org_a_uscc: a.uscc,
        org_b: b.id,
        org_b_uscc: b.uscc,
    }
}

backend_tests!(role_route_scope_matrix, audit_tampering_is_detected);

async fn role_route_scope_matrix(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let f = fixture(&app).await;
    let (a, b) = (f.district_a.get(), f.district_b.get());
    let (x, y) = (f.org_a, f.org_b);
    app.user("t_admin", "admin", None, None).await;
    app.user("t_city", "city_officer", None, None).await;
    app.user("t_hq", "hq_staff", None, None).await;
    app.user("t_branch_a", "branch_staff", Some(a), None).await;
    app.user("t_branch_b", "branch_staff", Some(b), None).await;
    app.user("t_expert", "expert", None, None).await;
    app.user("t_orgadmin", "org_admin", None, Some(x.get())).await;
    app.user("t_member", "org_member", None, Some(x.get())).await;
    app.user("t_designer", "designer", None, None).await;

    use StatusCode as S;
    const OK: S = S::OK;
    const NF: S = S::NOT_FOUND;
    const FB: S = S::FORBIDDEN;
    const TO_LOGIN: S = S::SEE_OTHER;
    let staff_x = format!("/admin/organizations/{x}");
    let staff_y = format!("/admin/organizations/{y}");
    let api_x = format!("/api/v1/staff/organizations/{x}");
    // route → expected status for: admin, city, hq, branch_a, branch_b, expert, orgadmin, member, designer, anonymous
    let matrix: Vec<(&str, [S; 10])> = vec![
        (staff_x.as_str(), [OK, OK, OK, OK, NF, NF, OK, OK, FB, TO_LOGIN]),
        (staff_y.as_str(), [OK, OK, OK, NF, OK, NF, NF, NF, FB, TO_LOGIN]),
        (api_x.as_str(), [OK, OK, OK, OK, NF, NF, OK, OK, FB, S::UNAUTHORIZED]),
        ("/admin/organizations", [OK, OK, OK, OK, OK, OK, OK, OK, FB, TO_LOGIN]),
        ("/admin/organizations/export.csv", [OK, OK, OK, OK, OK, FB, OK, FB, FB, TO_LOGIN]),
        ("/admin/accounts", [OK, OK, OK, OK, OK, FB, OK, FB, FB, TO_LOGIN]),
        ("/admin/accounts/new", [OK, FB, FB, FB, FB, FB, FB, FB, FB, TO_LOGIN]),
        ("/admin/audit", [OK, OK, FB, FB, FB, FB, FB, FB, FB, TO_LOGIN]),
        ("/admin/settings", [OK, FB, FB, FB, FB, FB, FB, FB, FB, TO_LOGIN]),
        ("/api/v1/audit", [OK, OK, FB, FB, FB, FB, FB, FB, FB, S::UNAUTHORIZED]),
        ("/api/v1/me", [OK, OK, OK, OK, OK, OK, OK, OK, OK, S::UNAUTHORIZED]),
        ("/account", [OK, OK, OK, OK, OK, OK, OK, OK, OK, TO_LOGIN]),
        ("/organizations", [OK, OK, OK, OK, OK, OK, OK, OK, OK, OK]),
    ];
    let users =
        ["t_admin", "t_city", "t_hq", "t_branch_a", "t_branch_b", "t_expert", "t_orgadmin", "t_member", "t_designer"];
    let mut browsers = Vec::new();
    for u in users {
        browsers.push(Some(app.signed_in(u).await));
    }
    browsers.push(None);
    let anonymous = app.browser().await;
    let mut failures = Vec::new();
    for (route, expected) in &matrix {
        for (i, want) in expected.iter().enumerate() {
            let who = users.get(i).copied().unwrap_or("anonymous");
            let browser = browsers[i].as_ref().unwrap_or(&anonymous);
            let got = app.get_as(browser, route).await;
            if got.status != *want {
                failures.push(format!("{who} {route}: got {} want {want}", got.status));
            }
            // Never the data: a refused caller's body holds no private field of the record.
            if got.status != OK && route.contains(&x.to_string()) {
                assert!(!got.body.contains(&f.org_a_contact), "{who} {route} leaked the contact");
            }
        }
    }
    assert!(failures.is_empty(), "matrix mismatches:\n{}", failures.join("\n"));

    // The scoped lists and the export hold exactly the caller's rows.
    let branch_a = browsers[3].as_ref().unwrap();
    let export = app.get_as(branch_a, "/admin/organizations/export.csv").await;
    assert!(export.body.contains(&f.org_a_uscc) && !export.body.contains(&f.org_b_uscc), "export is scoped");
    let list = app.get_as(branch_a, "/api/v1/staff/organizations?per_page=200").await.json();
    assert!(list["items"].as_array().unwrap().iter().all(|o| o["district_id"] == a), "API list is scoped");
    let org_export = app.get_as(browsers[6].as_ref().unwrap(), "/admin/organizations/export.csv").await;
    assert_eq!(org_export.body.lines().count(), 2, "an org admin exports only their organization");
    // The public page of another district's organization shows no private field.
    let public_y = app.get_as(branch_a, &format!("/organizations/{y}")).await;
    assert_eq!(public_y.status, OK);
    assert!(public_y.body.contains(&f.org_b_uscc) && !public_y.body.contains(&f.org_b_contact));
    // Phones: clear for those who may edit the record, masked for readers (PIPL).
    let as_branch = app.get_as(branch_a, &api_x).await.json();
    let as_city = app.get_as(browsers[1].as_ref().unwrap(), &api_x).await.json();
    let phone = as_branch["private"]["contact_phone"].as_str().unwrap().to_owned();
    assert_eq!(phone.len(), 11);
    assert_eq!(as_city["private"]["contact_phone"], format!("{}****{}", &phone[..3], &phone[7..]));

    // A delegation (代管) of district A to branch B counts until its end date only.
    let admin = browsers[0].as_ref().unwrap();
    let b_id = app.get_as(admin, "/api/v1/accounts?q=t_branch_b").await.json()["items"][0]["id"].as_i64().unwrap();
    let until = (crate::support::test_time() + Duration::days(2)).format("%Y-%m-%d").to_string();
    let added = app
        .post_form(
            admin,
            &format!("/admin/accounts/{b_id}/affiliations"),
            &[("role", "branch_staff"), ("district_id", &a.to_string()), ("until", &until)],
        )
        .await;
    assert_eq!(added.status, S::SEE_OTHER, "{}", added.body);
    let delegated = app.signed_in("t_branch_b").await;
    assert_eq!(app.get_as(&delegated, &staff_x).await.status, OK, "the delegation reaches district A");
    app.clock.advance(Duration::days(3));
    let later = app.signed_in("t_branch_b").await;
    assert_eq!(app.get_as(&later, &staff_x).await.status, NF, "the delegation has ended");
    assert_eq!(app.get_as(&later, &staff_y).await.status, OK, "the own district still counts");
    app.finish().await;
}

async fn audit_tampering_is_detected(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    app.user("auditor", "admin", None, None).await;
    let browser = app.signed_in("auditor").await;
    let r =
        app.post_form(&browser, "/account/profile", &[("display_name", "审计员 张三"), ("phone", "13812341234")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let url = app.db.url().as_str().to_owned();
    let verify = || {
        Command::new(env!("CARGO_BIN_EXE_sheji"))
            .args(["audit", "verify", "--db", &url])
            .env("SHEJI_SECRET_KEY", "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=")
            .env("SHEJI_LANG", "zh_CN.UTF-8")
            .env("RUST_LOG", "warn")
            .current_dir(std::env::temp_dir())
            .output()
            .unwrap()
    };
    let ok = verify();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("审计链完整"));

    // The profile change is in the trail with the phone masked.
    let trail = app.get_as(&browser, "/api/v1/audit?action=account.profile").await.json();
    let record = &trail["items"][0];
    assert_eq!(record["after"]["phone"], "138****1234", "personal data is masked in the trail");
    let id = record["id"].as_i64().unwrap() as i32;

    // The page reads in the reader's language: the action named, the record's kind named and
    // linked, each changed field as "字段：旧值 → 新值", and filters by named choices.
    let page = app.get_as(&browser, "/admin/audit?action=account.").await;
    assert!(page.body.contains("title=\"account.profile\">修改个人资料</span>"), "named in its row: {}", page.body);
    assert!(page.body.contains("姓名：") && page.body.contains("→ 审计员 张三"), "the change, field by field");
    assert!(page.body.contains("手机号：") && page.body.contains("138****1234"));
    assert!(
        page.body.contains("<option value=\"account.\" selected>账号（全部）</option>"),
        "the group filter is kept"
    );
    assert!(page.body.contains(">账号 #"), "the record's kind is named");
    assert!(!page.body.contains("title=\"login.success\""), "the filter holds: no sign-ins among account changes");
    // Askama escapes the quotes: raw JSON would read {&#34;display_name&#34;.
    assert!(!page.body.contains("{&#34;display_name&#34;"), "no raw JSON on the page");
    let english = app.get_as(&browser, "/admin/audit?action=account.profile&lang=en").await;
    assert!(
        english.body.contains("title=\"account.profile\">Profile edited</span>") && english.body.contains("Name: "),
        "{}",
        english.body
    );
    let csv = app.get_as(&browser, "/admin/audit/export.csv?action=account.profile").await;
    assert!(csv.body.contains("修改个人资料") && csv.body.contains("account.profile"), "the export names and codes it");

    // An intruder with database access edits one record.
    let store = sheji_store::Store::connect(app.db.url()).await.unwrap();
    let tx = store.begin().await.unwrap();
    sheji_store::audit::tamper_for_test(&tx, sheji_core::ids::AuditId(id), "10.0.0.66").await.unwrap();
    tx.commit().await.unwrap();
    store.close().await.unwrap();
    let broken = verify();
    assert!(!broken.status.success(), "verify must fail on a tampered trail");
    let said = String::from_utf8_lossy(&broken.stderr);
    assert!(said.contains(&format!("#{id}")) && said.contains("篡改"), "names the altered record: {said}");
    app.finish().await;
}

#[tokio::test]
async fn failures_slow_down_their_source_and_never_lock_the_owner_out() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else { return };
    app.user("locky", "designer", None, None).await;
    app.user("office", "designer", None, None).await;
    app.user("root2", "admin", None, None).await;
    let (home, attacker, shared) = ("10.1.1.1", "203.0.113.9", "198.51.100.7");
    // The owner signs in from home, and a colleague from the shared office address.
    assert_eq!(app.sign_in_from("locky", PASSWORD, home).await.1.status, StatusCode::SEE_OTHER);
    assert_eq!(app.sign_in_from("office", PASSWORD, shared).await.1.status, StatusCode::SEE_OTHER);

    let (_, unknown) = app.sign_in_from("nobody-here", "Wrong-Pass-1", attacker).await;
    let (_, wrong) = app.sign_in_from("locky", "Wrong-Pass-1", attacker).await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        unknown.body.contains("用户名或密码错误"),
        wrong.body.contains("用户名或密码错误"),
        "the same answer whether the user exists or not"
    );
    for _ in 0..4 {
        app.sign_in_from("locky", "Wrong-Pass-1", attacker).await;
    }
    // Five misses: that address waits for this account, even with the right password...
    let (_, slowed) = app.sign_in_from("locky", PASSWORD, attacker).await;
    assert_eq!(slowed.status, StatusCode::TOO_MANY_REQUESTS, "{}", slowed.body);
    assert!(slowed.body.contains("失败次数过多"), "{}", slowed.body);
    // ...and the owner at home is not locked out.
    assert_eq!(app.sign_in_from("locky", PASSWORD, home).await.1.status, StatusCode::SEE_OTHER);

    // Twenty invented names from the shared address: strangers from it wait, its own user does not.
    for i in 0..20 {
        app.sign_in_from(&format!("ghost{i}"), "Wrong-Pass-1", shared).await;
    }
    assert_eq!(app.sign_in_from("ghost99", "Wrong-Pass-1", shared).await.1.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.sign_in_from("locky", PASSWORD, shared).await.1.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.sign_in_from("office", PASSWORD, shared).await.1.status, StatusCode::SEE_OTHER);

    // An administrator lifts the limits: the slowed address may try again at once.
    let admin = app.signed_in("root2").await;
    let found = app.get_as(&admin, "/api/v1/accounts?q=locky").await.json();
    let id = found["items"][0]["id"].as_i64().unwrap();
    let page = app.get_as(&admin, &format!("/admin/accounts/{id}")).await;
    assert!(page.body.contains("解除登录限制"), "the account page offers the unlock");
    let r = app.post_form(&admin, &format!("/admin/accounts/{id}/unlock"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.sign_in_from("locky", PASSWORD, attacker).await.1.status, StatusCode::SEE_OTHER);
    // Waits end by themselves after the window.
    for _ in 0..5 {
        app.sign_in_from("locky", "Wrong-Pass-1", attacker).await;
    }
    assert_eq!(app.sign_in_from("locky", PASSWORD, attacker).await.1.status, StatusCode::TOO_MANY_REQUESTS);
    app.clock.advance(Duration::minutes(16));
    assert_eq!(app.sign_in_from("locky", PASSWORD, attacker).await.1.status, StatusCode::SEE_OTHER);
    app.finish().await;
}

#[tokio::test]
async fn weak_passwords_are_refused_with_the_reason_and_a_change_ends_other_sessions() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else { return };
    app.user("wangwu", "designer", None, None).await;
    let browser = app.signed_in("wangwu").await;
    let other = app.signed_in("wangwu").await;
    for (new, reason) in [
        ("short1A", "至少需要 8 位"),
        ("alllowercase1", "至少 3 类"),
        ("Wangwu-2026!", "不能包含用户名"),
        ("P@ssw0rd", "过于常见"),
    ] {
        let r = app
            .post_form(&browser, "/account/password", &[("current", PASSWORD), ("new", new), ("confirm", new)])
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{new} accepted");
        assert!(r.body.contains(reason), "{new}: reason {reason} not shown");
    }
    let wrong_current = app
        .post_form(
            &browser,
            "/account/password",
            &[("current", "nope"), ("new", "Better-Pass-99"), ("confirm", "Better-Pass-99")],
        )
        .await;
    assert!(wrong_current.body.contains("当前密码不正确"));
    let ok = app
        .post_form(
            &browser,
            "/account/password",
            &[("current", PASSWORD), ("new", "Better-Pass-99"), ("confirm", "Better-Pass-99")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(app.get_as(&browser, "/account").await.status, StatusCode::OK, "this session stays");
    assert_eq!(app.get_as(&other, "/account").await.status, StatusCode::SEE_OTHER, "the other session ended");
    app.finish().await;
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else { return };
    app.user("csrfy", "designer", None, None).await;
    let browser = app.signed_in("csrfy").await;
    let missing = app.post_raw(&browser, "/account/profile", "display_name=Mallory").await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    let forged =
        app.post_raw(&browser, "/account/profile", &format!("csrf={}&display_name=Mallory", "x".repeat(43))).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get_as(&browser, "/api/v1/me").await.json()["display_name"], "csrfy", "nothing changed");
    let ok = app.post_form(&browser, "/account/profile", &[("display_name", "正当修改")]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    // A sign-in form without the token is refused too (login CSRF).
    let fresh = app.browser().await;
    let no_token = app.post_raw(&fresh, "/login", "username=csrfy&password=x").await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    app.finish().await;
}

#[tokio::test]
async fn idle_and_old_sessions_expire() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else { return };
    app.user("sleepy", "designer", None, None).await;
    let browser = app.signed_in("sleepy").await;
    app.clock.advance(Duration::minutes(29));
    assert_eq!(app.get_as(&browser, "/account").await.status, StatusCode::OK);
    app.clock.advance(Duration::minutes(31));
    let expired = app.get_as(&browser, "/account").await;
    assert_eq!(expired.status, StatusCode::SEE_OTHER);
    assert!(expired.header("location").starts_with("/login"));
    // Busy, but past the absolute limit of 12 hours.
    let busy = app.signed_in("sleepy").await;
    for _ in 0..(12 * 3) {
        app.clock.advance(Duration::minutes(20));
        app.get_as(&busy, "/account").await;
    }
    assert_eq!(app.get_as(&busy, "/account").await.status, StatusCode::SEE_OTHER, "absolute timeout");
    app.finish().await;
}

#[tokio::test]
async fn api_tokens_are_scoped_and_revocable() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    app.user("integrator", "admin", None, None).await;
    let browser = app.signed_in("integrator").await;
    let body = "name=stats&days=30&permissions=registry.read_private";
    let created = app.post_raw(&browser, "/account/tokens", &format!("csrf={}&{body}", browser.csrf)).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let secret: String = created
        .body
        .split("sj_")
        .nth(1)
        .map(|s| s.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect())
        .unwrap();
    let token = format!("sj_{secret}");
    let me = app.get_bearer(&token, "/api/v1/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["permissions"], serde_json::json!(["registry.read_private"]));
    assert_eq!(app.get_bearer(&token, "/api/v1/staff/organizations").await.status, StatusCode::OK);
    assert_eq!(app.get_bearer(&token, "/api/v1/audit").await.status, StatusCode::FORBIDDEN, "limited to its functions");
    for bad in ["sj_nonsense", "", "   "] {
        let r = app.get_with("/api/v1/me", ("authorization", &format!("Bearer {bad}"))).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{bad:?}");
        assert_eq!(r.json()["error"]["code"], "invalid_token");
    }
    let tokens = app.get_as(&browser, "/account").await.body;
    let id: String =
        tokens.split("/account/tokens/").nth(1).unwrap().chars().take_while(char::is_ascii_digit).collect();
    let revoked = app.post_form(&browser, &format!("/account/tokens/{id}/revoke"), &[]).await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    let refused = app.get_bearer(&token, "/api/v1/me").await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "a revoked token is refused");
    let granted_too_much = app
        .post_raw(
            &browser,
            "/account/tokens",
            &format!("csrf={}&name=x&days=30&permissions=nonsense.perm", browser.csrf),
        )
        .await;
    assert_eq!(granted_too_much.status, StatusCode::BAD_REQUEST);
    app.finish().await;
}

#[tokio::test]
async fn scripts_in_names_never_run() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else { return };
    app.user("boss", "admin", None, None).await;
    let mallory = app.browser().await;
    let r = app
        .post_form(
            &mallory,
            "/register/designer",
            &[("username", "mallory"), ("display_name", "<script>alert(1)</script>"), ("password", "Evil-Pass-77x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let admin = app.signed_in("boss").await;
    let list = app.get_as(&admin, "/admin/accounts?q=mallory").await;
    assert!(
        list.body.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
            || list.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "escaped: {}",
        list.body
    );
    assert!(!list.body.contains("<script>alert"), "never raw");
    let long = "长".repeat(51);
    let r = app.post_form(&admin, "/account/profile", &[("display_name", &long)]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("不能超过 50 个字"));
    app.finish().await;
}

#[tokio::test]
async fn enterprise_registration_waits_for_its_district() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    let f = fixture(&app).await;
    app.user("br_a", "branch_staff", Some(f.district_a.get()), None).await;
    app.user("br_b", "branch_staff", Some(f.district_b.get()), None).await;
    let visitor = app.browser().await;
    let bad = app
        .post_form(
            &visitor,
            "/register/enterprise",
            &[
                ("uscc", "91500000MA5U000000"),
                ("org_name", "重庆测试科技有限公司"),
                ("username", "newco"),
                ("display_name", "张经理"),
                ("password", "Factory-Pass-26"),
                ("kind", "manufacturer"),
                ("district_id", &f.district_a.to_string()),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("校验位不符"), "says what is wrong with the USCC");
    assert!(bad.body.contains("重庆测试科技有限公司"), "what was typed is kept");
    let uscc = {
        let body = "91500227MA5U00001";
        format!("{body}{}", sheji_core::registry::uscc::check_char(body).unwrap())
    };
    let ok = app
        .post_form(
            &visitor,
            "/register/enterprise",
            &[
                ("uscc", &uscc),
                ("org_name", "重庆测试科技有限公司"),
                ("username", "newco"),
                ("display_name", "张经理"),
                ("password", "Factory-Pass-26"),
                ("kind", "manufacturer"),
                ("district_id", &f.district_a.to_string()),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let (_, pending) = app.sign_in("newco", "Factory-Pass-26").await;
    assert!(pending.body.contains("等待所在区县审核"), "pending accounts cannot sign in yet");
    let branch_b = app.signed_in("br_b").await;
    let admin_list = app.get_as(&branch_b, "/api/v1/accounts?status=pending").await.json();
    assert!(
        !admin_list["items"].as_array().unwrap().iter().any(|a| a["username"] == "newco"),
        "another district does not see it"
    );
    let branch_a = app.signed_in("br_a").await;
    let pending_list = app.get_as(&branch_a, "/api/v1/accounts?status=pending").await.json();
    let id = pending_list["items"].as_array().unwrap().iter().find(|a| a["username"] == "newco").unwrap()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        app.post_form(&branch_b, &format!("/admin/accounts/{id}/verify"), &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.post_form(&branch_a, &format!("/admin/accounts/{id}/verify"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.sign_in("newco", "Factory-Pass-26").await.1.status,
        StatusCode::SEE_OTHER,
        "verified accounts sign in"
    );
    app.finish().await;
}

#[test]
fn the_first_administrator_is_created_once() {
    let dir = std::env::temp_dir().join(format!("sheji_admin_{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = |env: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sheji"));
        cmd.current_dir(&dir)
            .arg("migrate")
            .env("SHEJI_LANG", "zh_CN.UTF-8")
            .env("RUST_LOG", "warn")
            .env_remove("SHEJI_DB")
            .env_remove("SHEJI_SECRET_KEY");
        match env {
            Some(p) => cmd.env("SHEJI_ADMIN_PASSWORD", p),
            None => cmd.env_remove("SHEJI_ADMIN_PASSWORD"),
        };
        cmd.output().unwrap()
    };
    let weak = run(Some("admin"));
    assert!(!weak.status.success(), "a weak SHEJI_ADMIN_PASSWORD is refused");
    let said = String::from_utf8_lossy(&weak.stderr);
    assert!(said.contains("SHEJI_ADMIN_PASSWORD"));
    // The reason reads in the same language as the rest of the message.
    assert!(said.contains("错误：SHEJI_ADMIN_PASSWORD 不符合密码规则：密码"), "{said}");
    assert!(!said.is_ascii() && !said.contains("too short") && !said.contains("contains"), "{said}");
    let first = run(None);
    let out = String::from_utf8_lossy(&first.stdout);
    assert!(out.contains("已创建管理员账号 admin，初始密码："), "{out}");
    assert!(dir.join("sheji.key").exists(), "a key file is created on first start");
    let second = run(None);
    assert!(!String::from_utf8_lossy(&second.stdout).contains("管理员账号"), "only once");
    let _ = std::fs::remove_dir_all(dir);
}

/// A valid credit code ending in `tail` (two digits), for registrations.
fn uscc_ending(tail: &str) -> String {
    let body = format!("91500227MA5U000{tail}");
    format!("{body}{}", sheji_core::registry::uscc::check_char(&body).unwrap())
}

async fn register(app: &TestApp, username: &str, org: &str, uscc: &str, district: DistrictId) {
    let visitor = app.browser().await;
    let r = app
        .post_form(
            &visitor,
            "/register/enterprise",
            &[
                ("uscc", uscc),
                ("org_name", org),
                ("username", username),
                ("display_name", "张经理"),
                ("phone", "13800138000"),
                ("email", "zhang@example.com"),
                ("password", "Factory-Pass-26"),
                ("kind", "manufacturer"),
                ("district_id", &district.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn pending_id(app: &TestApp, officer: &crate::support::Browser, username: &str) -> i64 {
    let list = app.get_as(officer, "/api/v1/accounts?status=pending").await.json();
    list["items"].as_array().unwrap().iter().find(|a| a["username"] == username).unwrap()["id"].as_i64().unwrap()
}

/// The officer verifying a registration sees what it claims (organization, credit code,
/// district, applicant with a phone to call), and may reject it with a reason the applicant
/// reads at sign-in; two officers deciding at once get one decision.
async fn a_registration_is_checked_and_may_be_rejected_with_a_reason(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let (bishan, jiulongpo) = (app.district("璧山区").await, app.district("九龙坡区").await);
    app.user("br_a", "branch_staff", Some(bishan.get()), None).await;
    app.user("br_a2", "branch_staff", Some(bishan.get()), None).await;
    app.user("br_b", "branch_staff", Some(jiulongpo.get()), None).await;
    register(&app, "newco", "重庆测试科技有限公司", &uscc_ending("01"), bishan).await;
    let branch_a = app.signed_in("br_a").await;
    let id = pending_id(&app, &branch_a, "newco").await;
    let home = app.get_as(&branch_a, "/").await;
    assert!(home.body.contains("1 个注册账号待审核"), "a to-do for the district's officers");
    let branch_b = app.signed_in("br_b").await;
    assert!(!app.get_as(&branch_b, "/").await.body.contains("注册账号待审核"), "not for another district's");

    let page = app.get_as(&branch_a, &format!("/admin/accounts/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for shown in ["注册信息核对", "重庆测试科技有限公司", &uscc_ending("01"), "璧山区", "首位管理员", "13800138000"]
    {
        assert!(page.body.contains(shown), "the verifier sees {shown}");
    }
    assert!(page.body.contains("/reject"), "and may reject");

    // A rejection needs a reason; the form says so and keeps nothing typed away.
    let empty = app.post_form(&branch_a, &format!("/admin/accounts/{id}/reject"), &[("reason", "  ")]).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(empty.body.contains("请填写驳回理由"), "{}", empty.body);
    let long = "长".repeat(501);
    let too_long = app.post_form(&branch_a, &format!("/admin/accounts/{id}/reject"), &[("reason", &long)]).await;
    assert_eq!(too_long.status, StatusCode::BAD_REQUEST);
    assert!(too_long.body.contains(&long), "the reason typed comes back");

    // Another district's officer cannot reach it.
    let other = app.post_form(&branch_b, &format!("/admin/accounts/{id}/reject"), &[("reason", "不符")]).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);

    // Two officers of the district decide at once: one decision stands.
    let branch_a2 = app.signed_in("br_a2").await;
    let results = app
        .race(vec![
            app.form_request(
                &branch_a,
                &format!("/admin/accounts/{id}/reject"),
                &[("reason", "营业执照名称与填写不符")],
            ),
            app.form_request(&branch_a2, &format!("/admin/accounts/{id}/verify"), &[]),
        ])
        .await;
    let statuses: Vec<StatusCode> = results.iter().map(|(s, _)| *s).collect();
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::SEE_OTHER).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count(), 1, "{statuses:?}");
    let rejected = statuses[0] == StatusCode::SEE_OTHER;

    let (_, signed) = app.sign_in("newco", "Factory-Pass-26").await;
    if rejected {
        assert!(signed.body.contains("营业执照名称与填写不符"), "the applicant reads why: {}", signed.body);
        let detail = app.get_as(&branch_a, &format!("/admin/accounts/{id}")).await;
        assert!(detail.body.contains("营业执照名称与填写不符"), "the officer reads it too");
        assert!(!detail.body.contains("注册信息核对"), "nothing left to verify");
    } else {
        assert_eq!(signed.status, StatusCode::SEE_OTHER, "verified accounts sign in");
    }

    // A second registration for an organization that already has an administrator says so.
    register(&app, "newco_b", "重庆测试二号科技有限公司", &uscc_ending("02"), bishan).await;
    let id_b = pending_id(&app, &branch_a, "newco_b").await;
    assert_eq!(
        app.post_form(&branch_a, &format!("/admin/accounts/{id_b}/verify"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    register(&app, "newco_c", "重庆测试二号科技有限公司", &uscc_ending("02"), bishan).await;
    let id_c = pending_id(&app, &branch_a, "newco_c").await;
    let page = app.get_as(&branch_a, &format!("/admin/accounts/{id_c}")).await;
    assert!(page.body.contains("已有 1 名有效管理员"), "a second administrator is worth a call: {}", page.body);
    app.finish().await;
}

backend_tests!(a_registration_is_checked_and_may_be_rejected_with_a_reason);
