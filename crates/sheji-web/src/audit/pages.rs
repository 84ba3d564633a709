//! The audit trail page with its filters and its CSV export.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{NaiveDate, TimeZone};
use serde::Deserialize;
use serde_json::Value;
use sheji_core::i18n::{self, Lang, catalogue};
use sheji_core::page::PageRequest;
use sheji_service::ServiceError;
use sheji_service::audit::{self, AuditFilter, AuditRecord};

use crate::AppState;
use crate::auth::PageUser;
use crate::download::CsvOut;
use crate::error::{PageError, render};
use crate::layout::{Chrome, Ctx, Pager};

/// One row of the audit page, in the reader's language.
pub struct AuditRow {
    id: i32,
    time: String,
    actor: String,
    ip: String,
    /// What happened, named ("创建账号"); the stable code is kept for the title.
    action: String,
    action_code: String,
    /// The kind of record and its number ("单位 #42").
    target: String,
    /// The record's page, where there is one.
    target_href: Option<String>,
    /// Each changed field: "字段：旧值 → 新值".
    changes: Vec<String>,
}

/// A choice of the action or record-kind filter.
pub struct FilterChoice {
    value: String,
    label: String,
    /// A group of actions rather than one.
    group: bool,
}

#[derive(Template)]
#[template(path = "audit/audit.html")]
struct AuditPage {
    chrome: Chrome,
    rows: Vec<AuditRow>,
    count_line: String,
    export_href: String,
    filter_actor: String,
    filter_action: String,
    filter_target_type: String,
    filter_target_id: String,
    filter_from: String,
    filter_to: String,
    action_choices: Vec<FilterChoice>,
    type_choices: Vec<FilterChoice>,
    pager: Pager,
}

#[derive(Debug, Deserialize, Default, Clone)]
pub struct AuditQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    target_type: String,
    #[serde(default)]
    target_id: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    page: String,
}

fn day_start_ms(text: &str, plus_days: i64) -> Option<i64> {
    // Days are China Standard Time days.
    let day = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()?;
    let cst = chrono::FixedOffset::east_opt(8 * 3600)?;
    let start = cst.from_local_datetime(&day.and_hms_opt(0, 0, 0)?).single()?;
    Some((start + chrono::Duration::days(plus_days)).timestamp_millis())
}

fn audit_filter(q: &AuditQuery) -> AuditFilter {
    let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    AuditFilter {
        actor: some(&q.actor),
        action: some(&q.action),
        target_type: some(&q.target_type),
        target_id: some(&q.target_id),
        from_ms: day_start_ms(&q.from, 0),
        to_ms: day_start_ms(&q.to, 1),
    }
}

/// `key` in the reader's language, or `fallback` when the catalogue has no such message (a
/// record written by a newer or older version of the platform still reads).
fn named(lang: Lang, key: &str, fallback: &str) -> String {
    if catalogue::has(key) { lang.t(key).to_owned() } else { fallback.to_owned() }
}

fn action_name(lang: Lang, code: &str) -> String {
    named(lang, &format!("audit.action.{code}"), code)
}

fn type_name(lang: Lang, kind: &str) -> String {
    named(lang, &format!("audit.type.{kind}"), kind)
}

/// A changed field's name: the audit's own label, else the yearly figures' label, else the
/// field as stored.
fn field_name(lang: Lang, field: &str) -> String {
    let own = format!("audit.field.{field}");
    let figure = format!("indicator.{field}");
    if catalogue::has(&own) { lang.t(&own).to_owned() } else { named(lang, &figure, field) }
}

/// A code stored in a change, named where the platform has a name for it (a status, a kind,
/// a role, a library step).
fn code_name(lang: Lang, kind: &str, field: &str, code: &str) -> Option<String> {
    let key = match (kind, field) {
        (_, "library_status") => format!("library.status.{code}"),
        ("account", "status") => format!("status.{code}"),
        ("organization", "kind") => format!("org.kind.{code}"),
        ("organization", "action") => format!("library.action.{code}"),
        (_, "roles" | "role") => format!("role.{code}"),
        ("review_campaign", "status") => format!("review.status.{code}"),
        ("review_campaign", "mode") => format!("review.mode.{code}"),
        (_, "aggregation") => format!("review.aggregation.{code}"),
        ("review_objection", "status") => format!("review.objection.{code}"),
        ("review_assignment", "status") => format!("review.sheet.{code}"),
        ("recognition_batch", "status") => format!("recognition.batch_status.{code}"),
        ("recognition_batch", "kind") => format!("recognition.kind.{code}"),
        ("recognition_application", "status") => format!("recognition.status.{code}"),
        ("recognition", "standing") => format!("recognition.standing.{code}"),
        ("recognition_application", "action") => format!("recognition.action.{code}"),
        ("deal", "status") => format!("cooperation.status.{code}"),
        ("deal", "dispute_stage") => format!("cooperation.stage.{code}"),
        ("demand", "status") => format!("matchmaking.status.{code}"),
        ("offer", "status") => format!("matchmaking.offer_status.{code}"),
        ("event", "status") => format!("event.status.{code}"),
        ("event", "kind") => format!("event.kind.{code}"),
        _ => return None,
    };
    catalogue::has(&key).then(|| lang.t(&key).to_owned())
}

/// A stored value as a person reads it: yes/no, names for codes, lists joined, long text cut.
fn value_text(lang: Lang, kind: &str, field: &str, v: &Value) -> String {
    const LONG: usize = 120;
    match v {
        Value::Null => "—".to_owned(),
        Value::Bool(b) => lang.t(if *b { "audit.yes" } else { "audit.no" }).to_owned(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.is_empty() => lang.t("audit.empty_value").to_owned(),
        Value::String(s) => code_name(lang, kind, field, s).unwrap_or_else(|| {
            let mut out: String = s.chars().take(LONG).collect();
            if s.chars().count() > LONG {
                out.push('…');
            }
            out
        }),
        Value::Array(items) if items.is_empty() => lang.t("audit.empty_value").to_owned(),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(|i| value_text(lang, kind, field, i)).collect();
            parts.join(lang.t("audit.list_separator"))
        }
        Value::Object(_) => {
            let text = v.to_string();
            let mut out: String = text.chars().take(LONG).collect();
            if text.chars().count() > LONG {
                out.push('…');
            }
            out
        }
    }
}

/// The changed fields of a record, one line each: "字段：旧值 → 新值" (only what differs), "字段：值"
/// for a record created, nested objects (a year's figures) field by field.
fn change_lines(lang: Lang, kind: &str, before: &str, after: &str) -> Vec<String> {
    let parse = |s: &str| serde_json::from_str::<Value>(s).unwrap_or_else(|_| Value::String(s.to_owned()));
    let mut out = Vec::new();
    diff(lang, kind, "", &parse(before), &parse(after), &mut out);
    out
}

fn diff(lang: Lang, kind: &str, prefix: &str, before: &Value, after: &Value, out: &mut Vec<String>) {
    let label = |field: &str| {
        let name = field_name(lang, field);
        if prefix.is_empty() { name } else { format!("{prefix} · {name}") }
    };
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            let fields = a.keys().chain(b.keys().filter(|k| !a.contains_key(*k)));
            for field in fields {
                let old = b.get(field).unwrap_or(&Value::Null);
                let new = a.get(field).unwrap_or(&Value::Null);
                if old == new {
                    continue;
                }
                if new.is_object() && (old.is_object() || old.is_null()) {
                    // A nested record (a year's figures, a role) reads field by field.
                    let none = Value::Object(serde_json::Map::new());
                    diff(lang, kind, &label(field), if old.is_null() { &none } else { old }, new, out);
                } else if b.contains_key(field) {
                    out.push(lang.tf(
                        "audit.change_line",
                        &[
                            ("field", &label(field)),
                            ("old", &value_text(lang, kind, field, old)),
                            ("new", &value_text(lang, kind, field, new)),
                        ],
                    ));
                } else if !new.is_null() {
                    out.push(lang.tf(
                        "audit.set_line",
                        &[("field", &label(field)), ("value", &value_text(lang, kind, field, new))],
                    ));
                }
            }
        }
        (Value::Null, Value::Object(_)) => diff(lang, kind, prefix, &Value::Object(Default::default()), after, out),
        (Value::Object(_), Value::Null) => {
            out.push(lang.t("audit.removed").to_owned());
        }
        (Value::Null, Value::Null) => {}
        (old, new) => out.push(lang.tf(
            "audit.change_line",
            &[
                ("field", lang.t("audit.change")),
                ("old", &value_text(lang, kind, "", old)),
                ("new", &value_text(lang, kind, "", new)),
            ],
        )),
    }
}

/// The page of a record an audit entry points at, where one exists.
fn target_href(kind: &str, id: &str) -> Option<String> {
    let id: i64 = id.parse().ok()?;
    let base = match kind {
        "account" => "/admin/accounts",
        "organization" => "/admin/organizations",
        "recognition_batch" => "/admin/recognition",
        "recognition_application" => "/recognition/applications",
        "review_campaign" => "/admin/reviews",
        "expert" => "/admin/experts",
        "deal" => "/deals",
        "demand" => "/demands",
        "offer" => "/offers",
        "event" => "/events",
        "matchmaking_guide" => "/guides",
        _ => return None,
    };
    Some(format!("{base}/{id}"))
}

fn audit_row(lang: Lang, r: &AuditRecord) -> AuditRow {
    AuditRow {
        id: r.id.get(),
        time: audit_time(r),
        actor: r.actor_name.clone(),
        ip: r.ip.clone(),
        action: action_name(lang, &r.action),
        action_code: r.action.clone(),
        target: if r.target_id.is_empty() {
            type_name(lang, &r.target_type)
        } else {
            format!("{} #{}", type_name(lang, &r.target_type), r.target_id)
        },
        target_href: target_href(&r.target_type, &r.target_id),
        changes: change_lines(lang, &r.target_type, &r.before, &r.after),
    }
}

/// The action filter's choices: each group (all its actions), then each action under it; an
/// action that is a group of its own (`logout`) once.
fn action_choices(lang: Lang) -> Vec<FilterChoice> {
    let mut out = Vec::new();
    for group in sheji_core::audit::groups() {
        let members: Vec<&str> =
            sheji_core::audit::ACTIONS.iter().copied().filter(|a| sheji_core::audit::group(a) == group).collect();
        if members == [group] {
            out.push(FilterChoice { value: group.to_owned(), label: action_name(lang, group), group: true });
            continue;
        }
        out.push(FilterChoice {
            value: format!("{group}."),
            label: named(lang, &format!("audit.group.{group}"), group),
            group: true,
        });
        out.extend(members.into_iter().map(|a| FilterChoice {
            value: a.to_owned(),
            label: action_name(lang, a),
            group: false,
        }));
    }
    out
}

fn type_choices(lang: Lang) -> Vec<FilterChoice> {
    sheji_core::audit::TARGET_TYPES
        .iter()
        .map(|t| FilterChoice { value: (*t).to_owned(), label: type_name(lang, t), group: false })
        .collect()
}

fn audit_time(r: &AuditRecord) -> String {
    chrono::DateTime::from_timestamp_millis(r.at_ms).map(i18n::datetime).unwrap_or_default()
}

pub async fn audit_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let chrome = ctx.chrome("nav.audit").crumb("nav.system", None);
    let filter = audit_filter(&q);
    let page = match audit::list(&state.services, &p, &filter, PageRequest::new(q.page.parse().ok(), None)).await {
        Ok(page) => page,
        Err(ServiceError::Forbidden) => return Err(PageError::forbidden(chrome)),
        Err(e) => return Err(PageError::service(&e, chrome)),
    };
    let query = ctx.uri.query().unwrap_or_default();
    let view = AuditPage {
        count_line: ctx.lang.tf("audit.count", &[("n", &i18n::count(page.total))]),
        export_href: format!("/admin/audit/export.csv?{query}"),
        pager: chrome.pager(&page),
        rows: page.items.iter().map(|r| audit_row(ctx.lang, r)).collect(),
        action_choices: action_choices(ctx.lang),
        type_choices: type_choices(ctx.lang),
        filter_actor: q.actor,
        filter_action: q.action,
        filter_target_type: q.target_type,
        filter_target_id: q.target_id,
        filter_from: q.from,
        filter_to: q.to,
        chrome,
    };
    Ok(render(StatusCode::OK, &view))
}

pub async fn audit_export(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let filter = audit_filter(&q);
    let mut out = CsvOut::new(
        ctx.lang,
        &[
            "audit.id",
            "audit.time",
            "audit.actor",
            "audit.ip",
            "audit.action",
            "audit.action_code",
            "audit.target_type",
            "audit.target_id",
            "audit.change",
            "audit.before",
            "audit.after",
        ],
    );
    let lang = ctx.lang;
    let result = audit::export(&state.services, &p, &filter, |r| {
        let cells = [
            r.id.to_string(),
            audit_time(r),
            r.actor_name.clone(),
            r.ip.clone(),
            action_name(lang, &r.action),
            r.action.clone(),
            type_name(lang, &r.target_type),
            r.target_id.clone(),
            change_lines(lang, &r.target_type, &r.before, &r.after).join("\n"),
            r.before.clone(),
            r.after.clone(),
        ];
        out.row(&cells);
    })
    .await;
    match result {
        Ok(_) => Ok(out.into_response("audit.csv")),
        Err(ServiceError::Forbidden) => Err(PageError::forbidden(ctx.chrome("nav.audit"))),
        Err(e) => Err(PageError::service(&e, ctx.chrome("nav.audit"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_reads_field_by_field_in_the_reader_s_language() {
        let lines = change_lines(Lang::Zh, "account", r#"{"status":"pending"}"#, r#"{"status":"active","reason":""}"#);
        // Fields in the order of their stored names.
        assert_eq!(lines, vec!["理由：（空）".to_owned(), "状态：待审核 → 正常".to_owned()]);
        // A record created: its fields, nested ones field by field, empty ones left out.
        let created = change_lines(
            Lang::En,
            "account",
            "null",
            r#"{"affiliation":{"role":"expert","district":null},"username":"li"}"#,
        );
        assert_eq!(created, vec!["Role · Role: Expert".to_owned(), "Username: li".to_owned()]);
        // Unchanged fields are not listed; a year's figures show only what moved.
        let figures = change_lines(
            Lang::Zh,
            "organization",
            r#"{"year":2025,"figures":{"revenue":100.0,"awards":1}}"#,
            r#"{"year":2025,"figures":{"revenue":120.0,"awards":1}}"#,
        );
        assert_eq!(figures, vec!["年度指标 · 营业收入：100.0 → 120.0".to_owned()]);
        // What is not JSON still shows.
        assert_eq!(change_lines(Lang::En, "setting", "", "plain").len(), 1);
    }
}
