//! The form kit. [`Fields`] reads a submitted form into a typed input strictly ("-3" in a
//! count is an error, never a default) and collects every problem instead of stopping at the
//! first; [`FormState`] is what a page shows: the fields as typed and each field's message,
//! inline and summed up at the top; [`refused`] is the one way a refused form comes back.
//!
//! Forms are read field by field rather than deserialized with serde: a deserializer stops at
//! the first field that does not parse, and a clerk must see every mistake at once.

use std::collections::HashMap;
use std::future::Future;
use std::str::FromStr;

use askama::Template;
use axum::response::Response;
use sheji_core::i18n::Lang;
use sheji_service::{ErrorKind, FieldError, ServiceError};

use crate::error::{PageError, render, status_of};
use crate::layout::{Chrome, Ctx};

/// The values and errors of one form.
#[derive(Debug, Default, Clone)]
pub struct FormState {
    values: HashMap<String, Vec<String>>,
    errors: Vec<(&'static str, String)>,
    /// A message for the form as a whole (not tied to a field).
    pub notice: Option<String>,
    /// Password fields were submitted and are not sent back; the summary asks for them again.
    pub passwords_cleared: bool,
}

impl FormState {
    /// Every field of a submitted form body as typed (a field sent several times, such as a
    /// group of checkboxes, keeps all its values), so a re-rendered form loses nothing without
    /// a list of its fields to maintain. Password fields are never sent back, and the form says
    /// so; the CSRF token is the page's own.
    pub fn from_body(body: &str) -> Self {
        let mut form = Self::default();
        for (name, value) in pairs(body) {
            if name == "csrf" {
                continue;
            }
            if name.contains("password") {
                form.passwords_cleared |= !value.is_empty();
                continue;
            }
            form.values.entry(name).or_default().push(value);
        }
        form
    }

    /// A typed form as submitted (the same as [`FormState::from_body`] of its body), for
    /// handlers that take the form through axum's extractor.
    pub fn of(form: &impl serde::Serialize) -> Self {
        serde_urlencoded::to_string(form).map(|body| Self::from_body(&body)).unwrap_or_default()
    }

    /// Keeps what the user typed in `field`.
    pub fn keep(mut self, field: &str, value: &str) -> Self {
        self.values.insert(field.to_owned(), vec![value.to_owned()]);
        self
    }

    /// Keeps several values in `field` (a checkbox group).
    pub fn keep_all(mut self, field: &str, values: impl IntoIterator<Item = String>) -> Self {
        self.values.insert(field.to_owned(), values.into_iter().collect());
        self
    }

    /// The value to show in `field` (the first, for a field sent several times).
    pub fn value(&self, field: &str) -> &str {
        self.values.get(field).and_then(|v| v.first()).map_or("", String::as_str)
    }

    /// Whether `field` holds `value` (for selects, checkboxes and checkbox groups).
    pub fn is(&self, field: &str, value: &str) -> bool {
        self.values.get(field).is_some_and(|v| v.iter().any(|x| x == value))
    }

    /// The message for `field`, if it has one.
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }

    /// Whether anything is wrong.
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || self.notice.is_some()
    }

    /// Whether the summary must ask for the passwords again.
    pub fn asks_passwords(&self) -> bool {
        self.passwords_cleared && self.has_errors()
    }

    /// Every field message, for the summary at the top.
    pub fn messages(&self) -> Vec<&str> {
        self.errors.iter().map(|(_, m)| m.as_str()).collect()
    }

    /// Takes a use-case failure: field errors go next to their fields, anything else becomes
    /// the form's notice.
    pub fn with_error(mut self, err: &ServiceError, lang: Lang) -> Self {
        if err.fields().is_empty() {
            self.notice = Some(err.message(lang));
        } else {
            self.errors.extend(err.fields().iter().map(|f| (f.field, f.message(lang))));
        }
        self
    }
}

/// A submitted form, read field by field into typed values; every value that does not parse
/// is noted against its field, and [`Fields::finish`] reports them all together.
#[derive(Debug, Default)]
pub struct Fields {
    pairs: Vec<(String, String)>,
    errors: Vec<FieldError>,
}

impl Fields {
    /// Reads an `application/x-www-form-urlencoded` body.
    pub fn new(body: &str) -> Self {
        Self { pairs: pairs(body), errors: Vec::new() }
    }

    /// The text fields of a multipart form.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        Self { pairs, errors: Vec::new() }
    }

    /// The field as typed (its first value; empty when absent).
    pub fn text(&self, name: &str) -> String {
        self.pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    /// Every value of a field sent several times (a checkbox group).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }

    /// Whether a checkbox is ticked.
    pub fn flag(&self, name: &str) -> bool {
        self.text(name) == "on"
    }

    /// A whole number of the field's type (a count is unsigned, so "-3" is refused); a
    /// value that does not parse is noted and read as zero, which the use case never sees.
    pub fn whole<T: FromStr + Default>(&mut self, name: &'static str) -> T {
        match self.text(name).trim().parse::<T>() {
            Ok(n) => n,
            Err(_) => {
                self.errors.push(FieldError::new(name, "form.whole_number"));
                T::default()
            }
        }
    }

    /// Like [`Fields::whole`], for a field that may be left empty.
    pub fn optional<T: FromStr>(&mut self, name: &'static str) -> Option<T> {
        let raw = self.text(name);
        if raw.trim().is_empty() {
            return None;
        }
        match raw.trim().parse::<T>() {
            Ok(n) => Some(n),
            Err(_) => {
                self.errors.push(FieldError::new(name, "form.whole_number"));
                None
            }
        }
    }

    /// A finite number of 0 or more (a share, an amount, a score).
    pub fn decimal(&mut self, name: &'static str) -> f64 {
        match self.text(name).trim().parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => x,
            _ => {
                self.errors.push(FieldError::new(name, "form.decimal"));
                0.0
            }
        }
    }

    /// A number that may be left empty (an amount in 万元); one that does not read (or is not
    /// finite) is noted with the field's own message, `key`, which states its range. The range
    /// itself is the use case's to check.
    pub fn optional_number(&mut self, name: &'static str, key: &'static str) -> Option<f64> {
        let raw = self.text(name);
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        match raw.parse::<f64>() {
            Ok(v) if v.is_finite() => Some(v),
            _ => {
                self.errors.push(FieldError::new(name, key));
                None
            }
        }
    }

    /// A date such as 2026-12-01.
    pub fn date(&mut self, name: &'static str) -> chrono::NaiveDate {
        match self.text(name).trim().parse() {
            Ok(d) => d,
            Err(_) => {
                self.errors.push(FieldError::new(name, "form.date"));
                chrono::NaiveDate::MIN
            }
        }
    }

    /// A date for a field that may be left empty; one typed wrong is noted, never dropped.
    pub fn optional_date(&mut self, name: &'static str) -> Option<chrono::NaiveDate> {
        let raw = self.text(name);
        if raw.trim().is_empty() {
            return None;
        }
        let day = raw.trim().parse().ok();
        if day.is_none() {
            self.errors.push(FieldError::new(name, "form.date"));
        }
        day
    }

    /// One of a fixed set of codes (a select); anything else is noted.
    pub fn choice<T>(&mut self, name: &'static str, parse: impl Fn(&str) -> Option<T>) -> Option<T> {
        let value = parse(self.text(name).trim());
        if value.is_none() {
            self.errors.push(FieldError::new(name, "form.choice"));
        }
        value
    }

    /// Like [`Fields::choice`] for a select with a default: absent means the default, a value
    /// that is not one of the codes is still noted.
    pub fn choice_or<T>(&mut self, name: &'static str, parse: impl Fn(&str) -> Option<T>, default: T) -> T {
        if self.text(name).trim().is_empty() {
            return default;
        }
        self.choice(name, parse).unwrap_or(default)
    }

    /// Like [`Fields::whole`], with the field's own message (its range) when the value is not
    /// a whole number.
    pub fn whole_as<T: FromStr + Default>(&mut self, name: &'static str, key: &'static str) -> T {
        let before = self.errors.len();
        let value = self.whole(name);
        if let Some(e) = self.errors.get_mut(before) {
            e.key = key;
        }
        value
    }

    /// Like [`Fields::optional`], with the field's own message (its range) when the value is
    /// not a whole number.
    pub fn optional_as<T: FromStr>(&mut self, name: &'static str, key: &'static str) -> Option<T> {
        let before = self.errors.len();
        let value = self.optional(name);
        if let Some(e) = self.errors.get_mut(before) {
            e.key = key;
        }
        value
    }

    /// Notes a problem found while reading a field (a list in the wrong format).
    pub fn refuse(&mut self, error: FieldError) {
        self.errors.push(error);
    }

    /// The typed input, or every problem at once: those found reading the form and those
    /// `check` (the use case's own validation, pure) finds in the fields that did parse.
    pub fn finish<T>(self, input: T, check: impl FnOnce(&T) -> Vec<FieldError>) -> Result<T, ServiceError> {
        if self.errors.is_empty() {
            return Ok(input);
        }
        let mut errors = self.errors;
        for e in check(&input) {
            if !errors.iter().any(|x| x.field == e.field) {
                errors.push(e);
            }
        }
        Err(ServiceError::Fields(errors))
    }
}

/// Whether a refused use case belongs on the form rather than on an error page of its own:
/// everything but "you may not" and "no such thing" comes back on the form, so what was typed
/// is never lost (a wrong password, a clash, a lapsed session, a database that is down for a
/// moment: each message says what to do).
pub fn belongs_on_form(err: &ServiceError) -> bool {
    !matches!(err.kind(), ErrorKind::Forbidden | ErrorKind::NotFound)
}

/// The one answer to a refused form: the same page again with every field as the user typed
/// it (`form`, usually [`FormState::from_body`]) and every message, with the status of the
/// failure. Failures that are not the form's (forbidden, gone, internal) get the error page,
/// titled `title_key`.
pub async fn refused<T, Fut>(
    err: ServiceError,
    form: FormState,
    ctx: &Ctx,
    title_key: &str,
    page: impl FnOnce(FormState) -> Fut,
) -> Result<Response, PageError>
where
    T: Template,
    Fut: Future<Output = Result<T, PageError>>,
{
    if !belongs_on_form(&err) {
        return Err(PageError::service(&err, ctx.chrome(title_key)));
    }
    if err.kind() == ErrorKind::Internal {
        tracing::error!(error = %err, "form failed");
    }
    let status = status_of(err.kind());
    let form = form.with_error(&err, ctx.lang);
    Ok(render(status, &page(form).await?))
}

/// The name–value pairs of an `application/x-www-form-urlencoded` body, decoded, in order
/// (a field sent several times appears several times). A body that is not form-encoded reads
/// as empty: every field is then missing and reported as such.
fn pairs(body: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str(body).unwrap_or_default()
}

/// A file from a multipart form: (field, file name, bytes).
pub type Upload = (String, String, Vec<u8>);

/// Reads a multipart form: text fields by name, and non-empty files as (field, file name,
/// bytes). A part that cannot be read (too large) is left out; the caller reports the missing
/// file.
pub async fn read_multipart(
    multipart: axum::extract::Multipart,
) -> Result<(Vec<(String, String)>, Vec<Upload>), ControlText> {
    let (fields, files, _) = read_parts(multipart).await?;
    Ok((fields, files))
}

/// Like [`read_multipart`], but `None` when the body could not be read to its end (larger
/// than the request limit, or cut off), so the caller says so instead of saving a form that
/// silently lost its file.
pub async fn read_multipart_whole(
    multipart: axum::extract::Multipart,
) -> Result<Option<(Vec<(String, String)>, Vec<Upload>)>, ControlText> {
    let (fields, files, whole) = read_parts(multipart).await?;
    Ok(whole.then_some((fields, files)))
}

/// The parts read, and whether the body was read to its end: a form that must keep what was
/// typed even when its files were too large reads this way.
pub async fn read_multipart_parts(
    multipart: axum::extract::Multipart,
) -> Result<(Vec<(String, String)>, Vec<Upload>, bool), ControlText> {
    read_parts(multipart).await
}

/// A multipart form whose text (a field, or a file's name) holds a character text may not
/// hold: NUL, ESC and other controls, bidirectional overrides. The control-character
/// middleware refuses these in url-encoded and JSON bodies; multipart bodies (uploads) are
/// checked here, where they are read, with the same message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlText {
    field: String,
    ch: char,
}

impl ControlText {
    /// The 400 page that names the field and the character.
    pub fn page(self, chrome: Chrome) -> PageError {
        let message = chrome.lang.tf(
            "error.control_chars",
            &[("field", &crate::middleware::clip(&self.field)), ("ch", &sheji_core::text::describe(self.ch))],
        );
        PageError::bad_request(chrome, message)
    }
}

/// The parts read, and whether the body was read to its end.
async fn read_parts(
    mut multipart: axum::extract::Multipart,
) -> Result<(Vec<(String, String)>, Vec<Upload>, bool), ControlText> {
    use sheji_core::text::{forbidden_in_line, forbidden_in_long_text};
    let mut fields = Vec::new();
    let mut files = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok((fields, files, true)),
            Err(_) => return Ok((fields, files, false)),
        };
        let name = field.name().unwrap_or_default().to_owned();
        if let Some(ch) = forbidden_in_line(&name) {
            return Err(ControlText { field: name, ch });
        }
        match field.file_name().map(str::to_owned) {
            Some(file_name) => {
                if let Some(ch) = forbidden_in_line(&file_name) {
                    return Err(ControlText { field: name, ch });
                }
                match field.bytes().await {
                    Ok(b) if !b.is_empty() => files.push((name, file_name, b.to_vec())),
                    Ok(_) => {}
                    Err(_) => return Ok((fields, files, false)),
                }
            }
            None => match field.text().await {
                Ok(text) => {
                    if let Some(ch) = forbidden_in_long_text(&text) {
                        return Err(ControlText { field: name, ch });
                    }
                    fields.push((name, text));
                }
                Err(_) => return Ok((fields, files, false)),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Fields, FormState};

    #[test]
    fn every_wrong_field_is_reported_at_once_and_none_is_replaced() {
        let mut f = Fields::new("max_load=-3&share=abc&on=2026-13-01&name=&n=12&when=2026-12-01&kind=zz");
        let load: u32 = f.whole("max_load");
        let share = f.decimal("share");
        let on = f.date("on");
        let n: u32 = f.whole("n");
        let when = f.date("when");
        let kind = f.choice("kind", |s| (s == "a").then_some(1));
        assert_eq!((load, share, n, when.to_string(), kind), (0, 0.0, 12, "2026-12-01".to_owned(), None));
        let _ = on;
        let err = f
            .finish((), |_| {
                vec![sheji_service::FieldError::new("name", "x"), sheji_service::FieldError::new("on", "y")]
            })
            .unwrap_err();
        let sheji_service::ServiceError::Fields(errors) = err else { panic!("fields") };
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        // The parse errors, then the use case's own for fields that parsed; "on" only once.
        assert_eq!(fields, ["max_load", "share", "on", "kind", "name"]);
    }

    #[test]
    fn a_clean_form_passes_without_asking_the_check() {
        let mut f = Fields::new("quota=&year=2026");
        assert_eq!(f.optional::<u32>("quota"), None);
        assert_eq!(f.whole::<i32>("year"), 2026);
        assert!(f.finish(1, |_| panic!("not asked")).is_ok());
    }

    #[test]
    fn a_submitted_form_comes_back_whole_except_its_passwords() {
        let form = FormState::from_body(
            "csrf=t&purpose=re_review&onsite_required=on&name=%E5%A4%8D%E6%A0%B8+2026&new_password=Secret-1&c=a&c=b",
        );
        assert!(form.is("purpose", "re_review"));
        assert!(form.is("onsite_required", "on"));
        assert_eq!(form.value("name"), "复核 2026");
        assert!(form.is("c", "a") && form.is("c", "b"));
        assert_eq!(form.value("new_password"), "");
        assert_eq!(form.value("csrf"), "");
        assert!(form.passwords_cleared);
    }
}
