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
        (name = "matchmaking", description = "供需对接：需求、供给与推荐 · Matchmaking: demands, offers and matches"),
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
        constrain_inputs(&mut doc);
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

/// One line of text as every single-line field takes it: no control or bidirectional
/// characters (see `sheji_core::text`), as an ECMA-262 pattern.
const LINE_PATTERN: &str = "^[^\\u0000-\\u001F\\u007F-\\u009F\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069]*$";
/// Long text: the same, with tabs and line breaks.
const TEXT_PATTERN: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069]*$";
/// Fields that hold long text (line breaks allowed).
const LONG_TEXT: &[&str] = &["description", "statement", "comment", "comments", "reason", "evidence"];

/// The values a coded query parameter or field takes, from the core's own lists, so the
/// document says what the handlers accept.
fn codes(name: &str) -> Option<Vec<&'static str>> {
    use sheji_core::{identity, recognition, reference, registry};
    Some(match name {
        "org_kind" => registry::OrgKind::ALL.iter().map(|k| k.code()).collect(),
        "district_kind" => reference::DistrictKind::ALL.iter().map(|k| k.code()).collect(),
        "district_status" => reference::DistrictStatus::ALL.iter().map(|k| k.code()).collect(),
        "account_status" => identity::AccountStatus::ALL.iter().map(|k| k.code()).collect(),
        "role" => identity::Role::ALL.iter().map(|k| k.code()).collect(),
        "recognition_kind" => recognition::Kind::ALL.iter().map(|k| k.code()).collect(),
        "library_action" => [
            registry::LibraryAction::Propose,
            registry::LibraryAction::Admit,
            registry::LibraryAction::Return,
            registry::LibraryAction::Remove,
        ]
        .iter()
        .map(|a| a.code())
        .collect(),
        "plan_mode" => vec!["optimal", "random"],
        _ => return None,
    })
}

/// Which list of codes a parameter of a path takes.
fn parameter_codes(path: &str, name: &str) -> Option<Vec<&'static str>> {
    let list = match (path, name) {
        ("/api/v1/organizations" | "/api/v1/staff/organizations", "kind") => "org_kind",
        ("/api/v1/districts", "kind") => "district_kind",
        ("/api/v1/districts", "status") => "district_status",
        ("/api/v1/accounts", "status") => "account_status",
        ("/api/v1/accounts", "role") => "role",
        ("/api/v1/recognitions", "kind") => "recognition_kind",
        (_, "mode") if path.ends_with("/plan") => "plan_mode",
        _ => return None,
    };
    codes(list)
}

/// Writes into the document the bounds the handlers enforce, so what a client generates from
/// it is accepted: page numbers and sizes, coded values as enums, and text without control
/// characters (single-line unless the field holds long text).
fn constrain_inputs(doc: &mut OpenApiDoc) {
    use utoipa::openapi::schema::{Schema, SchemaType, Type};
    use utoipa::openapi::{RefOr, path::Parameter};
    fn is_string(t: &SchemaType) -> bool {
        match t {
            SchemaType::Type(t) => *t == Type::String,
            SchemaType::Array(ts) => ts.contains(&Type::String),
            SchemaType::AnyValue => false,
        }
    }
    fn constrain(schema: &mut RefOr<Schema>, name: &str) {
        match schema {
            RefOr::T(Schema::Object(o)) => {
                if is_string(&o.schema_type) && o.pattern.is_none() && o.enum_values.is_none() {
                    let pattern = if LONG_TEXT.contains(&name) { TEXT_PATTERN } else { LINE_PATTERN };
                    o.pattern = Some(pattern.to_owned());
                }
                for (key, value) in o.properties.iter_mut() {
                    constrain(value, key);
                }
            }
            RefOr::T(Schema::Array(a)) => {
                if let utoipa::openapi::schema::ArrayItems::RefOrSchema(item) = &mut a.items {
                    constrain(item, name);
                }
            }
            RefOr::T(Schema::OneOf(o)) => o.items.iter_mut().for_each(|i| constrain(i, name)),
            RefOr::T(Schema::AllOf(o)) => o.items.iter_mut().for_each(|i| constrain(i, name)),
            _ => {}
        }
    }
    fn parameter(path: &str, p: &mut Parameter) {
        let Some(RefOr::T(Schema::Object(o))) = p.schema.as_mut() else { return };
        match p.name.as_str() {
            "page" => {
                o.minimum = Some(1.into());
                o.maximum = Some(usize::try_from(MAX_PAGE).unwrap_or(usize::MAX).into());
            }
            "per_page" => {
                o.minimum = Some(1.into());
                o.maximum = Some(usize::try_from(MAX_PER_PAGE).unwrap_or(usize::MAX).into());
            }
            // Matchmaking amounts are in 万元, from nothing to 10 亿元.
            "budget" => {
                o.minimum = Some(0.into());
                o.maximum = Some(100_000.into());
            }
            // Matches per request.
            "limit" if path == "/api/v1/demands/{id}/matches" => {
                o.minimum = Some(1.into());
                o.maximum = Some(sheji_service::matchmaking::MAX_MATCHES.into());
            }
            // Cluster tiers run from 1 (the three pillars) to 4 (the eighteen clusters).
            "tier" => {
                o.minimum = Some(1.into());
                o.maximum = Some(4.into());
            }
            // A district's administrative code: six digits (empty: any).
            "code" if path == "/api/v1/districts" => o.pattern = Some("^([0-9]{6})?$".to_owned()),
            name => {
                if let Some(values) = parameter_codes(path, name) {
                    o.enum_values = Some(values.into_iter().map(serde_json::Value::from).collect());
                } else if is_string(&o.schema_type) && o.pattern.is_none() {
                    o.pattern = Some(LINE_PATTERN.to_owned());
                }
            }
        }
    }
    for (path, item) in &mut doc.paths.paths {
        for op in
            [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten()
        {
            for p in op.parameters.iter_mut().flatten() {
                parameter(path, p);
            }
        }
    }
    if let Some(components) = doc.components.as_mut() {
        for (name, schema) in components.schemas.iter_mut() {
            if let (Some(list), RefOr::T(Schema::Object(o))) = (request_codes(name), &mut *schema) {
                for (field, values) in list {
                    if let Some(RefOr::T(Schema::Object(f))) = o.properties.get_mut(field) {
                        f.enum_values = Some(values.into_iter().map(serde_json::Value::from).collect());
                    }
                }
            }
            constrain(schema, name);
        }
    }
}

/// Whether `name` is a field of some request body the API documents (what its handlers read).
pub fn is_request_field(name: &str) -> bool {
    static FIELDS: OnceLock<std::collections::HashSet<String>> = OnceLock::new();
    FIELDS
        .get_or_init(|| {
            use utoipa::openapi::RefOr;
            use utoipa::openapi::schema::Schema;
            let mut fields = std::collections::HashSet::new();
            if let Some(components) = openapi().components.as_ref() {
                for (name, schema) in &components.schemas {
                    if let (true, RefOr::T(Schema::Object(o))) = (name.ends_with("Request"), schema) {
                        fields.extend(o.properties.keys().cloned());
                    }
                }
            }
            fields
        })
        .contains(name)
}

/// The coded fields of request bodies.
fn request_codes(schema: &str) -> Option<Vec<(&'static str, Vec<&'static str>)>> {
    match schema {
        "OrgRequest" => Some(vec![("kind", codes("org_kind")?)]),
        "LibraryActionRequest" => Some(vec![("action", codes("library_action")?)]),
        _ => None,
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

/// An integer as JSON may write it: `3` or `3.0` (JSON Schema counts both as integers, and so
/// do the clients generated from the document).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Whole(pub i32);

impl<'de> serde::Deserialize<'de> for Whole {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = serde_json::Number::deserialize(d)?;
        n.as_i64()
            .and_then(|i| i32::try_from(i).ok())
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && *f >= f64::from(i32::MIN) && *f <= f64::from(i32::MAX))
                    .map(|f| f as i32)
            })
            .map(Whole)
            .ok_or_else(|| serde::de::Error::custom("a whole number from -2147483648 to 2147483647"))
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
