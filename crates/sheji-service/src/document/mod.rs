//! Official documents as PDF, made inside the binary with Typst used as a library: no
//! network, no external program, no font on the host. Each capability keeps its document
//! templates (`.typ`) beside its use cases and hands [`render`] a template, the document's
//! data as JSON (every label already in the reader's language, read from the message files)
//! and any images (a QR code, the issuer's seal). The template reads `data.json`; text from
//! the data is inserted as strings, never evaluated as markup, so a company named
//! `#panic()` prints as typed.
//!
//! The one font is Noto Serif CJK (SIL Open Font License, `fonts/OFL.txt`), embedded whole
//! and written into each PDF as a subset of the glyphs used. This module also keeps the
//! documents' settings: the issuing body's name and its seal image.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Serialize;
use serde_json::{Value, json};
use sheji_core::identity::Principal;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use crate::audit::{Actor, Change};
use crate::work::Work;
use crate::{FieldError, ServiceError, Services};

/// Noto Serif CJK Regular, every region's face in one collection (they share glyphs).
static FONT_DATA: &[u8] = include_bytes!("fonts/NotoSerifCJK-Regular.ttc");
/// The font's licence, shipped with the binary (shown at `/licenses/fonts`).
pub static FONT_LICENSE: &str = include_str!("fonts/OFL.txt");

/// The faces of the embedded collection and their book, read once.
static FONTS: LazyLock<(LazyHash<FontBook>, Vec<Font>)> = LazyLock::new(|| {
    let fonts: Vec<Font> = Font::iter(Bytes::new(FONT_DATA)).collect();
    (LazyHash::new(FontBook::from_fonts(&fonts)), fonts)
});

/// Typst's standard library, built once.
static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// The few virtual files a document may read. Typst interns file ids for the life of the
/// process, so the names are fixed rather than made per document.
const MAIN: &str = "/main.typ";
/// The document's data.
pub const DATA: &str = "data.json";
/// A QR code, as SVG.
pub const QR: &str = "qr.svg";
/// The issuer's seal, as PNG.
pub const SEAL: &str = "seal.png";

fn file_id(path: &str) -> Option<FileId> {
    let vpath = VirtualPath::new(path).ok()?;
    Some(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

/// Why a document could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The template did not compile: a bug in the template, logged with Typst's messages.
    #[error("document template failed: {0}")]
    Template(String),
    /// The PDF writer refused the laid-out document.
    #[error("PDF export failed: {0}")]
    Export(String),
}

/// One document to make.
struct DocWorld {
    main: Source,
    files: HashMap<FileId, Bytes>,
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.0
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() { Ok(self.main.clone()) } else { Err(FileError::AccessDenied) }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.get(&id).cloned().ok_or(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.1.get(index).cloned()
    }

    // Documents carry their own dates; a template asking for "today" is a mistake.
    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        None
    }
}

fn diagnostics(errors: &[SourceDiagnostic]) -> String {
    errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; ")
}

/// Lays out `template` with `data` (read by the template as `data.json`) and the named
/// images, and writes the PDF. Synchronous and CPU-bound: call [`pdf`] from async code.
pub fn render_blocking(template: &str, data: &Value, images: &[(&str, Vec<u8>)]) -> Result<Vec<u8>, DocumentError> {
    let main_id = file_id(MAIN).ok_or_else(|| DocumentError::Template("main path".into()))?;
    let mut files = HashMap::new();
    let data_id = file_id(DATA).ok_or_else(|| DocumentError::Template("data path".into()))?;
    files.insert(data_id, Bytes::new(data.to_string().into_bytes()));
    for (name, bytes) in images {
        if let Some(id) = file_id(name) {
            files.insert(id, Bytes::new(bytes.clone()));
        }
    }
    let world = DocWorld { main: Source::new(main_id, template.to_owned()), files };
    let compiled = typst::compile::<PagedDocument>(&world);
    let document = compiled.output.map_err(|e| DocumentError::Template(diagnostics(&e)))?;
    let options = typst_pdf::PdfOptions { ident: typst::foundations::Smart::Auto, ..Default::default() };
    let bytes = typst_pdf::pdf(&document, &options).map_err(|e| DocumentError::Export(diagnostics(&e)))?;
    // Typst memoizes layout across compilations; documents rarely repeat, so keep the cache
    // small rather than let it grow with every certificate printed.
    typst::comemo::evict(5);
    Ok(bytes)
}

/// Empties Typst's layout memo, so the next document is made from scratch (benchmarks: the
/// cost of a document nobody printed a moment ago).
pub fn forget_layout_cache() {
    typst::comemo::evict(0);
}

/// [`render_blocking`] on the blocking pool, so a document being laid out never stalls the
/// requests served beside it.
pub async fn pdf(
    template: &'static str,
    data: Value,
    images: Vec<(&'static str, Vec<u8>)>,
) -> Result<Vec<u8>, ServiceError> {
    let job = tokio::task::spawn_blocking(move || render_blocking(template, &data, &images));
    match job.await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "document: rendering failed");
            Err(ServiceError::Conflict { key: "document.render_failed" })
        }
        Err(e) => {
            tracing::error!(error = %e, "document: the rendering task ended abnormally");
            Err(ServiceError::Conflict { key: "document.render_failed" })
        }
    }
}

/// A QR code of `text` as a `data:` address, for a page's `<img>` (a ticket).
pub fn qr_data_url(text: &str) -> Result<String, ServiceError> {
    Ok(svg_data_url(&qr_svg(text)?))
}

/// An SVG image as a `data:` address.
fn svg_data_url(svg: &[u8]) -> String {
    use base64::Engine;
    format!("data:image/svg+xml;base64,{}", base64::engine::general_purpose::STANDARD.encode(svg))
}

/// A QR code of `text` as SVG (medium error correction: a seal stamped over a corner still
/// scans).
pub fn qr_svg(text: &str) -> Result<Vec<u8>, ServiceError> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|_| ServiceError::Conflict { key: "document.render_failed" })?;
    let svg = code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(200, 200).quiet_zone(true).build();
    Ok(svg.into_bytes())
}

/// A label and its value, in a document's table of facts.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    /// What it is.
    pub label: String,
    /// Its value as printed.
    pub value: String,
}

impl Line {
    /// A line.
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Self {
        Self { label: label.into(), value: value.into() }
    }
}

/// A headed section of running text (the applicant's description).
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// Its heading.
    pub heading: String,
    /// Its text; blank lines separate paragraphs.
    pub text: String,
}

impl Section {
    /// Its paragraphs, as typed between blank lines (the print view sets each as one).
    pub fn paragraphs(&self) -> Vec<&str> {
        self.text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).collect()
    }
}

/// A table (a list of recognized organizations, the items on notice).
#[derive(Debug, Clone, Serialize, Default)]
pub struct Table {
    /// Column headings.
    pub headers: Vec<String>,
    /// Rows, each as wide as the headings.
    pub rows: Vec<Vec<String>>,
}

/// A table under a heading of its own.
#[derive(Debug, Clone, Serialize, Default)]
pub struct HeadedTable {
    /// The heading.
    pub heading: String,
    /// The table.
    pub table: Table,
}

/// Which layout a document takes: a certificate is a framed single page, everything else a
/// letter-style document that may run over pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// 证书.
    Certificate,
    /// 申报书, 推荐函, 公示, 名单.
    Letter,
}

/// One official document, laid out the same way as PDF (by the Typst template) and as a
/// print view in the browser (by the web layer's print template). Every text is already in
/// the reader's language.
#[derive(Debug, Clone, Serialize)]
pub struct Paper {
    /// Layout.
    pub layout: Layout,
    /// The file name of the PDF, without extension (ASCII: it travels in a header).
    pub file_name: String,
    /// The issuing body, at the head of the document.
    pub issuer: String,
    /// The title.
    pub title: String,
    /// A line under the title (a reference number, the batch).
    pub subtitle: String,
    /// Whom a letter is addressed to ("市经济信息委：").
    pub addressee: String,
    /// Opening paragraphs.
    pub paragraphs: Vec<String>,
    /// Facts as label and value.
    pub lines: Vec<Line>,
    /// Running text.
    pub sections: Vec<Section>,
    /// A table.
    pub table: Option<Table>,
    /// More tables, each under its heading (a guide's demands, then its offers).
    pub tables: Vec<HeadedTable>,
    /// Closing paragraphs (contacts, notes).
    pub closing: Vec<String>,
    /// Who signs, at the foot (the issuing body, a district).
    pub signer: String,
    /// The date under the signature.
    pub date: String,
    /// Printed at the foot of every page (an application's number and digest).
    pub footer: String,
    /// "Page {page} of {total}" with those two placeholders.
    pub page_label: String,
    /// The absolute address a QR code on the document opens, if it has one.
    pub verify_url: Option<String>,
    /// The caption beside the QR code.
    pub verify_label: String,
    /// Whether the issuer's seal is stamped (the bytes travel beside the data).
    pub sealed: bool,
}

impl Paper {
    /// An empty document of `layout` for `lang`, to be filled in.
    pub fn new(layout: Layout, lang: sheji_core::i18n::Lang, file_name: impl Into<String>) -> Self {
        Self {
            layout,
            file_name: file_name.into(),
            issuer: String::new(),
            title: String::new(),
            subtitle: String::new(),
            addressee: String::new(),
            paragraphs: Vec::new(),
            lines: Vec::new(),
            sections: Vec::new(),
            table: None,
            tables: Vec::new(),
            closing: Vec::new(),
            signer: String::new(),
            date: String::new(),
            footer: String::new(),
            page_label: lang.tf("document.page", &[("page", "{page}"), ("total", "{total}")]),
            verify_url: None,
            verify_label: String::new(),
            sealed: false,
        }
    }
}

/// A document ready to print: its content, its QR code and the seal to stamp.
#[derive(Debug, Clone)]
pub struct Printable {
    /// The content.
    pub paper: Paper,
    /// The QR code of `paper.verify_url`, as SVG.
    pub qr: Option<Vec<u8>>,
    /// The seal, as PNG, when `paper.sealed`.
    pub seal: Option<Vec<u8>>,
}

/// The one template every document is laid out with.
const PAPER_TEMPLATE: &str = include_str!("paper.typ");

impl Printable {
    /// Adds the QR code of the verification address and, if asked and set, the seal.
    pub async fn new(services: &Services, mut paper: Paper, stamp: bool) -> Result<Self, ServiceError> {
        let qr = paper.verify_url.as_deref().map(qr_svg).transpose()?;
        let seal = if stamp { seal(services).await? } else { None };
        paper.sealed = seal.is_some();
        Ok(Self { paper, qr, seal })
    }

    /// The QR code as a `data:` address, for a print view's `<img>`.
    pub fn qr_data_url(&self) -> Option<String> {
        self.qr.as_deref().map(svg_data_url)
    }

    /// The seal as a `data:` address.
    pub fn seal_data_url(&self) -> Option<String> {
        use base64::Engine;
        self.seal
            .as_ref()
            .map(|b| format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(b)))
    }

    /// The PDF, laid out on this thread (benchmarks; servers use [`Printable::pdf`]).
    pub fn pdf_blocking(&self) -> Result<Vec<u8>, DocumentError> {
        let data = serde_json::to_value(&self.paper).map_err(|e| DocumentError::Template(e.to_string()))?;
        let mut images = Vec::new();
        if let Some(qr) = &self.qr {
            images.push((QR, qr.clone()));
        }
        if let Some(seal) = &self.seal {
            images.push((SEAL, seal.clone()));
        }
        render_blocking(PAPER_TEMPLATE, &data, &images)
    }

    /// The PDF.
    pub async fn pdf(&self) -> Result<Vec<u8>, ServiceError> {
        let data = serde_json::to_value(&self.paper).map_err(|e| {
            tracing::error!(error = %e, "document: the data did not serialize");
            ServiceError::Conflict { key: "document.render_failed" }
        })?;
        let mut images = Vec::new();
        if let Some(qr) = &self.qr {
            images.push((QR, qr.clone()));
        }
        if let Some(seal) = &self.seal {
            images.push((SEAL, seal.clone()));
        }
        pdf(PAPER_TEMPLATE, data, images).await
    }
}

// ---------------------------------------------------------------------------------------
// Settings: the issuing body and its seal

/// Setting: the issuing body printed on certificates and lists.
const SETTING_ISSUER: &str = "document.issuer";
/// Setting: the stored file holding the seal image.
const SETTING_SEAL: &str = "document.seal_file";
/// The seal is a PNG (transparent background) of at most this many bytes.
pub const SEAL_MAX_BYTES: usize = 1024 * 1024;
/// The issuing body's name, at most this many characters.
const ISSUER_MAX_CHARS: usize = 60;

/// The documents' settings as the settings page shows them.
#[derive(Debug, Clone, Default)]
pub struct DocumentSettings {
    /// The issuing body (empty: the default from the message files).
    pub issuer: String,
    /// Whether a seal image is set.
    pub has_seal: bool,
}

/// The issuing body's name in `lang`: the administrator's setting, else the default.
pub async fn issuer(services: &Services, lang: sheji_core::i18n::Lang) -> Result<String, ServiceError> {
    match crate::identity::setting_in(services.store(), SETTING_ISSUER).await? {
        Some(name) if !name.is_empty() => Ok(name),
        _ => Ok(lang.t("document.default_issuer").to_owned()),
    }
}

/// The seal image, if an administrator set one.
pub async fn seal(services: &Services) -> Result<Option<Vec<u8>>, ServiceError> {
    let Some(id) =
        crate::identity::setting_in(services.store(), SETTING_SEAL).await?.and_then(|v| v.parse::<i32>().ok())
    else {
        return Ok(None);
    };
    let Some(file) = sheji_store::files::get(services.store(), id).await? else { return Ok(None) };
    Ok(Some(services.files()?.read(&file).await?))
}

/// The current settings.
pub async fn settings(services: &Services) -> Result<DocumentSettings, ServiceError> {
    Ok(DocumentSettings {
        issuer: crate::identity::setting_in(services.store(), SETTING_ISSUER).await?.unwrap_or_default(),
        has_seal: crate::identity::setting_in(services.store(), SETTING_SEAL).await?.is_some_and(|v| !v.is_empty()),
    })
}

/// What the administrator submits: the issuer's name, and a new seal image, or the seal
/// removed.
#[derive(Debug, Clone, Default)]
pub struct SettingsInput {
    /// The issuing body.
    pub issuer: String,
    /// A new seal (PNG bytes), if one was chosen.
    pub seal: Option<Vec<u8>>,
    /// Remove the seal.
    pub remove_seal: bool,
}

const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Whether the PDF engine can draw this image: a seal it cannot read would break every
/// certificate, so it is tried once at upload with the same decoder.
async fn seal_renders(seal: Vec<u8>) -> bool {
    const TRY: &str = "#image(\"seal.png\", width: 2cm)";
    let job = tokio::task::spawn_blocking(move || render_blocking(TRY, &json!({}), &[(SEAL, seal)]).is_ok());
    job.await.unwrap_or(false)
}

/// Saves the documents' settings (administrators), every error reported at once.
pub async fn save_settings(
    services: &Services,
    caller: &Principal,
    input: SettingsInput,
    ip: &str,
) -> Result<(), ServiceError> {
    if !crate::identity::actions(services, caller).settings {
        return Err(ServiceError::Forbidden);
    }
    let issuer = input.issuer.trim().to_owned();
    let mut errors = Vec::new();
    if issuer.chars().count() > ISSUER_MAX_CHARS || issuer.chars().any(char::is_control) {
        errors.push(FieldError::new("issuer", "document.issuer_invalid"));
    }
    if let Some(seal) = &input.seal {
        if seal.len() > SEAL_MAX_BYTES {
            errors.push(FieldError::new("seal", "document.seal_too_large"));
        } else if !seal.starts_with(PNG_MAGIC) {
            errors.push(FieldError::new("seal", "document.seal_not_png"));
        } else if !seal_renders(seal.clone()).await {
            errors.push(FieldError::new("seal", "document.seal_unreadable"));
        }
    }
    if !errors.is_empty() {
        return Err(ServiceError::Fields(errors));
    }
    let before = settings(services).await?;
    let now = services.now();
    let tx = Work::begin(services).await?;
    crate::identity::put_setting_in(&tx, SETTING_ISSUER, &issuer, now).await?;
    let mut seal_file = None;
    if let Some(seal) = &input.seal {
        let new = sheji_store::files::NewFile {
            owner_type: "document_settings",
            owner_id: 0,
            purpose: "seal",
            name: "seal.png",
            content_type: "image/png",
            uploaded_by: &caller.username,
        };
        let key = crate::crypto::file_key().map_err(ServiceError::internal)?;
        let file = services.files()?.put(&tx, &new, &key, seal, now).await?;
        crate::identity::put_setting_in(&tx, SETTING_SEAL, &file.to_string(), now).await?;
        seal_file = Some(file);
    } else if input.remove_seal {
        crate::identity::put_setting_in(&tx, SETTING_SEAL, "", now).await?;
    }
    let change = Change {
        action: "settings.documents",
        target_type: "setting",
        target_id: "documents".to_owned(),
        before: json!({"issuer": before.issuer, "has_seal": before.has_seal}),
        after: json!({"issuer": issuer, "seal_file": seal_file, "seal_removed": input.remove_seal && input.seal.is_none()}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"#let d = json("data.json")
#set page(paper: "a4")
#set text(font: "Noto Serif CJK SC", lang: "zh")
= #d.title
#d.body
#image("qr.svg", width: 3cm)
"#;

    #[test]
    fn chinese_text_and_a_qr_code_make_a_pdf_with_the_font_embedded() {
        let data = json!({"title": "重庆市工业设计中心认定证书", "body": "#panic() 按原样打印"});
        let qr = qr_svg("https://sheji.example.cn/certificates/CQID-2026-0001").unwrap();
        let pdf = render_blocking(SAMPLE, &data, &[(QR, qr)]).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("NotoSerifCJK"), "the font is embedded by name");
        // A subset, not the 26 MB collection.
        assert!(pdf.len() < 400_000, "{} bytes", pdf.len());
    }

    fn sample(layout: Layout) -> Paper {
        let lang = sheji_core::i18n::Lang::Zh;
        let mut p = Paper::new(layout, lang, "sample");
        p.issuer = "重庆市经济和信息化委员会".into();
        p.title = "重庆市工业设计中心".into();
        p.subtitle = "渝经信设计〔2026〕12号".into();
        p.addressee = "市经济信息委：".into();
        p.paragraphs = vec!["根据申报通知要求，经审核，推荐下列单位。".into()];
        p.lines = vec![Line::new("统一社会信用代码", "91500000MA5U000000"), Line::new("证书编号", "#panic()")];
        p.sections = vec![Section {
            heading: "设计中心简介".into(), text: "第一段。\n\n第二段 *不是粗体*。".into()
        }];
        p.table = Some(Table {
            headers: vec!["序号".into(), "单位".into()],
            rows: vec![vec!["1".into(), "重庆某某设计有限公司".into()]],
        });
        p.tables = vec![HeadedTable {
            heading: "设计服务供给".into(),
            table: Table {
                headers: vec!["序号".into(), "服务方".into()],
                rows: vec![vec!["1".into(), "某设计公司".into()]],
            },
        }];
        p.closing = vec!["联系电话：023-12345678".into()];
        p.signer = "重庆市经济和信息化委员会".into();
        p.date = "2026年12月6日".into();
        p.footer = "申报书编号 12 · 摘要 0123abcd".into();
        p.verify_url = Some("https://sheji.example.cn/certificates/CQ-1".into());
        p.verify_label = "扫码核验".into();
        p
    }

    #[test]
    fn both_layouts_render_with_qr_and_page_numbers() {
        for layout in [Layout::Certificate, Layout::Letter] {
            let paper = sample(layout);
            let data = serde_json::to_value(&paper).unwrap();
            let qr = qr_svg("https://sheji.example.cn/certificates/CQ-1").unwrap();
            let pdf = render_blocking(PAPER_TEMPLATE, &data, &[(QR, qr)]).unwrap();
            assert!(pdf.starts_with(b"%PDF-"), "{layout:?}");
            // To look at the layouts: SHEJI_DOCUMENT_SAMPLES=/tmp cargo test -p sheji-service document
            if let Ok(dir) = std::env::var("SHEJI_DOCUMENT_SAMPLES") {
                std::fs::write(format!("{dir}/sample-{layout:?}.pdf"), &pdf).unwrap();
            }
        }
    }

    #[test]
    fn a_broken_template_is_an_error_not_a_panic() {
        let err = render_blocking("#let x = (", &json!({}), &[]).unwrap_err();
        assert!(matches!(err, DocumentError::Template(_)));
    }
}
