//! What an attack on sign-in and registration found, kept as tests: a registration race that
//! answered 500, a CSRF token not bound to its session, and forwarded addresses believed from
//! anyone.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use sheji_service::Backend;

use crate::support::{Browser, TestApp, backend_tests};

backend_tests!(sixty_racing_registrations_of_one_name_make_one_account);

async fn sixty_racing_registrations_of_one_name_make_one_account(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let visitor = app.browser().await;
    let requests = (0..60)
        .map(|i| {
            app.form_request(
                &visitor,
                "/register/designer",
                &[("username", "racer"), ("display_name", &format!("设计师{i}")), ("password", "Racing-Pass-2026")],
            )
        })
        .collect();
    let answers = app.race(requests).await;
    let made = answers.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    let wrong: Vec<_> = answers
        .iter()
        .filter(|(s, _)| !matches!(*s, StatusCode::OK | StatusCode::BAD_REQUEST | StatusCode::CONFLICT))
        .map(|(s, b)| (s, b.chars().take(300).collect::<String>()))
        .collect();
    assert!(wrong.is_empty(), "a taken name is a 400 or 409 with a message, never a 500: {wrong:?}");
    assert_eq!(made, 1, "one registration wins");
    for (status, body) in &answers {
        if *status == StatusCode::CONFLICT {
            assert!(body.contains("已存在") || body.contains("已被"), "the loser is told why: {body}");
        }
    }
    app.user("reg_admin", "admin", None, None).await;
    let admin = app.signed_in("reg_admin").await;
    let found = app.get_as(&admin, "/api/v1/accounts?q=racer").await.json();
    assert_eq!(found["total"], 1, "{found}");
    app.finish().await;
}

#[tokio::test]
async fn a_csrf_token_planted_in_the_cookie_does_not_pass_for_a_session() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else { return };
    app.user("victim", "designer", None, None).await;
    let victim = app.signed_in("victim").await;
    let before = app.browser().await;
    assert_ne!(victim.csrf, before.csrf, "signing in gives the session its own token");
    // An attacker who can set cookies for the site plants a token and submits it.
    let planted = Browser { csrf: "planted-token-planted-token-planted-token".into(), session: victim.session.clone() };
    let forged = app.post_form(&planted, "/account/profile", &[("display_name", "被改了")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.body);
    // The page's own token still works.
    let page = app.get_as(&victim, "/account").await;
    assert!(page.body.contains(&victim.csrf), "forms carry the session's token");
    let ok = app.post_form(&victim, "/account/profile", &[("display_name", "本人")]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    app.finish().await;
}

#[tokio::test]
async fn forwarded_addresses_and_https_are_believed_only_from_trusted_proxies() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else { return };
    app.user("proxied", "designer", None, None).await;
    let network = sheji_web::Network {
        trusted_proxies: sheji_web::Network::parse_proxies(&["127.0.0.1".to_owned()]).unwrap(),
        hsts: true,
    };
    let router = sheji_web::router(sheji_web::AppState {
        services: app.services.clone(),
        upload_dir: std::env::temp_dir(),
        network: std::sync::Arc::new(network),
    });
    let send = |peer: &str, forwarded: Option<&str>, proto: Option<&str>, password: &str| {
        let router = router.clone();
        let peer: std::net::SocketAddr = format!("{peer}:40000").parse().unwrap();
        let mut request = Request::post("/login")
            .header("cookie", "sheji_csrf=proxyproxyproxyproxyproxyproxyproxy")
            .header("content-type", "application/x-www-form-urlencoded")
            .extension(axum::extract::ConnectInfo(peer));
        if let Some(f) = forwarded {
            request = request.header("x-forwarded-for", f);
        }
        if let Some(p) = proto {
            request = request.header("x-forwarded-proto", p);
        }
        let body = format!("csrf=proxyproxyproxyproxyproxyproxyproxy&username=proxied&password={password}");
        let request = request.body(Body::from(body)).unwrap();
        async move {
            use tower::ServiceExt;
            router.oneshot(request).await.unwrap()
        }
    };
    // Behind the proxy, each client is counted on its own: one guessing client waits...
    for _ in 0..5 {
        send("127.0.0.1", Some("203.0.113.50"), None, "Wrong-Pass-1").await;
    }
    let slowed = send("127.0.0.1", Some("203.0.113.50"), None, crate::support::PASSWORD).await;
    assert_eq!(slowed.status(), StatusCode::TOO_MANY_REQUESTS);
    // ...while another client of the same proxy signs in, over HTTPS as the proxy says.
    let other = send("127.0.0.1", Some("198.51.100.2, 203.0.113.99"), Some("https"), crate::support::PASSWORD).await;
    assert_eq!(other.status(), StatusCode::SEE_OTHER);
    assert!(other.headers().get("strict-transport-security").is_some(), "HSTS over HTTPS");
    assert!(
        other.headers().get_all("set-cookie").iter().any(|c| c.to_str().unwrap_or_default().contains("Secure")),
        "cookies are Secure over HTTPS"
    );
    // From anyone else the headers are ignored: a forged address does not escape the wait,
    // and a forged protocol earns no HSTS.
    for _ in 0..5 {
        send("192.0.2.8", Some("10.9.9.9"), None, "Wrong-Pass-1").await;
    }
    let forged = send("192.0.2.8", Some("10.9.9.10"), Some("https"), crate::support::PASSWORD).await;
    assert_eq!(forged.status(), StatusCode::TOO_MANY_REQUESTS, "the peer is the client");
    assert!(forged.headers().get("strict-transport-security").is_none());
    app.finish().await;
}

backend_tests!(sign_in_attempts_are_pruned_once_nothing_reads_them);

/// The sign-in record grew without bound (fastest under attack). The nightly job deletes
/// failures after 30 days and successes after the 90 that make an address known; what is
/// still read stays, so a known address stays known and recent failures still count.
async fn sign_in_attempts_are_pruned_once_nothing_reads_them(backend: Backend) {
    use crate::support::PASSWORD;
    let Some(app) = TestApp::new(backend).await else { return };
    app.user("pruned", "designer", None, None).await;
    let (home, attacker) = ("10.2.2.2", "203.0.113.77");
    assert_eq!(app.sign_in_from("pruned", PASSWORD, home).await.1.status, StatusCode::SEE_OTHER);
    // Thirty guesses; after twenty the address waits, and a refused wait is not recorded.
    for i in 0..30 {
        app.sign_in_from(&format!("nobody{i}"), "Wrong-Pass-1", attacker).await;
    }
    // A month later: the old failures go; the sign-in from home is still read (known for 90 days).
    app.clock.advance(chrono::Duration::days(31));
    app.sign_in_from("pruned", "Wrong-Pass-1", attacker).await;
    assert_eq!(sheji_service::identity::prune_login_attempts(&app.services).await.unwrap(), 20);
    assert_eq!(sheji_service::identity::prune_login_attempts(&app.services).await.unwrap(), 0, "once");
    // The recent failure still counts: five more from the same address and it must wait.
    for _ in 0..4 {
        app.sign_in_from("pruned", "Wrong-Pass-1", attacker).await;
    }
    assert_eq!(app.sign_in_from("pruned", PASSWORD, attacker).await.1.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.sign_in_from("pruned", PASSWORD, home).await.1.status, StatusCode::SEE_OTHER, "still known");
    // Past 90 days the old success goes too (the new one from home stays).
    app.clock.advance(chrono::Duration::days(60));
    let pruned = sheji_service::identity::prune_login_attempts(&app.services).await.unwrap();
    assert_eq!(pruned, 1 + 5, "the first success and the five later failures");
    app.finish().await;
}
