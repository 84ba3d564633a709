//! The page chrome every page shares: language, title, navigation, breadcrumbs, the language
//! switch, and the pager. Page structs hold a [`Chrome`] named `chrome`, which `base.html`
//! reads.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::Uri;
use axum::http::request::Parts;
use sheji_core::i18n::{self, Lang};
use sheji_core::identity::Permission;
use sheji_core::page::Page;

use crate::auth::Caller;

/// One entry of the left navigation.
#[derive(Debug)]
pub struct NavItem {
    /// Visible label.
    pub label: &'static str,
    /// Target.
    pub href: &'static str,
    /// Whether the current page is this entry or below it.
    pub active: bool,
}

/// A navigation group with a heading, as drawn.
#[derive(Debug)]
pub struct NavMenu {
    /// Heading; empty for the top group.
    pub heading: &'static str,
    /// Entries.
    pub items: Vec<NavItem>,
}

/// One step of the breadcrumb trail.
#[derive(Debug, Clone)]
pub struct Crumb {
    /// Visible label.
    pub label: String,
    /// Link, except for the current page.
    pub href: Option<String>,
}

/// What the shared layout needs to draw a page.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// The page's language.
    pub lang: Lang,
    /// The page title (also the `<title>`).
    pub title: String,
    /// The request path and query, for the active navigation entry and the language switch.
    uri: Uri,
    /// From the home page down to this page.
    pub crumbs: Vec<Crumb>,
    /// The signed-in account's display name, for the account menu.
    pub user: Option<String>,
    /// The CSRF token every form carries.
    pub csrf: String,
    /// Unread messages and to-dos of the signed-in account, for the header.
    pub attention: Option<Attention>,
    /// Which navigation entries the caller may open (permission-gated ones included).
    allowed: Vec<Permission>,
}

/// What waits for the signed-in person, counted in the header.
#[derive(Debug, Clone, Copy)]
pub struct Attention {
    /// Unread messages.
    pub unread: u64,
    /// To-dos.
    pub todos: usize,
}

/// The groups of the left navigation, in the order they are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NavGroup {
    /// The home page, above every heading.
    Top,
    /// 企业与机构.
    Registry,
    /// 梯度培育.
    Recognition,
    /// 供需对接.
    Matchmaking,
    /// 专家评审.
    Review,
    /// 参考数据.
    Reference,
    /// 系统管理.
    System,
    /// The API documentation, below every heading.
    Developer,
}

impl NavGroup {
    const ALL: [Self; 8] = [
        Self::Top,
        Self::Registry,
        Self::Recognition,
        Self::Matchmaking,
        Self::Review,
        Self::Reference,
        Self::System,
        Self::Developer,
    ];

    /// The heading's message key; none for the unheaded top and bottom groups.
    fn heading(self) -> Option<&'static str> {
        match self {
            Self::Top | Self::Developer => None,
            Self::Registry => Some("nav.registry"),
            Self::Recognition => Some("nav.recognition_group"),
            Self::Matchmaking => Some("nav.matchmaking_group"),
            Self::Review => Some("nav.review"),
            Self::Reference => Some("nav.reference"),
            Self::System => Some("nav.system"),
        }
    }
}

/// One navigation entry a capability declares: where it goes, its label, and the permission
/// needed to see it (hidden from callers without it).
#[derive(Debug, Clone, Copy)]
pub struct NavEntry {
    /// The group it is drawn in.
    pub group: NavGroup,
    /// Target path.
    pub href: &'static str,
    /// Message key of the label.
    pub key: &'static str,
    /// Permission needed to see it.
    pub permission: Option<Permission>,
}

/// What every page handler needs from the request: language, address, caller.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The page's language.
    pub lang: Lang,
    /// The request URI.
    pub uri: Uri,
    /// The caller.
    pub caller: Caller,
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self {
            lang: crate::i18n::resolve(parts),
            uri: parts.uri.clone(),
            caller: parts.extensions.get::<Caller>().cloned().unwrap_or_default(),
        })
    }
}

impl Ctx {
    /// The chrome of a page titled by the catalogue key `title_key`.
    pub fn chrome(&self, title_key: &str) -> Chrome {
        let mut chrome = Chrome::new(self.lang, &self.uri, title_key);
        chrome.user = self.caller.principal.as_ref().map(|p| p.display_name.clone());
        chrome.csrf = self.caller.csrf.clone();
        chrome.allowed = self.caller.allowed.clone();
        chrome.attention = self.caller.attention.map(|(unread, todos)| Attention { unread, todos });
        chrome
    }
}

impl Chrome {
    /// The chrome of a page for an anonymous visitor, titled by the catalogue key `title_key`.
    pub fn new(lang: Lang, uri: &Uri, title_key: &str) -> Self {
        Self {
            lang,
            title: lang.t(title_key).to_owned(),
            uri: uri.clone(),
            crumbs: Vec::new(),
            user: None,
            csrf: String::new(),
            attention: None,
            allowed: Vec::new(),
        }
    }

    /// A message that takes one count, `n` ("3 unread messages").
    pub fn counted(&self, key: &str, n: impl std::fmt::Display) -> String {
        self.lang.tf(key, &[("n", &n.to_string())])
    }

    /// Adds a breadcrumb between the home page and this page; `href` is `None` for a section
    /// heading that has no page of its own.
    pub fn crumb(mut self, key: &str, href: Option<&str>) -> Self {
        self.crumbs.push(Crumb { label: self.lang.t(key).to_owned(), href: href.map(str::to_owned) });
        self
    }

    /// The text of a catalogue key in the page's language.
    pub fn t<'a>(&self, key: &'a str) -> &'a str
    where
        'static: 'a,
    {
        self.lang.t(key)
    }

    /// "label：value" (or "label: value" in English), so no template writes Chinese punctuation.
    pub fn labelled(&self, label: impl std::fmt::Display, value: impl std::fmt::Display) -> String {
        self.lang.tf("page.labelled", &[("label", &label.to_string()), ("value", &value.to_string())])
    }

    /// "label value", for a template that joins a label and its figure.
    pub fn spaced(&self, label: impl std::fmt::Display, value: impl std::fmt::Display) -> String {
        format!("{label} {value}")
    }

    /// "a · b", two facts side by side.
    pub fn dotted(&self, a: impl std::fmt::Display, b: impl std::fmt::Display) -> String {
        format!("{a} · {b}")
    }

    /// "text（detail）" (or "text (detail)" in English).
    pub fn paren(&self, text: impl std::fmt::Display, detail: impl std::fmt::Display) -> String {
        self.lang.tf("page.paren", &[("text", &text.to_string()), ("detail", &detail.to_string())])
    }

    /// The button that carries out an action after its confirmation: "确认…" / "Confirm: …".
    pub fn confirm(&self, action: impl std::fmt::Display) -> String {
        self.lang.tf("form.confirm", &[("action", &action.to_string())])
    }

    /// The `lang` attribute of `<html>`.
    pub fn tag(&self) -> &'static str {
        self.lang.tag()
    }

    /// The navigation the caller may use, with the current entry marked.
    pub fn nav(&self) -> Vec<NavMenu> {
        let path = self.uri.path();
        let entries = || crate::capability::ALL.iter().flat_map(|c| c.nav.iter());
        // The longest matching entry is the active one (/admin/organizations, not /organizations).
        let active = entries()
            .map(|e| e.href)
            .filter(
                |href| if *href == "/" { path == "/" } else { path == *href || path.starts_with(&format!("{href}/")) },
            )
            .max_by_key(|h| h.len());
        NavGroup::ALL
            .iter()
            .map(|group| NavMenu {
                heading: group.heading().map_or("", |k| self.lang.t(k)),
                items: entries()
                    .filter(|e| e.group == *group)
                    .filter(|e| e.permission.is_none_or(|p| self.allowed.contains(&p)))
                    .map(|e| NavItem { label: self.lang.t(e.key), href: e.href, active: active == Some(e.href) })
                    .collect(),
            })
            .filter(|g| !g.items.is_empty())
            .collect()
    }

    /// The current page in the other language.
    pub fn switch_href(&self) -> String {
        with_query(&self.uri, "lang", self.lang.other().tag())
    }

    /// The current page with one query parameter set (and `page` reset when filtering).
    pub fn href_with(&self, key: &str, value: &str) -> String {
        with_query(&self.uri, key, value)
    }

    /// The previous/next links and the "page x of y" line for a list.
    pub fn pager<T>(&self, page: &Page<T>) -> Pager {
        self.pager_at(page.page, page.page_count(), page.total)
    }

    /// The pager for page `page` of `pages`, `total` rows in all.
    pub fn pager_at(&self, page: u64, pages: u64, total: u64) -> Pager {
        let label = self.lang.tf(
            "page.of",
            &[("page", &page.to_string()), ("pages", &pages.to_string()), ("total", &i18n::count(total))],
        );
        Pager {
            label,
            prev: (page > 1).then(|| with_query(&self.uri, "page", &(page - 1).to_string())),
            next: (page < pages).then(|| with_query(&self.uri, "page", &(page + 1).to_string())),
        }
    }
}

/// One option of a select, a filter select or a checkbox group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// What the form sends.
    pub value: String,
    /// What the user reads.
    pub label: String,
    /// Whether it is selected (checked); the `select` macro asks the form instead.
    pub selected: bool,
}

impl Choice {
    /// An option that is not selected.
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Self {
        Self { value: value.into(), label: label.into(), selected: false }
    }

    /// An option, selected when `selected`.
    pub fn selected_if(value: impl Into<String>, label: impl Into<String>, selected: bool) -> Self {
        Self { value: value.into(), label: label.into(), selected }
    }
}

/// One label and its value in a list of facts (`<dl class="facts">`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// What the value is.
    pub label: String,
    /// The value as shown.
    pub value: String,
}

impl Fact {
    /// A fact from its label and value.
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Self {
        Self { label: label.into(), value: value.into() }
    }
}

/// One step of a workflow's step indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The step's name.
    pub label: String,
    /// Its CSS classes: "done", "current", "current done", "current rejected", or empty for a
    /// step still to come.
    pub state: &'static str,
}

/// One entry of a timeline (what happened, newest last).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    /// When it happened, as shown.
    pub at: String,
    /// What happened.
    pub what: String,
    /// Who did it; may be empty.
    pub who: String,
    /// A remark; may be empty.
    pub note: String,
}

/// The states of a workflow's steps for the step indicator: those before `current` are done,
/// `current` is current (and done too when `finished`), the rest are still to come.
pub fn steps(labels: impl IntoIterator<Item = String>, current: usize, finished: bool) -> Vec<Step> {
    labels
        .into_iter()
        .enumerate()
        .map(|(i, label)| {
            let state = match i.cmp(&current) {
                std::cmp::Ordering::Less => "done",
                std::cmp::Ordering::Equal if finished => "current done",
                std::cmp::Ordering::Equal => "current",
                std::cmp::Ordering::Greater => "",
            };
            Step { label, state }
        })
        .collect()
}

/// The pager below a list.
#[derive(Debug)]
pub struct Pager {
    /// "第 1 / 3 页，共 120 条".
    pub label: String,
    /// Link to the previous page, if any.
    pub prev: Option<String>,
    /// Link to the next page, if any.
    pub next: Option<String>,
}

/// `uri` with `key=value` set, other parameters kept; changing a filter or the sort order
/// returns to page 1.
fn with_query(uri: &Uri, key: &str, value: &str) -> String {
    let mut pairs: Vec<(String, String)> = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .filter_map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k != key && !(key != "page" && key != "lang" && k == "page")).then(|| (k.to_owned(), v.to_owned()))
        })
        .collect();
    if !value.is_empty() {
        pairs.push((key.to_owned(), encode(value)));
    }
    let query: Vec<String> = pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
    if query.is_empty() { uri.path().to_owned() } else { format!("{}?{}", uri.path(), query.join("&")) }
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => char::from(b).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// The confirmation of what was just done (`?done=` after a redirect), from the capability's
/// `<capability>.done.<word>` messages; an unknown word shows nothing rather than a key.
pub fn done_notice(lang: Lang, capability: &str, done: &str) -> Option<String> {
    let key = format!("{capability}.done.{done}");
    (!done.is_empty() && sheji_core::i18n::catalogue::has(&key)).then(|| lang.t(&key).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_editing_keeps_other_parameters_and_resets_the_page() {
        let uri: Uri = "/districts?kind=county&page=3".parse().unwrap();
        assert_eq!(with_query(&uri, "page", "4"), "/districts?kind=county&page=4");
        assert_eq!(with_query(&uri, "status", "active"), "/districts?kind=county&status=active");
        assert_eq!(with_query(&uri, "lang", "en"), "/districts?kind=county&page=3&lang=en");
        assert_eq!(with_query(&uri, "kind", ""), "/districts");
    }
}
