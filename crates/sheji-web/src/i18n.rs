//! Which language a request wants: `?lang=` first, then the `lang` cookie, then
//! Accept-Language, then Chinese.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use sheji_core::i18n::Lang;

/// The cookie that remembers an explicit choice.
pub const COOKIE: &str = "lang";

/// The language named by a `lang=` query parameter, if any.
pub fn lang_from_query(query: Option<&str>) -> Option<Lang> {
    query?.split('&').find_map(|pair| pair.strip_prefix("lang=")).and_then(Lang::from_tag)
}

fn lang_from_cookie(parts: &Parts) -> Option<Lang> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix("lang="))
        .and_then(Lang::from_tag)
}

/// Resolves the language of a request.
pub fn resolve(parts: &Parts) -> Lang {
    lang_from_query(parts.uri.query())
        .or_else(|| lang_from_cookie(parts))
        .or_else(|| {
            parts
                .headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

/// Extractor for the request's language.
#[derive(Debug, Clone, Copy)]
pub struct ReqLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for ReqLang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(resolve(parts)))
    }
}
