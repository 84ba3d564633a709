//! The API documentation page, rendered on the server from the same OpenAPI document that
//! `/api/openapi.json` serves: no script, no CDN, always in step with the code.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{RefOr, Required};

use crate::error::render;
use crate::layout::{Chrome, Ctx};

/// One operation as the page lists it.
pub struct Endpoint {
    method: &'static str,
    path: String,
    anchor: String,
    summary: String,
    description: String,
    params: Vec<Param>,
    responses: Vec<ApiResponse>,
}

/// One documented response of an operation: its status and what it means.
pub struct ApiResponse {
    status: String,
    description: String,
}

/// One parameter of an operation.
pub struct Param {
    name: String,
    location: &'static str,
    required: bool,
    description: String,
}

fn endpoint(method: &'static str, path: &str, op: &Operation) -> Endpoint {
    let params = op
        .parameters
        .iter()
        .flatten()
        .map(|p| Param {
            name: p.name.clone(),
            location: match p.parameter_in {
                ParameterIn::Query => "query",
                ParameterIn::Path => "path",
                ParameterIn::Header => "header",
                ParameterIn::Cookie => "cookie",
            },
            required: matches!(p.required, Required::True),
            description: p.description.clone().unwrap_or_default(),
        })
        .collect();
    let responses = op
        .responses
        .responses
        .iter()
        .map(|(status, r)| {
            let text = match r {
                RefOr::T(r) => r.description.clone(),
                RefOr::Ref(r) => r.ref_location.clone(),
            };
            ApiResponse { status: status.clone(), description: text }
        })
        .collect();
    let description = op.description.clone().unwrap_or_default();
    Endpoint {
        method,
        path: path.to_owned(),
        anchor: format!("{}-{}", method.to_ascii_lowercase(), path.replace(['/', '{', '}'], "-")),
        summary: op.summary.clone().unwrap_or_else(|| description.clone()),
        description: if op.summary.is_some() { description } else { String::new() },
        params,
        responses,
    }
}

#[derive(Template)]
#[template(path = "platform/api_docs.html")]
struct ApiDocsPage {
    chrome: Chrome,
    version: String,
    endpoints: Vec<Endpoint>,
    error_example: &'static str,
}

pub async fn page(ctx: Ctx) -> Response {
    let doc = crate::api::openapi();
    let mut endpoints = Vec::new();
    for (path, item) in &doc.paths.paths {
        let ops = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ];
        for (method, op) in ops {
            if let Some(op) = op {
                endpoints.push(endpoint(method, path, op));
            }
        }
    }
    let page = ApiDocsPage {
        chrome: ctx.chrome("api.docs.title"),
        version: doc.info.version.clone(),
        endpoints,
        error_example: "{\"error\": {\"code\": \"not_found\", \"message\": \"…\", \"request_id\": \"…\"}}",
    };
    render(StatusCode::OK, &page)
}
