//! Form state for pages: what the user typed (kept on a validation error, so nothing is
//! lost) and each field's message, shown inline and summed up at the top.

use std::collections::HashMap;

use sheji_core::i18n::Lang;
use sheji_service::ServiceError;

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
        for pair in body.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = percent_decode(&name.replace('+', " "));
            if name == "csrf" {
                continue;
            }
            if name.contains("password") {
                form.passwords_cleared |= !value.is_empty();
                continue;
            }
            form.values.entry(name).or_default().push(percent_decode(&value.replace('+', " ")));
        }
        form
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

/// Several checkboxes with the same name arrive as repeated pairs, which `Form` cannot
/// collect into a list; this reads them by hand.
pub fn repeated(body: &str, name: &str) -> Vec<String> {
    body.split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(k, _)| *k == name)
        .map(|(_, v)| v.replace('+', " "))
        .map(|v| percent_decode(&v))
        .collect()
}

pub fn single(body: &str, name: &str) -> String {
    repeated(body, name).into_iter().next().unwrap_or_default()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%'
            && let Some(hex) = bytes.get(i + 1..i + 3)
            && let Ok(v) = u8::from_str_radix(std::str::from_utf8(hex).unwrap_or("zz"), 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A file from a multipart form: (field, file name, bytes).
pub type Upload = (String, String, Vec<u8>);

/// Reads a multipart form: text fields by name, and non-empty files as (field, file name,
/// bytes). A part that cannot be read (too large) is left out; the caller reports the missing
/// file.
pub async fn read_multipart(mut multipart: axum::extract::Multipart) -> (Vec<(String, String)>, Vec<Upload>) {
    let mut fields = Vec::new();
    let mut files = Vec::new();
    while let Ok(Some(field)) = multipart.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        match field.file_name().map(str::to_owned) {
            Some(file_name) => {
                if let Ok(b) = field.bytes().await
                    && !b.is_empty()
                {
                    files.push((name, file_name, b.to_vec()));
                }
            }
            None => {
                if let Ok(text) = field.text().await {
                    fields.push((name, text));
                }
            }
        }
    }
    (fields, files)
}

/// A whole number from a form field; one that does not parse is reported in `errors` (and
/// read as 0, which the use case never sees because the form is refused).
pub fn number(body: &str, field: &'static str, errors: &mut Vec<sheji_service::FieldError>) -> u32 {
    match single(body, field).trim().parse::<u32>() {
        Ok(n) => n,
        Err(_) => {
            errors.push(sheji_service::FieldError::new(field, "review.number_required"));
            0
        }
    }
}

/// A date (2026-12-01) from a form field; one that does not parse is reported in `errors`.
pub fn date(body: &str, field: &'static str, errors: &mut Vec<sheji_service::FieldError>) -> chrono::NaiveDate {
    match single(body, field).trim().parse() {
        Ok(d) => d,
        Err(_) => {
            errors.push(sheji_service::FieldError::new(field, "review.date_required"));
            chrono::NaiveDate::MIN
        }
    }
}

#[cfg(test)]
mod tests {
    use super::FormState;

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
