//! The messages pages.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sheji_core::i18n;
use sheji_core::page::PageRequest;
use sheji_service::notification as service;

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, render};
use crate::layout::{Chrome, Ctx, Pager};

/// One message in the list.
struct MessageLine {
    id: i32,
    text: String,
    sent: String,
    unread: bool,
}

#[derive(Template)]
#[template(path = "notification/messages.html")]
struct MessagesPage {
    chrome: Chrome,
    rows: Vec<MessageLine>,
    pager: Pager,
    /// Only unread ones are listed.
    unread_only: bool,
    notice: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
pub struct MessagesQuery {
    #[serde(default)]
    unread: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    done: String,
}

/// The signed-in person's messages, newest first.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<MessagesQuery>,
) -> Result<Response, PageError> {
    let chrome = ctx.chrome("notification.title");
    let unread_only = q.unread == "1";
    let request = PageRequest::new(q.page.parse().ok(), None);
    let page = match service::messages(&state.services, &p, unread_only, request, ctx.lang).await {
        Ok(page) => page,
        Err(e) => return Err(PageError::service(&e, chrome)),
    };
    let view = MessagesPage {
        pager: chrome.pager(&page),
        rows: page
            .items
            .into_iter()
            .map(|m| MessageLine {
                id: m.message.id,
                sent: i18n::datetime(m.message.created_at),
                unread: m.message.read_at.is_none(),
                text: m.text,
            })
            .collect(),
        unread_only,
        notice: (q.done == "read_all").then(|| ctx.lang.t("notification.done.read_all").to_owned()),
        chrome,
    };
    Ok(render(StatusCode::OK, &view))
}

/// Opens a message: marks it read and goes where it leads (another person's message is not
/// found).
pub async fn open(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    match service::open(&state.services, &p, id).await {
        // Only our own paths are stored; anything else goes to the list.
        Ok(Some(href)) if href.starts_with('/') && !href.starts_with("//") => Ok(Redirect::to(&href).into_response()),
        Ok(Some(_)) => Ok(Redirect::to("/messages").into_response()),
        Ok(None) => Err(PageError::not_found(ctx.chrome("notification.title"))),
        Err(e) => Err(PageError::service(&e, ctx.chrome("notification.title"))),
    }
}

/// Marks every message read.
pub async fn read_all(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
) -> Result<Response, PageError> {
    match service::read_all(&state.services, &p).await {
        Ok(_) => Ok(Redirect::to("/messages?done=read_all").into_response()),
        Err(e) => Err(PageError::service(&e, ctx.chrome("notification.title"))),
    }
}
