//! Who is calling: a middleware resolves the session cookie or the `Authorization: Bearer`
//! token into a [`Caller`] once per request, and keeps half-signed-in sessions (TOTP pending,
//! password to change, TOTP to enrol) on the page that finishes the job. CSRF protection is
//! here too: every state-changing request that rides on the session cookie must carry the
//! token from the `sheji_csrf` cookie in its `csrf` form field or `X-CSRF-Token` header.

use std::net::{IpAddr, SocketAddr};

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use sheji_core::identity::Permission;
use sheji_service::identity;
use sheji_service::{Principal, ServiceError};
use subtle::ConstantTimeEq;

use crate::error::ApiError;
use crate::i18n;
use crate::{AppState, Network};

/// The session cookie.
pub const SESSION_COOKIE: &str = "sheji_session";
/// The CSRF cookie (double-submit token).
pub const CSRF_COOKIE: &str = "sheji_csrf";
/// Largest form body the CSRF check reads (uploads will use the header instead).
const FORM_LIMIT: usize = 1024 * 1024;

/// The caller of a request, resolved by [`resolve`].
#[derive(Debug, Clone, Default)]
pub struct Caller {
    /// The signed-in account, if any.
    pub principal: Option<Principal>,
    /// The session, when signed in with the cookie.
    pub session: Option<i32>,
    /// Signed in with an API token.
    pub via_token: bool,
    /// The client's address (a trusted proxy's forwarded one; see [`crate::Network`]).
    pub ip: String,
    /// The request came over HTTPS (directly, or as a trusted proxy says).
    pub https: bool,
    /// The CSRF token to put in forms.
    pub csrf: String,
    /// The functions the caller may use now, for showing only what they can open.
    pub allowed: Vec<Permission>,
    /// Unread messages and to-dos, for the header of a page (not counted for the API).
    pub attention: Option<(u64, usize)>,
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Caller>().cloned().unwrap_or_default())
    }
}

/// A cookie's value from a header map (for handlers).
pub fn cookie_in(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find_map(|(k, v)| (k == name).then(|| v.to_owned()))
}

/// A cookie's value from the request headers.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find_map(|(k, v)| (k == name).then_some(v))
}

/// Whether the request came over HTTPS: directly, or through a trusted proxy that says so
/// (`X-Forwarded-Proto` from anyone else is ignored).
fn is_https(parts: &Parts, network: &Network) -> bool {
    parts.uri.scheme_str() == Some("https")
        || (peer(parts).is_some_and(|p| network.trusts(p))
            && parts
                .headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.eq_ignore_ascii_case("https")))
}

/// A `Set-Cookie` value with the platform's flags.
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> Option<HeaderValue> {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).ok()
}

fn peer(parts: &Parts) -> Option<IpAddr> {
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ci| ci.0.ip())
}

/// The client's address: the peer's, or, when the peer is a trusted proxy, the nearest
/// address in `X-Forwarded-For` that is not itself a trusted proxy (entries further left were
/// written by the client and prove nothing).
fn client_ip(parts: &Parts, network: &Network) -> String {
    let Some(peer) = peer(parts) else { return "local".to_owned() };
    if !network.trusts(peer) {
        return peer.to_string();
    }
    let hops: Vec<&str> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if network.trusts(ip) => {}
            Ok(ip) => return ip.to_string(),
            Err(_) => break,
        }
    }
    peer.to_string()
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// Resolves the caller, enforces CSRF on state-changing cookie requests, and keeps a
/// half-finished sign-in on its page.
pub async fn resolve(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let lang = i18n::resolve(&parts);
    let path = parts.uri.path().to_owned();
    let secure = is_https(&parts, &state.network);
    let mut caller = Caller { ip: client_ip(&parts, &state.network), https: secure, ..Caller::default() };

    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")).map(str::trim).map(str::to_owned));
    let mut pending_second_factor = false;
    let mut must_enrol_totp = false;
    // A request that changes nothing may be answered for a caller resolved a few seconds ago;
    // any other is checked against the database (identity::authenticate_session).
    let reads_only = matches!(parts.method, Method::GET | Method::HEAD);
    match bearer {
        Some(Some(token)) if !token.is_empty() => {
            match identity::authenticate_token(&state.services, &token, reads_only).await {
                Ok(Some(p)) => {
                    caller.principal = Some(p);
                    caller.via_token = true;
                }
                Ok(None) => {
                    return ApiError::service(&ServiceError::Unauthenticated, lang)
                        .with_code("invalid_token")
                        .into_response();
                }
                Err(e) => return ApiError::service(&e, lang).into_response(),
            }
        }
        Some(_) => {
            return ApiError::service(&ServiceError::Unauthenticated, lang).with_code("invalid_token").into_response();
        }
        None => {
            if let Some(token) = cookie(&parts, SESSION_COOKIE) {
                match identity::authenticate_session(&state.services, token, reads_only).await {
                    Ok(Some(s)) => {
                        pending_second_factor = s.second_factor_pending;
                        must_enrol_totp = s.must_enrol_totp;
                        caller.principal = Some(s.principal);
                        caller.session = Some(s.session_id);
                    }
                    Ok(None) => {}
                    Err(e) => return ApiError::service(&e, lang).into_response(),
                }
            }
        }
    }

    // The CSRF token: a signed-in session's is derived from its session token (bound to it);
    // before signing in it is the double-submit cookie's, or a new one.
    let existing = cookie(&parts, CSRF_COOKIE).filter(|t| t.len() >= 32).map(str::to_owned);
    let session_token = caller.session.and_then(|_| cookie(&parts, SESSION_COOKIE)).map(str::to_owned);
    let fresh = existing.is_none() && session_token.is_none();
    caller.csrf = match (&session_token, existing) {
        (Some(session), _) => sheji_service::crypto::csrf_token_for(session),
        (None, Some(t)) => t,
        (None, None) => sheji_service::crypto::random_token(32).unwrap_or_default(),
    };

    // The methods that change state; any other (TRACE, a made-up one) reaches the router, which
    // answers 405 for a method a route does not take.
    let unsafe_method = matches!(parts.method, Method::POST | Method::PUT | Method::PATCH | Method::DELETE);
    let mut body = body;
    // Cookies are what a forged cross-site request rides on: every state-changing page
    // request (the sign-in form included) and every API request made with the session cookie
    // must prove it came from our own page. Token and anonymous API calls carry no cookie.
    // The probes change nothing and take only GET: any other method gets its 405 from the router.
    let probe = path == "/healthz" || path == "/readyz";
    let needs_csrf =
        unsafe_method && !probe && !caller.via_token && (!is_api(&path) || cookie(&parts, SESSION_COOKIE).is_some());
    if needs_csrf {
        let header_token = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let is_form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        // A file upload (multipart) cannot put the token in a header from a plain form, so
        // it travels in the form's action URL.
        let is_multipart = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        let query_token = is_multipart
            .then(|| {
                parts.uri.query().and_then(|q| q.split('&').find_map(|p| p.strip_prefix("csrf=")).map(str::to_owned))
            })
            .flatten();
        let mut sent = header_token.or(query_token);
        if sent.is_none() && is_form {
            let Ok(bytes) = to_bytes(body, FORM_LIMIT).await else {
                return (StatusCode::PAYLOAD_TOO_LARGE, lang.t("error.too_large")).into_response();
            };
            sent = form_field(&bytes, "csrf");
            body = Body::from(bytes);
        }
        let valid = !fresh && sent.is_some_and(|s| bool::from(s.as_bytes().ct_eq(caller.csrf.as_bytes())));
        if !valid {
            let err = ServiceError::Invalid { key: "error.csrf", args: vec![] };
            return if is_api(&path) {
                ApiError::service(&err, lang).with_status(StatusCode::FORBIDDEN).with_code("csrf").into_response()
            } else {
                (StatusCode::FORBIDDEN, crate::error::simple_page(lang, StatusCode::FORBIDDEN, &err.message(lang)))
                    .into_response()
            };
        }
    }

    // Half-finished sign-ins may reach only the page that finishes them.
    if let Some(p) = &caller.principal
        && !caller.via_token
        && !path.starts_with("/static/")
        && path != "/logout"
    {
        let target = if pending_second_factor {
            Some("/login/totp")
        } else if p.must_change_password {
            Some("/account/password")
        } else if must_enrol_totp {
            Some("/account/totp")
        } else {
            None
        };
        if pending_second_factor {
            // Not signed in yet as far as every other page is concerned.
            caller.principal = None;
        }
        if let Some(target) = target
            && path != target
        {
            return if is_api(&path) {
                ApiError::service(&ServiceError::Unauthenticated, lang).into_response()
            } else {
                Redirect::to(target).into_response()
            };
        }
        if pending_second_factor {
            parts.extensions.insert(PendingSecondFactor);
        }
    }

    if let Some(p) = &caller.principal {
        let now = state.services.now();
        caller.allowed = Permission::ALL.into_iter().filter(|perm| p.can(*perm, now)).collect();
        if !is_api(&path) && parts.method == axum::http::Method::GET {
            // A failure to count leaves the header without counts; the page still opens.
            caller.attention = sheji_service::notification::attention(&state.services, p).await.ok();
        }
    }
    let csrf = caller.csrf.clone();
    parts.extensions.insert(caller);
    let mut response = next.run(Request::from_parts(parts, body)).await;
    if fresh && let Some(v) = set_cookie(CSRF_COOKIE, &csrf, None, secure) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    if secure && state.network.hsts {
        response
            .headers_mut()
            .insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    response
}

/// A session that passed the password and waits for its TOTP code.
#[derive(Debug, Clone, Copy)]
pub struct PendingSecondFactor;

fn form_field(body: &[u8], name: &str) -> Option<String> {
    std::str::from_utf8(body).ok()?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| v.to_owned())
    })
}

/// A signed-in caller, for pages: anyone else is sent to the sign-in page and back.
#[derive(Debug, Clone)]
pub struct PageUser(pub Principal, pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for PageUser {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let caller = parts.extensions.get::<Caller>().cloned().unwrap_or_default();
        match caller.principal.clone() {
            Some(p) => Ok(Self(p, caller)),
            None => {
                let next = parts.uri.path_and_query().map_or("/", |p| p.as_str());
                Err(Redirect::to(&format!("/login?next={}", crate::layout::encode(next))).into_response())
            }
        }
    }
}

/// A signed-in caller, for the API: anyone else gets 401 in the API's error shape.
#[derive(Debug, Clone)]
pub struct ApiUser(pub Principal, pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for ApiUser {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let caller = parts.extensions.get::<Caller>().cloned().unwrap_or_default();
        match caller.principal.clone() {
            Some(p) => Ok(Self(p, caller)),
            None => Err(ApiError::service(&ServiceError::Unauthenticated, i18n::resolve(parts))),
        }
    }
}
