//! The JSON API under `/api/v1`. Handlers are registered through `utoipa_axum`, so the router
//! and the OpenAPI document come from the same code and cannot drift apart.

use std::sync::OnceLock;

use axum::Json;
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use axum::response::IntoResponse;
use axum::routing::get;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sheji_core::i18n::Lang;
use sheji_core::page::{MAX_PAGE, MAX_PER_PAGE, Page, PageRangeError, PageRequest};
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use crate::error::ApiError;
use crate::{AppState, i18n};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Sheji API",
        description = "重庆市工业设计公共服务平台 JSON 接口。The JSON API of the Chongqing industrial-design public service platform.",
    ),
    tags(
        (name = "platform", description = "健康检查 · Health probes"),
        (name = "reference", description = "参考数据：区县、产业集群 · Reference data: districts, clusters"),
        (name = "registry", description = "企业与机构 · Organizations"),
        (name = "identity", description = "账号与权限 · Accounts and access"),
        (name = "audit", description = "审计日志 · Audit trail"),
        (name = "search", description = "全平台检索 · Search across the platform"),
        (name = "review", description = "专家评审 · Expert review"),
        (name = "recognition", description = "梯度培育与认定 · Recognition ladder"),
    ),
    components(schemas(crate::error::ErrorBody)),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

/// Declares the `bearer` security scheme the protected operations name.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// Every API route with its documentation.
pub fn router() -> OpenApiRouter<AppState> {
    crate::capability::api(OpenApiRouter::with_openapi(ApiDoc::openapi())).route("/api/openapi.json", get(openapi_json))
}

/// The OpenAPI 3.1 document of this build, computed once.
pub fn openapi() -> &'static OpenApiDoc {
    static DOC: OnceLock<OpenApiDoc> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = router().split_for_parts().1;
        doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
        standard_responses(&mut doc);
        doc
    })
}

/// Documents the statuses any operation can answer besides its own, so a client (and a
/// contract test) sees every status it may get: 400 for a malformed request (a parameter out
/// of range, a control character anywhere), 500 and 503 for our faults, 401 and 403 where a
/// caller is needed, 404 where a path names a record, 409 and 413 for writes.
fn standard_responses(doc: &mut OpenApiDoc) {
    use utoipa::openapi::content::ContentBuilder;
    use utoipa::openapi::{Ref, RefOr, ResponseBuilder};
    let error = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build(),
                )
                .build(),
        )
    };
    for (path, item) in &mut doc.paths.paths {
        let names_a_record = path.contains('{');
        let ops = [
            (&mut item.get, false),
            (&mut item.post, true),
            (&mut item.put, true),
            (&mut item.patch, true),
            (&mut item.delete, true),
        ];
        for (op, write) in ops {
            let Some(op) = op.as_mut() else { continue };
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            let mut add = |code: &str, description: &str| {
                op.responses.responses.entry(code.to_owned()).or_insert_with(|| error(description));
            };
            add(
                "400",
                "The request is malformed: a parameter out of range or of the wrong type, or text holding control characters.",
            );
            add("500", "A fault on the server; the body names the request id to report.");
            add("503", "The database cannot be reached right now.");
            if secured {
                add("401", "Not signed in, or the token is unknown, revoked or expired.");
                add("403", "The caller may not use this function.");
            }
            if names_a_record {
                add("404", "No such record, or not one the caller may see.");
            }
            if write {
                add(
                    "409",
                    "The change clashes with the current state (someone changed it first, or it exists already).",
                );
                add("413", "The body is too large.");
            }
        }
    }
}

async fn openapi_json() -> impl IntoResponse {
    Json(openapi())
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paged<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// The 1-based page number.
    pub page: u64,
    /// Rows per page (at most 200).
    pub per_page: u64,
    /// Rows in the whole filtered list.
    pub total: u64,
}

impl<T> Paged<T> {
    pub(crate) fn from_page<U>(page: Page<U>, f: impl FnMut(U) -> T) -> Self {
        let page = page.map(f);
        Self { items: page.items, page: page.page, per_page: page.per_page, total: page.total }
    }
}

/// The page a client asked for, or a 400 that says which bound it broke.
pub fn page_request(page: Option<u64>, per_page: Option<u64>, lang: Lang) -> Result<PageRequest, ApiError> {
    PageRequest::checked(page, per_page).map_err(|e| {
        let (key, max) = match e {
            PageRangeError::Page => ("error.page_range", MAX_PAGE),
            PageRangeError::PerPage => ("error.per_page_range", MAX_PER_PAGE),
        };
        ApiError::invalid(lang.tf(key, &[("max", &max.to_string())]))
    })
}

/// Query parameters whose parse errors come back in the API's error shape.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let lang = i18n::resolve(parts);
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(q)| Self(q))
            .map_err(|e| ApiError::bad_request(&e.body_text(), lang))
    }
}

/// Path parameters whose parse errors come back in the API's error shape.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let lang = i18n::resolve(parts);
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(p)| Self(p))
            .map_err(|e| ApiError::bad_request(&e.body_text(), lang))
    }
}
