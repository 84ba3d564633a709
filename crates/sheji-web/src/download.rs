//! File downloads every capability offers: CSV with a BOM and formula-guarded fields, Excel
//! workbooks (each sent as an attachment), and uploaded files shown inline.

use axum::body::Body;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use sheji_core::i18n::Lang;

/// A CSV field, quoted, with formula-leading characters neutralised so a spreadsheet never
/// executes what an attacker typed into a field.
pub fn csv_field(value: &str) -> String {
    let guarded =
        if value.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{value}") } else { value.to_owned() };
    format!("\"{}\"", guarded.replace('"', "\"\""))
}

/// A CSV download being written: a BOM so Excel opens the UTF-8 file with its Chinese intact,
/// a translated header, CRLF rows of guarded fields.
pub struct CsvOut(String);

impl CsvOut {
    /// Starts the file with its header row, each key translated into `lang`.
    pub fn new(lang: Lang, header: &[&str]) -> Self {
        let mut out = CsvOut(String::from("\u{feff}"));
        out.row(header.iter().map(|k| lang.t(k)));
        out
    }

    /// Appends one row.
    pub fn row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        let cells: Vec<String> = cells.into_iter().map(|c| csv_field(c.as_ref())).collect();
        self.0.push_str(&cells.join(","));
        self.0.push_str("\r\n");
    }

    /// The finished file as an attachment named `name`.
    pub fn into_response(self, name: &str) -> Response {
        (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            ],
            Body::from(self.0),
        )
            .into_response()
    }
}

/// The ASCII letters, digits and dots of a file's name ("file" when none are left): the name
/// travels in a header, where other characters would need an encoding some browsers misread.
fn ascii_name(name: &str) -> String {
    let ascii: String = name.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '.').collect();
    if ascii.is_empty() { "file".to_owned() } else { ascii }
}

/// An uploaded file, shown in the browser under an ASCII version of its name (the name
/// travels in a header) and never kept by a cache (uploads are private).
pub fn file_response(name: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    let shown = ascii_name(name);
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{shown}\"")),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        Body::from(bytes),
    )
        .into_response()
}

/// A file a stranger sent (an objection's evidence): always a download, never opened in the
/// platform's origin, under an ASCII version of its name.
pub fn foreign_file_response(name: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    let shown = ascii_name(name);
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{shown}\"")),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
            (header::CONTENT_SECURITY_POLICY, "sandbox".to_owned()),
        ],
        Body::from(bytes),
    )
        .into_response()
}

/// An .xlsx download.
pub fn xlsx_response(bytes: Vec<u8>, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        Body::from(bytes),
    )
        .into_response()
}
