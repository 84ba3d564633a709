//! The recognition ladder's official documents: the certificate, the application as
//! submitted (申报书) with the digest that ties paper to record, the district's
//! recommendation letter (推荐函) and a batch's final list. Each is a [`Paper`] the web layer
//! prints as PDF or shows as a print view; who may have one is decided here.

use serde_json::{Value, json};
use sheji_core::document::{digest, digest_matches, grouped};
use sheji_core::i18n::Lang;
use sheji_core::identity::Principal;
use sheji_core::page::PageRequest;
use sheji_core::recognition::{Action, Snapshot};
use sheji_store::recognition::{self as store, RecognitionFilter};

use super::{ApplicationView, figure_lines, kind_name, load_batch, view};
use crate::document::{Layout, Line, Paper, Printable, Section, Table};
use crate::{FieldError, ServiceError, Services};

/// A final list holds at most this many recognitions (a batch grants tens; the cap keeps a
/// document from growing without bound).
const LIST_LIMIT: u64 = 2_000;

/// The content an application's digest covers: what the applicant submitted, when, and for
/// which batch. A resubmission after a return changes the time and so the digest.
fn submitted_content(v: &ApplicationView) -> Option<Value> {
    let a = &v.application;
    let at = a.submitted_at?;
    let figures: Value = serde_json::from_str(&a.form.figures).unwrap_or(Value::Null);
    Some(json!({
        "application": a.id,
        "batch": a.batch,
        "organization": a.organization.get(),
        "submitted_at": at.timestamp(),
        "description": a.form.description,
        "figures": figures,
        "incident_free": a.form.incident_free,
        "credit_ok": a.form.credit_ok,
        "statement_signed": a.form.statement_signed,
    }))
}

/// The address printed (and encoded in the QR code) on every page of an application.
async fn verify_address(services: &Services, id: i32, digest: &str) -> Result<String, ServiceError> {
    crate::identity::absolute_url(services, &format!("/verify/application?no={id}&digest={digest}")).await
}

/// The application as submitted (申报书), for whoever may open the application; refused
/// until it has been submitted.
pub async fn application_paper(
    services: &Services,
    caller: &Principal,
    id: i32,
    lang: Lang,
) -> Result<Printable, ServiceError> {
    let v = view(services, caller, id).await?;
    if v.expert.is_some() {
        return Err(ServiceError::NotFound { key: "recognition.no_application" });
    }
    let content = submitted_content(&v).ok_or(ServiceError::Conflict { key: "recognition.not_submitted_yet" })?;
    let digest = digest(&content);
    let org = crate::registry::get(services, Some(caller), v.application.organization).await?;
    let a = &v.application;
    let mut p = Paper::new(Layout::Letter, lang, format!("application-{id}"));
    p.issuer = crate::document::issuer(services, lang).await?;
    p.title = lang.t("recognition.doc.application_title").to_owned();
    p.subtitle = format!("{} · {}", v.batch.fields.name, kind_name(lang, v.batch.fields.kind));
    p.lines = vec![
        Line::new(lang.t("recognition.doc.application_no"), id.to_string()),
        Line::new(lang.t("recognition.doc.applicant"), v.organization.clone()),
        Line::new(lang.t("recognition.doc.uscc"), org.public.uscc.clone()),
        Line::new(lang.t("recognition.doc.district"), org.public.district_name.clone()),
        Line::new(
            lang.t("recognition.doc.submitted_at"),
            a.submitted_at.map(sheji_core::i18n::datetime).unwrap_or_default(),
        ),
    ];
    let figures = figure_lines(lang, Snapshot::parse(&a.form.figures).as_ref());
    if !figures.is_empty() {
        p.lines.extend(figures);
    }
    let yes_no = |b: bool| lang.t(if b { "recognition.doc.yes" } else { "recognition.doc.no" });
    p.lines.push(Line::new(lang.t("recognition.doc.incident_free"), yes_no(a.form.incident_free)));
    p.lines.push(Line::new(lang.t("recognition.doc.credit_ok"), yes_no(a.form.credit_ok)));
    p.lines.push(Line::new(lang.t("recognition.doc.statement_signed"), yes_no(a.form.statement_signed)));
    p.sections = vec![Section {
        heading: lang.t("recognition.doc.description").to_owned(),
        text: if a.form.description.trim().is_empty() { "—".to_owned() } else { a.form.description.clone() },
    }];
    p.footer = lang.tf("recognition.doc.application_footer", &[("no", &id.to_string()), ("digest", &grouped(&digest))]);
    p.verify_url = Some(verify_address(services, id, &digest).await?);
    p.verify_label = lang.t("recognition.doc.scan_to_verify").to_owned();
    Printable::new(services, p, false).await
}

/// What checking a paper application against the record found.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The number and digest match the latest submission.
    pub matches: bool,
    /// The applicant, batch, tier and submission time (only when it matches: the paper's
    /// holder learns nothing else).
    pub lines: Vec<Line>,
}

/// Checks a paper application's number and digest (public: knowing both means holding the
/// paper). Any mismatch, including an unknown number, reads the same.
pub async fn verify_application(
    services: &Services,
    typed_no: &str,
    typed_digest: &str,
    lang: Lang,
) -> Result<Verified, ServiceError> {
    let no = typed_no.trim().parse::<i32>().ok().filter(|n| *n > 0);
    let typed = sheji_core::document::parse_digest(typed_digest);
    let mut wrong = Vec::new();
    if no.is_none() {
        wrong.push(FieldError::new("no", "document.verify_no_invalid"));
    }
    if typed.is_none() {
        wrong.push(FieldError::new("digest", "document.verify_digest_invalid"));
    }
    let (Some(id), Some(typed_digest)) = (no, typed) else { return Err(ServiceError::Fields(wrong)) };
    let none = Verified { matches: false, lines: Vec::new() };
    let Some(app) = store::get_application(services.store(), id).await? else { return Ok(none) };
    let batch = load_batch(services, app.batch).await?;
    let org = crate::registry::get(services, None, app.organization).await?;
    let v = ApplicationView {
        organization: org.public.name.clone(),
        batch,
        application: app,
        checklist: Vec::new(),
        events: Vec::new(),
        actions: Vec::new(),
        editable: false,
        quota: (0, None),
        files: Vec::new(),
        can_inspect: false,
        expert: None,
        figures: None,
        drift: Vec::new(),
    };
    let Some(content) = submitted_content(&v) else { return Ok(none) };
    if !digest_matches(&typed_digest, &digest(&content)) {
        return Ok(none);
    }
    Ok(Verified {
        matches: true,
        lines: vec![
            Line::new(lang.t("recognition.doc.applicant"), v.organization.clone()),
            Line::new(lang.t("recognition.batch"), v.batch.fields.name.clone()),
            Line::new(lang.t("recognition.kind"), kind_name(lang, v.batch.fields.kind)),
            Line::new(
                lang.t("document.verify_submitted"),
                v.application.submitted_at.map(sheji_core::i18n::datetime).unwrap_or_default(),
            ),
        ],
    })
}

/// The district's recommendation letter (推荐函), once the district has recommended the
/// application; for whoever may open the application.
pub async fn letter_paper(
    services: &Services,
    caller: &Principal,
    id: i32,
    lang: Lang,
) -> Result<Printable, ServiceError> {
    let v = view(services, caller, id).await?;
    if v.expert.is_some() {
        return Err(ServiceError::NotFound { key: "recognition.no_application" });
    }
    let recommended = v
        .events
        .iter()
        .rev()
        .find(|e| e.action == Action::Recommend.code())
        .ok_or(ServiceError::Conflict { key: "recognition.not_recommended" })?;
    let org = crate::registry::get(services, Some(caller), v.application.organization).await?;
    let district = org.public.district_name.clone();
    let kind = kind_name(lang, v.batch.fields.kind);
    let mut p = Paper::new(Layout::Letter, lang, format!("recommendation-{id}"));
    p.issuer = lang.tf("recognition.doc.district_body", &[("district", &district)]);
    p.title = lang.tf("recognition.doc.letter_title", &[("organization", &v.organization), ("kind", &kind)]);
    p.addressee = lang.tf("recognition.doc.letter_to", &[("issuer", &crate::document::issuer(services, lang).await?)]);
    p.paragraphs = vec![lang.tf(
        "recognition.doc.letter_body",
        &[
            ("batch", &v.batch.fields.name),
            ("district", &district),
            ("organization", &v.organization),
            ("uscc", &org.public.uscc),
            ("kind", &kind),
        ],
    )];
    if !recommended.comment.trim().is_empty() {
        p.paragraphs.push(lang.tf("recognition.doc.letter_opinion", &[("comment", recommended.comment.trim())]));
    }
    if let Some(q) = v.quota.1 {
        p.paragraphs.push(
            lang.tf("recognition.doc.letter_quota", &[("used", &v.quota.0.to_string()), ("quota", &q.to_string())]),
        );
    }
    p.closing = vec![lang.tf("recognition.doc.letter_contact", &[("name", &recommended.actor)])];
    p.signer = p.issuer.clone();
    p.date = lang.long_date(sheji_core::clock::beijing_date(recommended.at));
    Printable::new(services, p, false).await
}

/// The documents an application has for someone who may open it: the application as
/// submitted once it has been, and the recommendation letter once the district recommended.
pub fn application_documents(v: &ApplicationView) -> Vec<&'static str> {
    sheji_core::recognition::application_documents(
        v.application.submitted_at.is_some(),
        v.events.iter().any(|e| e.action == Action::Recommend.code()),
        v.expert.is_some(),
    )
}

/// Whether the caller (if signed in) may print this certificate; the page offers it then.
pub async fn may_print(
    services: &Services,
    caller: Option<&Principal>,
    c: &super::Certificate,
) -> Result<bool, ServiceError> {
    let Some(caller) = caller else { return Ok(false) };
    let org = crate::registry::get(services, Some(caller), c.recognition.organization).await?;
    let roles = super::roles_toward(services, caller, c.recognition.organization, org.public.district_id);
    Ok(sheji_core::recognition::may_print_certificate(&roles))
}

/// Whether a batch has its final list.
pub fn has_final_list(b: &super::Batch) -> bool {
    b.status.has_final_list()
}

/// The certificate, stamped with the issuer's seal when one is set; 404 for anyone who may
/// not print it (the verification page stays public).
pub async fn certificate_paper(
    services: &Services,
    caller: &Principal,
    number: &str,
    lang: Lang,
) -> Result<Printable, ServiceError> {
    let c = super::certificate(services, number).await?;
    let r = &c.recognition;
    let org = crate::registry::get(services, Some(caller), r.organization).await?;
    if !sheji_core::recognition::may_print_certificate(&super::roles_toward(
        services,
        caller,
        r.organization,
        org.public.district_id,
    )) {
        return Err(ServiceError::NotFound { key: "recognition.no_certificate" });
    }
    let issuer = crate::document::issuer(services, lang).await?;
    let kind = kind_name(lang, r.kind);
    let mut p = Paper::new(Layout::Certificate, lang, format!("certificate-{}", r.certificate));
    p.issuer = issuer.clone();
    p.title = lang.t("recognition.doc.certificate_title").to_owned();
    p.subtitle = lang.tf("recognition.doc.certificate_no", &[("number", &r.certificate)]);
    p.paragraphs = vec![c.organization.clone(), lang.tf("recognition.doc.certificate_body", &[("kind", &kind)])];
    p.lines = vec![
        Line::new(lang.t("recognition.doc.uscc"), org.public.uscc.clone()),
        Line::new(lang.t("recognition.granted_on"), lang.long_date(r.granted_on)),
        Line::new(lang.t("recognition.valid_until"), lang.long_date(r.valid_until)),
    ];
    p.signer = issuer;
    p.date = lang.long_date(r.granted_on);
    p.verify_url = Some(crate::identity::absolute_url(services, &format!("/certificates/{}", r.certificate)).await?);
    p.verify_label = lang.t("recognition.doc.scan_certificate").to_owned();
    Printable::new(services, p, true).await
}

/// A concluded batch's final list of recognitions (public, like the register), stamped.
pub async fn final_list_paper(services: &Services, batch: i32, lang: Lang) -> Result<Printable, ServiceError> {
    let b = load_batch(services, batch).await?;
    if !has_final_list(&b) {
        return Err(ServiceError::Conflict { key: "recognition.list_not_final" });
    }
    let filter = RecognitionFilter { batch: Some(batch), ..RecognitionFilter::default() };
    let mut items = Vec::new();
    for n in 1..=LIST_LIMIT.div_ceil(sheji_core::page::MAX_PER_PAGE) {
        let page = store::list_recognitions(
            services.store(),
            &filter,
            PageRequest::new(Some(n), Some(sheji_core::page::MAX_PER_PAGE)),
        )
        .await?;
        let last = page.items.len() < usize::try_from(sheji_core::page::MAX_PER_PAGE).unwrap_or(usize::MAX);
        items.extend(page.items);
        if last {
            break;
        }
    }
    let mut rows = Vec::new();
    for (i, r) in items.iter().enumerate() {
        let o = crate::registry::get(services, None, r.organization).await?;
        rows.push(vec![
            (i + 1).to_string(),
            o.public.name.clone(),
            o.public.uscc.clone(),
            o.public.district_name.clone(),
            r.certificate.clone(),
            lang.long_date(r.valid_until),
        ]);
    }
    let issuer = crate::document::issuer(services, lang).await?;
    let mut p = Paper::new(Layout::Letter, lang, format!("final-list-{batch}"));
    p.issuer = issuer.clone();
    p.title = lang.tf("recognition.doc.list_title", &[("batch", &b.fields.name)]);
    p.subtitle = kind_name(lang, b.fields.kind);
    p.paragraphs = vec![lang.tf("recognition.doc.list_intro", &[("count", &items.len().to_string())])];
    p.table = Some(Table {
        headers: [
            "recognition.doc.col_no",
            "recognition.doc.col_name",
            "recognition.doc.uscc",
            "recognition.doc.district",
            "recognition.certificate_no",
            "recognition.valid_until",
        ]
        .iter()
        .map(|k| lang.t(k).to_owned())
        .collect(),
        rows,
    });
    p.signer = issuer;
    p.date = items.first().map(|r| lang.long_date(r.granted_on)).unwrap_or_default();
    Printable::new(services, p, true).await
}
