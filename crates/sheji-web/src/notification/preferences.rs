//! The person's notification settings: which kinds of message also reach them by e-mail or
//! SMS, and in which language.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sheji_core::i18n::Lang;
use sheji_core::identity::Principal;
use sheji_core::notification::MessageKind;
use sheji_core::notification::delivery::{Availability, Channel};
use sheji_service::notification::preferences::{self as service, PreferencesInput};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, render};
use crate::forms::{self, Fields, FormState};
use crate::layout::{Choice, Chrome, Ctx};

/// One kind of message with its boxes.
struct KindRow {
    code: &'static str,
    label: String,
}

/// What a channel can do for the person, in words.
struct ChannelNote {
    text: String,
    available: bool,
}

#[derive(Template)]
#[template(path = "notification/preferences.html")]
struct PreferencesPage {
    chrome: Chrome,
    notice: Option<String>,
    rows: Vec<KindRow>,
    email_on: bool,
    sms_on: bool,
    notes: Vec<ChannelNote>,
    langs: Vec<Choice>,
    form: FormState,
}

#[derive(Debug, Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

fn title(ctx: &Ctx) -> Chrome {
    ctx.chrome("notification.prefs.title").crumb("account.title", Some("/account"))
}

fn note_key(channel: Channel, availability: Availability) -> &'static str {
    match (channel, availability) {
        (Channel::Email, Availability::Available) => "notification.prefs.email.available",
        (Channel::Email, Availability::NoAddress) => "notification.prefs.email.no_address",
        (Channel::Email, Availability::NotConfigured) => "notification.prefs.email.not_configured",
        (Channel::Sms, Availability::Available) => "notification.prefs.sms.available",
        (Channel::Sms, Availability::NoAddress) => "notification.prefs.sms.no_address",
        (Channel::Sms, Availability::NotConfigured) => "notification.prefs.sms.not_configured",
    }
}

async fn view(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    notice: Option<String>,
    form: Option<FormState>,
) -> Result<PreferencesPage, PageError> {
    let chrome = title(ctx);
    let prefs = service::preferences(&state.services, p).await.map_err(|e| PageError::service(&e, chrome.clone()))?;
    let lang = ctx.lang;
    // The form shows what is stored, unless a refused submission comes back as typed.
    let form = form.unwrap_or_else(|| {
        FormState::default()
            .keep("lang", prefs.lang.tag())
            .keep_all("email", prefs.kinds.iter().filter(|k| k.email).map(|k| k.kind.code().to_owned()))
            .keep_all("sms", prefs.kinds.iter().filter(|k| k.sms).map(|k| k.kind.code().to_owned()))
    });
    Ok(PreferencesPage {
        notice,
        rows: prefs
            .kinds
            .iter()
            .map(|k| KindRow {
                code: k.kind.code(),
                label: lang.t(&format!("notification.kind.{}", k.kind.code())).to_owned(),
            })
            .collect(),
        email_on: prefs.available(Channel::Email),
        sms_on: prefs.available(Channel::Sms),
        notes: prefs
            .channels
            .iter()
            .map(|c| ChannelNote {
                text: lang.tf(note_key(c.channel, c.availability), &[("address", &c.address)]),
                available: c.availability == Availability::Available,
            })
            .collect(),
        langs: vec![
            Choice::new(Lang::Zh.tag(), lang.t("notification.prefs.lang_zh")),
            Choice::new(Lang::En.tag(), lang.t("notification.prefs.lang_en")),
        ],
        form,
        chrome,
    })
}

/// The signed-in person's notification settings.
pub async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let notice = (q.done == "saved").then(|| ctx.lang.t("notification.prefs.saved").to_owned());
    Ok(render(StatusCode::OK, &view(&state, &ctx, &p, notice, None).await?))
}

/// Saves them.
pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    body: String,
) -> Result<Response, PageError> {
    let mut f = Fields::new(&body);
    let kinds = |values: Vec<String>| -> Vec<MessageKind> {
        values.iter().filter_map(|v| MessageKind::parse(v)).filter(|k| *k != MessageKind::Test).collect()
    };
    let (email, sms) = (kinds(f.all("email")), kinds(f.all("sms")));
    let lang = f.choice_or("lang", Lang::from_tag, Lang::Zh);
    let result = match f.finish(PreferencesInput { lang, email, sms }, |_| Vec::new()) {
        Ok(input) => service::save_preferences(&state.services, &p, &input, &c.ip).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/account/notifications?done=saved").into_response()),
        Err(e) => {
            forms::refused(e, FormState::from_body(&body), &ctx, "notification.prefs.title", |form| {
                view(&state, &ctx, &p, None, Some(form))
            })
            .await
        }
    }
}
