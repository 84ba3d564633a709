//! Official documents on the web: every capability's documents come as a PDF download and as
//! a print view (the same content, laid out by the browser, printable from any phone); this
//! folder holds the two shared responses, the administrator's document settings (issuer and
//! seal) and the embedded font's licence.

mod pages;

use axum::Router;
use axum::routing::get;
use sheji_core::identity::Permission;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::capability::Capability;
use crate::layout::{NavEntry, NavGroup};

pub use pages::{pdf_response, print_view};

/// A document a page offers: its name, its print view and its PDF.
#[derive(Debug, Clone)]
pub struct DocumentLink {
    /// What it is, in the reader's language.
    pub label: String,
    /// The print view.
    pub print: String,
    /// The PDF.
    pub pdf: String,
}

impl DocumentLink {
    /// A link named by message `key`, with its two addresses.
    pub fn new(lang: sheji_core::i18n::Lang, key: &str, print: String, pdf: String) -> Self {
        Self { label: lang.t(key).to_owned(), print, pdf }
    }
}

/// What this capability adds to the application.
pub const CAPABILITY: Capability = Capability { pages, api: OpenApiRouter::new, nav: NAV };

/// Its entries in the left navigation.
const NAV: &[NavEntry] = &[NavEntry {
    group: NavGroup::System,
    href: "/admin/documents",
    key: "document.settings",
    permission: Some(Permission::SettingsEdit),
}];

/// Its pages.
fn pages() -> Router<AppState> {
    Router::new()
        .route("/admin/documents", get(pages::settings).post(pages::save))
        .route("/licenses/fonts", get(pages::font_license))
}
