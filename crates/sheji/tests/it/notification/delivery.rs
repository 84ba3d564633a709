//! Messages that leave the platform: a returned application reaches its applicants by e-mail
//! (through a local SMTP sink) in each one's language with the absolute link, except the one
//! who turned e-mail off; a text message reaches a local gateway signed and with the phone in
//! clear, is retried on the delivery policy's steps while the gateway fails, is sent when it
//! recovers, is given up after the last attempt and sent again by an administrator; the log
//! and the settings are for administrators, and a wrong settings form reports every mistake
//! at once without echoing a secret.

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::Duration;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sheji_core::notification::delivery::DeliveryStatus;
use sheji_core::page::PageRequest;
use sheji_core::registry::LibraryStatus;
use sheji_service::Backend;
use sheji_service::notification::delivery::{Delivery, DeliveryFilter, deliveries};
use sheji_service::registry::{OrgFilter, list_public};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::recognition::{apply, open_batch, step, submit};
use crate::support::{Browser, TestApp, backend_tests};

/// One mail the sink accepted.
#[derive(Debug, Clone)]
struct Mail {
    to: Vec<String>,
    data: String,
}

impl Mail {
    /// The headers, unfolded, and the body decoded from base64.
    fn parts(&self) -> (String, String) {
        let (head, body) = self.data.split_once("\r\n\r\n").unwrap_or((&self.data, ""));
        let head = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        let b64: String = body.lines().map(str::trim).collect();
        let body = String::from_utf8(STANDARD.decode(b64).unwrap_or_default()).unwrap_or_default();
        (head, body)
    }

    /// The subject with its RFC 2047 encoded words decoded.
    fn subject(&self) -> String {
        let (head, _) = self.parts();
        let line = head.lines().find_map(|l| l.strip_prefix("Subject: ")).unwrap_or_default().to_owned();
        let re = regex::Regex::new(r"(?i)=\?utf-8\?b\?([^?]*)\?=").unwrap();
        if !re.is_match(&line) {
            return line;
        }
        let mut bytes = Vec::new();
        for c in re.captures_iter(&line) {
            bytes.extend(STANDARD.decode(&c[1]).unwrap());
        }
        String::from_utf8(bytes).unwrap()
    }

    fn body(&self) -> String {
        self.parts().1
    }
}

/// A local SMTP server that speaks just enough of the protocol (220, EHLO → 250, MAIL and
/// RCPT → 250, DATA → 354 … 250, QUIT → 221) and keeps what it receives. Started with
/// extensions, it also offers AUTH (and accepts any credentials) and STARTTLS (which it
/// cannot do: it hangs up once the client starts the handshake), and keeps every command.
struct SmtpSink {
    port: u16,
    mails: Arc<Mutex<Vec<Mail>>>,
    commands: Arc<Mutex<Vec<String>>>,
}

impl SmtpSink {
    async fn start() -> Self {
        Self::start_offering(false).await
    }

    async fn start_offering(extensions: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let commands = Arc::new(Mutex::new(Vec::new()));
        let (kept, heard) = (mails.clone(), commands.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (kept, heard) = (kept.clone(), heard.clone());
                tokio::spawn(async move {
                    let (read, mut write) = stream.into_split();
                    let mut lines = BufReader::new(read).lines();
                    let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                    let mut to = Vec::new();
                    while let Ok(Some(line)) = lines.next_line().await {
                        heard.lock().unwrap().push(line.clone());
                        let upper = line.to_ascii_uppercase();
                        let reply: &[u8] = if (upper.starts_with("EHLO") || upper.starts_with("HELO")) && extensions {
                            b"250-sink\r\n250-AUTH PLAIN LOGIN\r\n250 STARTTLS\r\n"
                        } else if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                            b"250 sink\r\n"
                        } else if upper.starts_with("AUTH") {
                            b"235 2.7.0 Authentication successful\r\n"
                        } else if upper.starts_with("STARTTLS") {
                            let _ = write.write_all(b"220 2.0.0 Ready to start TLS\r\n").await;
                            break;
                        } else if upper.starts_with("RCPT TO:") {
                            to.push(line[8..].trim().trim_matches(['<', '>']).to_owned());
                            b"250 OK\r\n"
                        } else if upper.starts_with("DATA") {
                            let _ = write.write_all(b"354 go ahead\r\n").await;
                            let mut data = String::new();
                            while let Ok(Some(l)) = lines.next_line().await {
                                if l == "." {
                                    break;
                                }
                                data.push_str(l.strip_prefix('.').unwrap_or(&l));
                                data.push_str("\r\n");
                            }
                            kept.lock().unwrap().push(Mail { to: std::mem::take(&mut to), data });
                            b"250 OK queued\r\n"
                        } else if upper.starts_with("QUIT") {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        } else {
                            b"250 OK\r\n"
                        };
                        if write.write_all(reply).await.is_err() {
                            break;
                        }
                    }
                });
            }
        });
        Self { port, mails, commands }
    }

    fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }

    fn commands(&self) -> Vec<String> {
        self.commands.lock().unwrap().clone()
    }
}

/// A local SMS gateway: answers with the status the test sets and keeps every request's
/// signature header and body.
#[derive(Clone)]
struct Gateway {
    status: Arc<AtomicU16>,
    received: Arc<Mutex<Vec<(String, String)>>>,
    url: String,
}

impl Gateway {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://127.0.0.1:{}/sms/send", listener.local_addr().unwrap().port());
        let gateway =
            Gateway { status: Arc::new(AtomicU16::new(200)), received: Arc::new(Mutex::new(Vec::new())), url };
        async fn receive(State(g): State<Gateway>, headers: HeaderMap, body: String) -> StatusCode {
            let signature = headers.get("x-sheji-signature").and_then(|v| v.to_str().ok()).unwrap_or_default();
            g.received.lock().unwrap().push((signature.to_owned(), body));
            StatusCode::from_u16(g.status.load(Ordering::SeqCst)).unwrap()
        }
        let router = axum::Router::new().route("/sms/send", axum::routing::post(receive)).with_state(gateway.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        gateway
    }

    fn answer(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    fn received(&self) -> Vec<(String, String)> {
        self.received.lock().unwrap().clone()
    }
}

const SECRET: &str = "gw-signing-secret-2026";
const PUBLIC: &str = "https://sheji.cq.example.cn";

/// Every kind's SMS template field, filled.
fn templates() -> Vec<(String, String)> {
    sheji_core::notification::MessageKind::ALL
        .iter()
        .map(|k| {
            (
                sheji_service::notification::channel::template_field(*k).to_owned(),
                format!("SMS_{}", k.code().to_uppercase()),
            )
        })
        .collect()
}

/// Posts the sending settings as an administrator would type them.
async fn configure(app: &TestApp, admin: &Browser, fields: &[(&str, &str)]) -> crate::support::Response {
    app.post_form(admin, "/admin/deliveries/settings", fields).await
}

/// An organization in the library of 璧山区 with three administrators, and the officers who
/// move its application: (org admins, branch officer, city officer, organization admin names).
async fn applicants(app: &TestApp) -> (Vec<Browser>, Browser, Browser) {
    let bishan = app.district("璧山区").await;
    let in_library =
        OrgFilter { district: Some(bishan), library: Some(LibraryStatus::InLibrary), ..Default::default() };
    let member = list_public(&app.services, &in_library, PageRequest::new(Some(1), Some(1))).await.unwrap().items;
    app.user("city1", "city_officer", None, None).await;
    app.user("bs1", "branch_staff", Some(bishan.get()), None).await;
    let mut orgs = Vec::new();
    for name in ["orga", "orgb", "orgc"] {
        app.user(name, "org_admin", None, Some(member[0].id.get())).await;
        orgs.push(app.signed_in(name).await);
    }
    (orgs, app.signed_in("bs1").await, app.signed_in("city1").await)
}

/// Sets a person's contact details through their account page.
async fn profile(app: &TestApp, who: &Browser, name: &str, email: &str, phone: &str) {
    let r = app.post_form(who, "/account/profile", &[("display_name", name), ("phone", phone), ("email", email)]).await;
    assert_eq!(r.status, 303, "{}", r.body);
}

/// An application of the first organization administrator's, submitted and returned with a
/// reason; its id.
async fn returned_application(app: &TestApp, orgs: &[Browser], branch: &Browser, city: &Browser, name: &str) -> String {
    let batch = open_batch(app, city, "district_center", name, "", "", &[]).await;
    let id = apply(app, &orgs[0], &batch).await;
    assert_eq!(submit(app, &orgs[0], &id).await.status, 303);
    assert_eq!(step(app, branch, &id, "return", "请补充设计团队名单").await.status, 303);
    id
}

async fn log(app: &TestApp) -> Vec<Delivery> {
    let admin = sheji_service::identity::system_principal();
    deliveries(&app.services, &admin, &DeliveryFilter::default(), PageRequest::new(Some(1), Some(50)))
        .await
        .unwrap()
        .items
}

/// The mail server's login is used, and a channel set to STARTTLS never sends a password or a
/// message in clear: against a server whose TLS fails, the client stops after STARTTLS.
#[tokio::test]
async fn e_mail_logs_in_and_never_goes_out_in_clear_when_starttls_is_asked() {
    use base64::Engine;
    let Some(app) = TestApp::new(Backend::Sqlite).await else { return };
    let sink = SmtpSink::start_offering(true).await;
    app.user("adm", "admin", None, None).await;
    let admin = app.signed_in("adm").await;
    profile(&app, &admin, "管理员", "adm@example.cn", "").await;
    let port = sink.port.to_string();
    let settings = |security: &'static str| {
        vec![
            ("email_enabled", "on"),
            ("email_host", "127.0.0.1"),
            ("email_port", port.as_str()),
            ("email_security", security),
            ("email_username", "mailer"),
            ("email_password", "MAIL-PASS-7731"),
            ("email_from", "noreply@sheji.example.cn"),
        ]
    };
    assert_eq!(configure(&app, &admin, &settings("plain")).await.status, 303);
    let sent = app.post_form(&admin, "/admin/deliveries/test", &[("channel", "email")]).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    app.run_jobs().await;
    assert_eq!(sink.mails().len(), 1, "the test message arrived");
    let login = base64::engine::general_purpose::STANDARD.encode("\0mailer\0MAIL-PASS-7731");
    let commands = sink.commands();
    assert!(
        commands.iter().any(|c| c == &format!("AUTH PLAIN {login}")),
        "it logged in with the stored password: {commands:?}"
    );

    assert_eq!(configure(&app, &admin, &settings("starttls")).await.status, 303);
    let before = sink.commands().len();
    let sent = app.post_form(&admin, "/admin/deliveries/test", &[("channel", "email")]).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    app.run_jobs().await;
    let after: Vec<String> = sink.commands().split_off(before);
    assert!(after.iter().any(|c| c.eq_ignore_ascii_case("STARTTLS")), "STARTTLS was asked for: {after:?}");
    assert!(
        !after.iter().any(|c| c.starts_with("AUTH") || c.starts_with("MAIL FROM") || c.starts_with("RCPT")),
        "no login and no message in clear: {after:?}"
    );
    assert_eq!(sink.mails().len(), 1, "nothing more arrived");
    let log = log(&app).await;
    assert!(log.iter().any(|d| d.status != DeliveryStatus::Sent), "the second is not counted as sent");
    app.finish().await;
}

backend_tests!(
    a_returned_application_is_e_mailed_in_each_recipients_language,
    a_text_message_is_signed_retried_given_up_and_sent_again,
    the_log_and_the_settings_are_for_administrators
);

async fn a_returned_application_is_e_mailed_in_each_recipients_language(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let sink = SmtpSink::start().await;
    app.user("adm", "admin", None, None).await;
    let admin = app.signed_in("adm").await;
    let (orgs, branch, city) = applicants(&app).await;
    // Before the channel is switched on, the page says so and nothing is queued.
    let prefs = app.get_as(&orgs[0], "/account/notifications").await;
    assert_eq!(prefs.status, 200);
    assert!(prefs.body.contains("平台尚未开通邮件通知"), "{}", prefs.body);
    assert!(app.get_as(&orgs[0], "/account").await.body.contains(r#"href="/account/notifications""#));
    assert_eq!(app.post_form(&admin, "/admin/settings/address", &[("public_address", PUBLIC)]).await.status, 303);
    let port = sink.port.to_string();
    let saved = configure(
        &app,
        &admin,
        &[
            ("email_enabled", "on"),
            ("email_host", "127.0.0.1"),
            ("email_port", &port),
            ("email_security", "plain"),
            ("email_from", "noreply@sheji.example.cn"),
        ],
    )
    .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    profile(&app, &orgs[0], "王经理", "wang@factory.example.cn", "").await;
    profile(&app, &orgs[1], "Li Na", "li@factory.example.cn", "").await;
    profile(&app, &orgs[2], "赵会计", "zhao@factory.example.cn", "").await;
    // The second reads English; the third wants no e-mail when an application is returned.
    let all: Vec<(&str, &str)> =
        sheji_core::notification::MessageKind::choosable().map(|k| ("email", k.code())).collect();
    let mut english = vec![("lang", "en")];
    english.extend(all.iter().copied());
    assert_eq!(app.post_form(&orgs[1], "/account/notifications", &english).await.status, 303);
    let mut quiet = vec![("lang", "zh-CN")];
    quiet.extend(all.iter().copied().filter(|(_, k)| *k != "returned"));
    assert_eq!(app.post_form(&orgs[2], "/account/notifications", &quiet).await.status, 303);
    let page = app.get_as(&orgs[2], "/account/notifications").await;
    assert!(page.body.contains("邮件将发送至 zhao@factory.example.cn"), "{}", page.body);
    assert!(!page.body.contains(r#"name="email" value="returned" checked"#), "the choice is kept");

    let id = returned_application(&app, &orgs, &branch, &city, "区县级中心（邮件）").await;
    // The step is done and the in-site message written whatever the mail server does.
    assert!(app.get_as(&orgs[0], "/messages").await.body.contains("已退回修改：请补充设计团队名单"));
    assert!(app.run_jobs().await >= 2);
    let mails = sink.mails();
    let link = format!("{PUBLIC}/recognition/applications/{id}");
    let to = |who: &str| mails.iter().find(|m| m.to.iter().any(|t| t == who)).cloned();
    let wang = to("wang@factory.example.cn").expect("the Chinese reader got one");
    assert_eq!(wang.subject(), "【设计服务平台】您的申报已退回修改");
    assert!(
        wang.body().contains("王经理，您好") && wang.body().contains("已退回修改：请补充设计团队名单"),
        "{}",
        wang.body()
    );
    assert!(wang.body().contains(&link), "{}", wang.body());
    let li = to("li@factory.example.cn").expect("the English reader got one");
    assert_eq!(li.subject(), "[Design Service Platform] Your application was returned for correction");
    assert!(li.body().contains("Dear Li Na") && li.body().contains("was returned for correction"), "{}", li.body());
    assert!(li.body().contains(&link));
    assert!(to("zhao@factory.example.cn").is_none(), "the third turned e-mail off for returns");
    assert_eq!(mails.len(), 2, "{mails:?}");
    // The log shows both as sent, to their addresses.
    let sent = log(&app).await;
    assert_eq!(sent.len(), 2);
    assert!(sent.iter().all(|d| d.status == DeliveryStatus::Sent && d.attempts == 1 && d.sent_at.is_some()));
    let page = app.get_as(&admin, "/admin/deliveries?status=sent&channel=email&kind=returned").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("wang@factory.example.cn") && page.body.contains("已发送"), "{}", page.body);
    app.finish().await;
}

async fn a_text_message_is_signed_retried_given_up_and_sent_again(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let gateway = Gateway::start().await;
    gateway.answer(500);
    app.user("adm", "admin", None, None).await;
    let admin = app.signed_in("adm").await;
    let (orgs, branch, city) = applicants(&app).await;
    let mut fields = vec![
        ("sms_enabled".to_owned(), "on".to_owned()),
        ("sms_endpoint".to_owned(), gateway.url.clone()),
        ("sms_secret".to_owned(), SECRET.to_owned()),
    ];
    fields.extend(templates());
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let saved = configure(&app, &admin, &fields).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    profile(&app, &orgs[0], "王经理", "", "13812345678").await;
    profile(&app, &admin, "管理员", "", "13900001111").await;
    // Text messages are off until a person asks for them.
    assert_eq!(
        app.post_form(&orgs[0], "/account/notifications", &[("lang", "zh-CN"), ("sms", "returned")]).await.status,
        303
    );

    let id = returned_application(&app, &orgs, &branch, &city, "区县级中心（短信）").await;
    let start = sheji_core::clock::Clock::now(app.clock.as_ref());
    assert_eq!(app.run_jobs().await, 1, "one text message, for the one who asked");
    let d = log(&app).await.remove(0);
    assert_eq!((d.status, d.attempts), (DeliveryStatus::Failed, 1));
    assert_eq!(d.next_attempt_at, Some(start + Duration::seconds(60)), "the first retry after a minute");
    assert_eq!(d.recipient, "138****5678", "the log keeps the number masked");
    assert!(d.last_error.as_deref().unwrap_or_default().contains("HTTP 500"), "{:?}", d.last_error);
    // The gateway got a signed request with the number in clear and the absolute link.
    let (signature, body) = gateway.received().remove(0);
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    assert_eq!(signature, hex::encode(mac.finalize().into_bytes()));
    let sms: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(sms["phone"], "13812345678");
    assert_eq!(sms["template"], "SMS_RETURNED");
    assert!(sms["params"]["link"].as_str().unwrap().ends_with(&format!("/recognition/applications/{id}")));
    assert_eq!(sms["params"]["comment"], "请补充设计团队名单");
    assert!(sms["timestamp"].as_i64().unwrap() > 0 && !sms["nonce"].as_str().unwrap().is_empty());

    // Nothing is tried before its time; then again after 1 minute, and after 5 more.
    assert_eq!(app.run_jobs().await, 0);
    app.clock.advance(Duration::seconds(61));
    assert_eq!(app.run_jobs().await, 1);
    let d = log(&app).await.remove(0);
    assert_eq!((d.status, d.attempts), (DeliveryStatus::Failed, 2));
    gateway.answer(200);
    app.clock.advance(Duration::seconds(301));
    assert_eq!(app.run_jobs().await, 1);
    let d = log(&app).await.remove(0);
    assert_eq!((d.status, d.attempts, d.last_error.clone()), (DeliveryStatus::Sent, 3, None));
    assert_eq!(gateway.received().len(), 3);

    // A gateway that stays down: the administrator's test message is given up after five
    // attempts, then sent again by hand once the gateway is back.
    gateway.answer(503);
    let admin = app.signed_in("adm").await;
    let queued = app.post_form(&admin, "/admin/deliveries/test", &[("channel", "sms")]).await;
    assert_eq!(queued.status, 303, "{}", queued.body);
    for _ in 0..5 {
        assert_eq!(app.run_jobs().await, 1);
        app.clock.advance(Duration::seconds(7_201));
    }
    assert_eq!(app.run_jobs().await, 0, "no sixth attempt");
    let test = log(&app).await.remove(0);
    assert_eq!((test.status, test.attempts, test.next_attempt_at), (DeliveryStatus::GivenUp, 5, None));
    let admin = app.signed_in("adm").await;
    let page = app.get_as(&admin, "/admin/deliveries?status=given_up").await;
    assert!(page.body.contains("已放弃") && page.body.contains(&format!("/admin/deliveries/{}/resend", test.id)));
    assert!(page.body.contains("短信网关拒绝或无法连接"), "{}", page.body);
    let other = app.signed_in("orga").await;
    assert_eq!(app.post_form(&other, &format!("/admin/deliveries/{}/resend", test.id), &[]).await.status, 403);
    gateway.answer(200);
    let again = app.post_form(&admin, &format!("/admin/deliveries/{}/resend", test.id), &[]).await;
    assert_eq!(again.status, 303, "{}", again.body);
    assert_eq!(app.run_jobs().await, 1);
    let test = log(&app).await.remove(0);
    assert_eq!((test.status, test.attempts, test.recipient.as_str()), (DeliveryStatus::Sent, 6, "139****1111"));
    let again = app.post_form(&admin, &format!("/admin/deliveries/{}/resend", test.id), &[]).await;
    assert_eq!(again.status, 409, "only a given-up delivery is sent again");
    app.finish().await;
}

async fn the_log_and_the_settings_are_for_administrators(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    app.user("adm", "admin", None, None).await;
    app.user("city1", "city_officer", None, None).await;
    let (admin, city) = (app.signed_in("adm").await, app.signed_in("city1").await);
    assert_eq!(app.get_as(&city, "/admin/deliveries").await.status, 403);
    assert_eq!(app.post_form(&city, "/admin/deliveries/settings", &[("email_host", "x.cn")]).await.status, 403);
    assert_eq!(app.post_form(&city, "/admin/deliveries/test", &[("channel", "email")]).await.status, 403);
    let page = app.get_as(&admin, "/admin/deliveries").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("还没有发送记录"), "{}", page.body);
    assert!(!app.get_as(&city, "/").await.body.contains(r#"href="/admin/deliveries""#), "not in their menu");
    assert!(page.body.contains(r#"href="/admin/deliveries""#), "in the administrator's menu");
    // A test before the channel is on says what to do, on the page.
    let early = app.post_form(&admin, "/admin/deliveries/test", &[("channel", "email")]).await;
    assert_eq!(early.status, 409);
    assert!(early.body.contains("该渠道尚未开通"), "{}", early.body);

    // Every mistake at once, what was typed kept, no password or secret sent back.
    let wrong = configure(
        &app,
        &admin,
        &[
            ("email_enabled", "on"),
            ("email_host", "smtp.example.cn"),
            ("email_port", "abc"),
            ("email_security", "starttls"),
            ("email_username", "mailer"),
            ("email_password", "MAIL-PASS-7731"),
            ("email_from", "x"),
            ("sms_enabled", "on"),
            ("sms_endpoint", "ftp://x"),
            ("sms_secret", "TOP-SECRET-4410"),
        ],
    )
    .await;
    assert_eq!(wrong.status, 400, "{}", wrong.body);
    for message in [
        "端口须为 1 至 65535 之间的整数",
        "请填写有效的发件邮箱地址",
        "短信网关地址须以 https:// 或 http:// 开头",
        "启用短信通知须为每类消息填写模板编号",
    ] {
        assert!(wrong.body.contains(message), "{message}: {}", wrong.body);
    }
    for typed in [r#"value="abc""#, r#"value="ftp://x""#, r#"value="x""#, r#"value="smtp.example.cn""#] {
        assert!(wrong.body.contains(typed), "{typed} kept");
    }
    assert!(!wrong.body.contains("MAIL-PASS-7731") && !wrong.body.contains("TOP-SECRET-4410"));
    // Nothing was stored.
    assert!(!app.get_as(&admin, "/admin/deliveries").await.body.contains("smtp.example.cn"));

    // Right values are stored; the password is never shown back, and kept when left empty.
    let right = [
        ("email_enabled", "on"),
        ("email_host", "smtp.example.cn"),
        ("email_port", ""),
        ("email_security", "tls"),
        ("email_username", "mailer"),
        ("email_password", "MAIL-PASS-7731"),
        ("email_from", "noreply@example.cn"),
    ];
    assert_eq!(configure(&app, &admin, &right).await.status, 303);
    let page = app.get_as(&admin, "/admin/deliveries?done=saved").await;
    assert!(page.body.contains(r#"value="465""#), "the default port of implicit TLS");
    assert!(page.body.contains("已设置，留空则保持不变") && !page.body.contains("MAIL-PASS-7731"));
    let keep: Vec<(&str, &str)> =
        right.iter().map(|(k, v)| if *k == "email_password" { (*k, "") } else { (*k, *v) }).collect();
    assert_eq!(configure(&app, &admin, &keep).await.status, 303, "an empty password keeps the stored one");
    let settings = sheji_service::notification::channel::channel_settings(
        &app.services,
        &sheji_service::identity::system_principal(),
    )
    .await
    .unwrap();
    assert!(settings.email_enabled && settings.email_password_set && settings.email_port == 465);
    app.finish().await;
}
