//! The administrators' page for messages that leave the platform: the delivery log (filtered
//! by status, channel and kind, paginated, with "send again" on a given-up delivery), the
//! SMTP and SMS settings in one form, and a test for each channel. Whether the caller may is
//! the service's answer.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sheji_core::i18n::{self, Lang};
use sheji_core::identity::Principal;
use sheji_core::notification::MessageKind;
use sheji_core::notification::delivery::{Channel, DeliveryStatus, SmtpSecurity};
use sheji_core::page::PageRequest;
use sheji_service::notification::channel::{self, ChannelSettings, ChannelSettingsInput, template_field};
use sheji_service::notification::delivery::{self as service, Delivery, DeliveryFilter};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, render};
use crate::forms::{self, Fields, FormState};
use crate::layout::{Choice, Chrome, Ctx, Pager};

/// One delivery in the log.
struct DeliveryLine {
    id: i32,
    time: String,
    recipient: String,
    kind: String,
    channel: String,
    status: String,
    badge: &'static str,
    attempts: String,
    error: String,
    next: String,
    resend: bool,
}

/// A template id field of the SMS settings.
struct TemplateField {
    name: &'static str,
    label: String,
}

#[derive(Template)]
#[template(path = "notification/deliveries.html")]
struct DeliveriesPage {
    chrome: Chrome,
    notice: Option<String>,
    /// Why a test could not be queued.
    problem: Option<String>,
    rows: Vec<DeliveryLine>,
    pager: Pager,
    statuses: Vec<Choice>,
    channels: Vec<Choice>,
    kinds: Vec<Choice>,
    form: FormState,
    securities: Vec<Choice>,
    templates: Vec<TemplateField>,
    password_hint: String,
    secret_hint: String,
}

#[derive(Debug, Deserialize, Default)]
pub struct DeliveriesQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    done: String,
}

const TITLE: &str = "notification.deliveries.title";

fn chrome(ctx: &Ctx) -> Chrome {
    ctx.chrome(TITLE).crumb("nav.system", None)
}

fn line(lang: Lang, d: Delivery) -> DeliveryLine {
    DeliveryLine {
        id: d.id,
        time: i18n::datetime(d.sent_at.unwrap_or(d.created_at)),
        recipient: if d.recipient.is_empty() {
            lang.t("notification.deliveries.pending_address").to_owned()
        } else {
            d.recipient
        },
        kind: lang.t(&format!("notification.kind.{}", d.kind.code())).to_owned(),
        channel: lang.t(&format!("notification.channel.{}", d.channel.code())).to_owned(),
        status: service::status_label(lang, d.status).to_owned(),
        badge: d.status.badge(),
        attempts: d.attempts.to_string(),
        error: d.last_error.as_deref().map(|e| service::error_text(lang, e)).unwrap_or_default(),
        next: if d.status == DeliveryStatus::Failed {
            d.next_attempt_at.map(i18n::datetime).unwrap_or_default()
        } else {
            String::new()
        },
        resend: d.status.may_resend(),
    }
}

/// The settings as the form shows them (secrets are never put in the form).
fn settings_form(s: &ChannelSettings) -> FormState {
    let on = |b: bool| if b { "on" } else { "" };
    let mut form = FormState::default()
        .keep("email_enabled", on(s.email_enabled))
        .keep("email_host", &s.email_host)
        .keep("email_port", &if s.email_port == 0 { String::new() } else { s.email_port.to_string() })
        .keep("email_security", s.email_security.code())
        .keep("email_username", &s.email_username)
        .keep("email_from", &s.email_from)
        .keep("sms_enabled", on(s.sms_enabled))
        .keep("sms_endpoint", &s.sms_endpoint);
    for (kind, id) in &s.sms_templates {
        form = form.keep(template_field(*kind), id);
    }
    form
}

fn choices<T: Copy + PartialEq>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: impl Fn(T) -> String,
    selected: Option<T>,
) -> Vec<Choice> {
    all.iter().map(|x| Choice::selected_if(code(*x), label(*x), Some(*x) == selected)).collect()
}

/// The whole page: the log as `q` filters it, and the settings form (`form`: as submitted
/// when it was refused, else as stored).
async fn view(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    q: &DeliveriesQuery,
    form: Option<FormState>,
) -> Result<DeliveriesPage, PageError> {
    let lang = ctx.lang;
    let s = &state.services;
    let chrome = chrome(ctx);
    let filter = DeliveryFilter {
        status: DeliveryStatus::parse(&q.status),
        channel: Channel::parse(&q.channel),
        kind: MessageKind::parse(&q.kind),
    };
    let request = PageRequest::new(q.page.parse().ok(), None);
    let page = service::deliveries(s, p, &filter, request).await.map_err(|e| PageError::service(&e, chrome.clone()))?;
    let settings = channel::channel_settings(s, p).await.map_err(|e| PageError::service(&e, chrome.clone()))?;
    let notice = match q.done.as_str() {
        "saved" => Some(lang.t("notification.deliveries.done.saved").to_owned()),
        "test" => Some(lang.t("notification.deliveries.done.test").to_owned()),
        "resend" => Some(lang.t("notification.deliveries.done.resend").to_owned()),
        _ => None,
    };
    let hint = |set: bool| {
        lang.t(if set { "notification.deliveries.secret_set" } else { "notification.deliveries.secret_unset" })
            .to_owned()
    };
    Ok(DeliveriesPage {
        notice,
        problem: None,
        pager: chrome.pager(&page),
        rows: page.items.into_iter().map(|d| line(lang, d)).collect(),
        statuses: choices(
            DeliveryStatus::ALL,
            DeliveryStatus::code,
            |st| service::status_label(lang, st).to_owned(),
            filter.status,
        ),
        channels: choices(
            Channel::ALL,
            Channel::code,
            |c| lang.t(&format!("notification.channel.{}", c.code())).to_owned(),
            filter.channel,
        ),
        kinds: choices(
            MessageKind::ALL,
            MessageKind::code,
            |k| lang.t(&format!("notification.kind.{}", k.code())).to_owned(),
            filter.kind,
        ),
        form: form.unwrap_or_else(|| settings_form(&settings)),
        securities: SmtpSecurity::ALL
            .iter()
            .map(|sec| Choice::new(sec.code(), lang.t(&format!("notification.deliveries.security.{}", sec.code()))))
            .collect(),
        templates: MessageKind::ALL
            .iter()
            .map(|k| TemplateField {
                name: template_field(*k),
                label: lang.t(&format!("notification.kind.{}", k.code())).to_owned(),
            })
            .collect(),
        password_hint: hint(settings.email_password_set),
        secret_hint: hint(settings.sms_secret_set),
        chrome,
    })
}

/// The delivery log and the sending settings (administrators).
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<DeliveriesQuery>,
) -> Result<Response, PageError> {
    Ok(render(StatusCode::OK, &view(&state, &ctx, &p, &q, None).await?))
}

/// Saves the sending settings: every wrong field at once, what was typed kept (except the
/// password and the secret).
pub async fn settings_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    body: String,
) -> Result<Response, PageError> {
    let mut f = Fields::new(&body);
    let email_port = f.optional_as::<u16>("email_port", "notification.settings.port_invalid");
    let email_security = f.choice_or("email_security", SmtpSecurity::parse, SmtpSecurity::StartTls);
    let input = ChannelSettingsInput {
        email_enabled: f.flag("email_enabled"),
        email_host: f.text("email_host"),
        email_port,
        email_security,
        email_username: f.text("email_username"),
        email_password: f.text("email_password"),
        email_from: f.text("email_from"),
        sms_enabled: f.flag("sms_enabled"),
        sms_endpoint: f.text("sms_endpoint"),
        sms_secret: f.text("sms_secret"),
        sms_templates: MessageKind::ALL.iter().map(|k| (*k, f.text(template_field(*k)))).collect(),
    };
    let result = match f.finish(input, channel::check_settings) {
        Ok(input) => channel::update_channel_settings(&state.services, &p, &input, &c.ip).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/admin/deliveries?done=saved").into_response()),
        Err(e) => {
            // The secret is never sent back (the password field is left out by the form kit).
            let typed = FormState::from_body(&body).keep("sms_secret", "");
            let unfiltered = DeliveriesQuery::default();
            forms::refused(e, typed, &ctx, TITLE, |form| view(&state, &ctx, &p, &unfiltered, Some(form))).await
        }
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct TestForm {
    #[serde(default)]
    channel: String,
}

/// Queues a test to the administrator's own address.
pub async fn test(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    axum::Form(f): axum::Form<TestForm>,
) -> Result<Response, PageError> {
    let Some(channel) = Channel::parse(&f.channel) else { return Err(PageError::not_found(chrome(&ctx))) };
    match service::send_test(&state.services, &p, channel, &c.ip).await {
        Ok(_) => Ok(Redirect::to("/admin/deliveries?done=test").into_response()),
        Err(e) if forms::belongs_on_form(&e) => {
            // "Add your e-mail address first": said on the page itself, above the log.
            let mut page = view(&state, &ctx, &p, &DeliveriesQuery::default(), None).await?;
            page.problem = Some(e.message(ctx.lang));
            Ok(render(crate::error::status_of(e.kind()), &page))
        }
        Err(e) => Err(PageError::service(&e, chrome(&ctx))),
    }
}

/// Sends a given-up delivery again.
pub async fn resend(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    match service::resend(&state.services, &p, id, &c.ip).await {
        Ok(()) => Ok(Redirect::to("/admin/deliveries?done=resend").into_response()),
        Err(e) => Err(PageError::service(&e, chrome(&ctx))),
    }
}
