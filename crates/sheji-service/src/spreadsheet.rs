//! Reading uploaded spreadsheets within bounds. A spreadsheet is a zip of XML: a 1 MB file can
//! declare a sheet of a gigabyte, a shared-string table of billions of entries, or a cell in
//! column 300 000 000, and a CSV can be one 30 MB cell. Every import reads its file through
//! here, so what an upload can make the server hold or send back is bounded before any of it
//! is parsed: the zip's parts and their declared sizes (which the zip reader also enforces
//! while inflating), the XML between one cell and the next, the rows, the columns and the
//! length of a cell. Over a limit the file is refused whole, with a message naming the limit,
//! before a row is checked or written.

use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, SheetType, SheetVisible, Xlsx, open_workbook_from_rs};

use crate::ServiceError;

/// The largest .xlsx accepted, in bytes (the 100 000-row benchmark file is 8.6 MB).
pub const MAX_XLSX_BYTES: usize = 16 * 1024 * 1024;
/// Parts a workbook may hold (a real one has a few dozen).
const MAX_PARTS: usize = 1_000;
/// The largest worksheet, inflated: it is streamed, never held whole.
const MAX_SHEET_BYTES: u64 = 256 * 1024 * 1024;
/// The largest other part, inflated: the shared strings and styles are read whole.
const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;
/// All parts together, inflated.
const MAX_TOTAL_BYTES: u64 = 400 * 1024 * 1024;
/// Entries the shared-string table may declare (the reader reserves room for all of them).
const MAX_SHARED_STRINGS: u64 = 1_000_000;
/// The most XML from one cell, row or shared string to the next: a cell at Excel's own limit
/// of 32 767 characters fits several times over; beyond it a single element could make the
/// reader hold an unbounded string.
const MAX_ELEMENT_BYTES: usize = 256 * 1024;

/// How much of a sheet an import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Rows (blank ones included).
    pub rows: usize,
    /// Columns: a cell further right is refused, not silently dropped.
    pub columns: usize,
    /// Characters in one cell (Excel's own limit is 32 767).
    pub cell_chars: usize,
}

/// What the import of organizations reads: twice the largest district list seen, and every
/// column of the template with room to spare.
pub const ORGANIZATIONS: Limits = Limits { rows: 200_000, columns: 256, cell_chars: 32_767 };

/// What the import of review items reads.
pub const REVIEW_ITEMS: Limits = Limits { rows: 5_000, columns: 64, cell_chars: 32_767 };

fn beyond(key: &'static str, value: impl ToString) -> ServiceError {
    ServiceError::Invalid { key, args: vec![("limit", value.to_string())] }
}

pub(crate) fn unreadable(detail: impl ToString) -> ServiceError {
    let detail: String = detail.to_string().chars().take(200).collect();
    ServiceError::Invalid { key: "import.unreadable", args: vec![("detail", detail)] }
}

fn megabytes(bytes: u64) -> u64 {
    bytes / (1024 * 1024)
}

/// Refuses a workbook whose parts, inflated sizes, shared-string table or elements are out of
/// bounds, reading each XML part once through a small buffer (memory stays flat whatever the
/// file holds). Counts the first worksheet-sized part's rows against `limits.rows`.
pub fn check_xlsx(bytes: &[u8], limits: &Limits) -> Result<(), ServiceError> {
    if bytes.len() > MAX_XLSX_BYTES {
        return Err(beyond("import.limit_file", megabytes(MAX_XLSX_BYTES as u64)));
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    if zip.len() > MAX_PARTS {
        return Err(beyond("import.limit_parts", MAX_PARTS));
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let part = zip.by_index(i).map_err(unreadable)?;
        let name = part.name().map_err(unreadable)?.to_ascii_lowercase();
        if part.encrypted() {
            return Err(ServiceError::Invalid { key: "import.encrypted", args: vec![] });
        }
        let declared = part.size();
        let sheet = name.contains("worksheets/");
        let cap = if sheet { MAX_SHEET_BYTES } else { MAX_PART_BYTES };
        if declared > cap {
            return Err(beyond("import.limit_inflated", megabytes(cap)));
        }
        total = total.saturating_add(declared);
        if total > MAX_TOTAL_BYTES {
            return Err(beyond("import.limit_inflated", megabytes(MAX_TOTAL_BYTES)));
        }
        if sheet || name.ends_with("sharedstrings.xml") {
            // One byte past the declared size is enough to see a part that lies about it.
            let scan = scan_xml(part.take(declared.saturating_add(1)), declared, sheet, limits)?;
            if scan.shared_strings > MAX_SHARED_STRINGS {
                return Err(beyond("import.limit_strings", MAX_SHARED_STRINGS));
            }
        }
    }
    Ok(())
}

/// What one pass over an XML part found.
#[derive(Debug, Default)]
struct Scan {
    /// The entries the shared-string table declares (`uniqueCount`, else `count`).
    shared_strings: u64,
}

/// One pass over an XML part: no more than `declared` bytes, no element (cell, row, shared
/// string) further than [`MAX_ELEMENT_BYTES`] from the next, and in a worksheet no more rows
/// than the limits allow. Element names may carry a namespace prefix (`<x:c>`).
fn scan_xml(mut part: impl Read, declared: u64, sheet: bool, limits: &Limits) -> Result<Scan, ServiceError> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut seen = 0u64;
    let mut gap = 0usize;
    let mut rows = 0usize;
    // The name of the tag being read after '<' (None outside a tag name).
    let mut tag: Option<Vec<u8>> = None;
    // The opening of the shared-string table, to read its declared count.
    let mut head: Vec<u8> = Vec::new();
    loop {
        let n = part.read(&mut buf).map_err(unreadable)?;
        if n == 0 {
            break;
        }
        seen += n as u64;
        if seen > declared {
            return Err(ServiceError::Invalid { key: "import.corrupt", args: vec![] });
        }
        let chunk = buf.get(..n).unwrap_or_default();
        if !sheet && head.len() < 4096 {
            head.extend(chunk.iter().take(4096 - head.len()));
        }
        for &b in chunk {
            gap += 1;
            if let Some(name) = tag.as_mut() {
                if b.is_ascii_whitespace() || b == b'>' || b == b'/' {
                    let local = name.rsplit(|c| *c == b':').next().unwrap_or_default();
                    if matches!(local, b"c" | b"si" | b"row") {
                        if gap > MAX_ELEMENT_BYTES {
                            return Err(beyond("import.limit_cell", limits.cell_chars));
                        }
                        gap = 0;
                        if sheet && local == b"row" {
                            rows += 1;
                            if rows > limits.rows {
                                return Err(beyond("import.limit_rows", limits.rows));
                            }
                        }
                    }
                    tag = None;
                } else if name.len() < 16 {
                    name.push(b);
                } else {
                    tag = None;
                }
            } else if b == b'<' {
                tag = Some(Vec::new());
            }
            if gap > MAX_ELEMENT_BYTES {
                return Err(beyond("import.limit_cell", limits.cell_chars));
            }
        }
    }
    Ok(Scan { shared_strings: if sheet { 0 } else { declared_count(&head) } })
}

/// The larger of `uniqueCount` and `count` on the opening `<sst …>` tag (0 when absent).
fn declared_count(head: &[u8]) -> u64 {
    let text = String::from_utf8_lossy(head);
    let Some(start) = text.find("<sst").or_else(|| text.find(":sst")) else { return 0 };
    let tag = text.get(start..).and_then(|t| t.split('>').next()).unwrap_or_default();
    ["uniqueCount=\"", "count=\""]
        .iter()
        .filter_map(|attr| {
            let at = tag.find(attr)? + attr.len();
            let digits: String = tag.get(at..)?.chars().take_while(char::is_ascii_digit).collect();
            // A count too long to read is as bad as a huge one.
            Some(digits.parse::<u64>().unwrap_or(u64::MAX))
        })
        .max()
        .unwrap_or(0)
}

/// A workbook of tables, one sheet each (name, table): headers in bold, every cell text.
pub fn tables_workbook(sheets: &[(String, &crate::document::Table)]) -> Result<Vec<u8>, ServiceError> {
    use rust_xlsxwriter::{Format, Workbook};
    // The same answer the other workbooks give: writing one fails only on a bug or no memory.
    let xl = |e: rust_xlsxwriter::XlsxError| ServiceError::Invalid {
        key: "import.unreadable",
        args: vec![("detail", e.to_string())],
    };
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    for (name, table) in sheets {
        let sheet = book.add_worksheet().set_name(name).map_err(xl)?;
        for (i, h) in table.headers.iter().enumerate() {
            sheet.write_string_with_format(0, u16::try_from(i).unwrap_or(u16::MAX), h, &bold).map_err(xl)?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
            for (i, v) in row.iter().enumerate() {
                sheet.write_string(r, u16::try_from(i).unwrap_or(u16::MAX), v).map_err(xl)?;
            }
        }
    }
    book.save_to_buffer().map_err(xl)
}

/// Streams the first visible worksheet (our own templates keep their drop-down lists on a
/// hidden sheet in front of the data): every row with its 0-based index and its cells up to
/// the last one filled, rows without a filled cell not reported. `emit` returns false to stop.
/// The file must have passed [`check_xlsx`].
pub fn xlsx_rows(
    bytes: &[u8],
    limits: &Limits,
    mut emit: impl FnMut(usize, Vec<String>) -> bool,
) -> Result<(), ServiceError> {
    check_xlsx(bytes, limits)?;
    let mut book: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(bytes)).map_err(|e: calamine::XlsxError| unreadable(e))?;
    let name = book
        .sheets_metadata()
        .iter()
        .find(|s| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible)
        .or_else(|| book.sheets_metadata().first())
        .map(|s| s.name.clone())
        .ok_or_else(|| unreadable("no worksheet"))?;
    let mut cells = book.worksheet_cells_reader(&name).map_err(unreadable)?;
    let mut current: Option<(u32, Vec<String>)> = None;
    let mut rows = 0usize;
    while let Some(cell) = cells.next_cell().map_err(unreadable)? {
        let (r, c) = cell.get_position();
        let text = cell_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        let c = c as usize;
        if c >= limits.columns {
            return Err(beyond("import.limit_columns", limits.columns));
        }
        if text.chars().count() > limits.cell_chars {
            return Err(beyond("import.limit_cell", limits.cell_chars));
        }
        if current.as_ref().is_some_and(|(row, _)| *row != r)
            && let Some((row, cells)) = current.take()
            && !emit(row as usize, cells)
        {
            return Ok(());
        }
        if current.is_none() {
            rows += 1;
            if rows > limits.rows {
                return Err(beyond("import.limit_rows", limits.rows));
            }
        }
        let (_, row) = current.get_or_insert_with(|| (r, Vec::new()));
        if row.len() <= c {
            row.resize(c + 1, String::new());
        }
        if let Some(slot) = row.get_mut(c) {
            *slot = text;
        }
    }
    if let Some((row, cells)) = current {
        emit(row as usize, cells);
    }
    Ok(())
}

fn cell_text(c: &DataRef<'_>) -> String {
    match c {
        DataRef::Empty => String::new(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) => d.as_f64().to_string(),
        DataRef::Error(e) => format!("#{e:?}"),
    }
}

/// Streams a CSV file in UTF-8 (with or without BOM) or GBK (what Excel on a Chinese Windows
/// saves): every non-blank record with its 0-based index. Fields and records are bounded
/// before they are decoded: the delimiters are ASCII, which GBK never uses inside a
/// character, so the raw bytes split correctly.
pub fn csv_rows(
    bytes: &[u8],
    limits: &Limits,
    mut emit: impl FnMut(usize, Vec<String>) -> bool,
) -> Result<(), ServiceError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let utf8 = std::str::from_utf8(body).is_ok();
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(body);
    let mut record = csv::ByteRecord::new();
    // GBK takes two bytes a character, UTF-8 three for Chinese: a cell is bounded in bytes
    // first (cheap), then in characters once decoded.
    let max_bytes = limits.cell_chars.saturating_mul(4);
    let mut rows = 0usize;
    let mut i = 0usize;
    while reader.read_byte_record(&mut record).map_err(unreadable)? {
        let index = i;
        i += 1;
        if record.len() > limits.columns {
            return Err(beyond("import.limit_columns", limits.columns));
        }
        if record.iter().any(|f| f.len() > max_bytes) {
            return Err(beyond("import.limit_cell", limits.cell_chars));
        }
        if record.iter().all(<[u8]>::is_empty) {
            continue;
        }
        rows += 1;
        if rows > limits.rows {
            return Err(beyond("import.limit_rows", limits.rows));
        }
        let fields: Vec<String> = record
            .iter()
            .map(|f| {
                if utf8 {
                    String::from_utf8_lossy(f).into_owned()
                } else {
                    encoding_rs::GBK.decode_without_bom_handling(f).0.into_owned()
                }
            })
            .collect();
        if fields.iter().any(|f| f.chars().count() > limits.cell_chars) {
            return Err(beyond("import.limit_cell", limits.cell_chars));
        }
        if fields.iter().all(String::is_empty) {
            continue;
        }
        if !emit(index, fields) {
            break;
        }
    }
    Ok(())
}

/// A value read from a file, as a page or message may quote it: at most 100 characters (the
/// longest valid name), so an error about a 30 MB cell does not send the cell back.
pub fn quoted(value: &str) -> String {
    const MAX: usize = 100;
    let mut out: String = value.chars().take(MAX).collect();
    if value.chars().nth(MAX).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    //! Small generated bombs: each would have cost gigabytes before these bounds.

    use std::io::Write;

    use super::*;

    fn options() -> zip::write::SimpleFileOptions {
        zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(1))
    }

    /// A workbook from raw parts, compressed as Excel does.
    fn workbook(parts: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        for (name, body) in parts {
            let _ = zip.start_file(*name, options());
            let _ = zip.write_all(body);
        }
        let _ = zip.finish();
        out.into_inner()
    }

    fn sheet(rows: &str) -> Vec<u8> {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"#
        )
        .into_bytes()
    }

    fn key(e: &ServiceError) -> &'static str {
        match e {
            ServiceError::Invalid { key, .. } => key,
            _ => "",
        }
    }

    #[test]
    fn a_sheet_that_inflates_past_the_bound_is_refused_before_it_is_read() {
        // 300 MB of blanks compress to about 3 MB at the fastest level; written a megabyte at
        // a time.
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let _ = zip.start_file("xl/worksheets/sheet1.xml", options());
        let blanks = vec![b' '; 1024 * 1024];
        for _ in 0..300 {
            let _ = zip.write_all(&blanks);
        }
        let _ = zip.finish();
        let file = out.into_inner();
        assert!(file.len() < 4 * 1024 * 1024, "the bomb is small: {}", file.len());
        let err = check_xlsx(&file, &ORGANIZATIONS).err();
        assert_eq!(err.as_ref().map(key), Some("import.limit_inflated"));
    }

    #[test]
    fn one_huge_cell_and_too_many_rows_are_refused() {
        let huge = format!(r#"<row r="1"><c r="A1" t="inlineStr"><is><t>{}</t></is></c></row>"#, "重".repeat(200_000));
        let file = workbook(&[("xl/worksheets/sheet1.xml", sheet(&huge))]);
        assert_eq!(check_xlsx(&file, &ORGANIZATIONS).err().as_ref().map(key), Some("import.limit_cell"));
        let many: String = (1..=5_001).map(|r| format!(r#"<row r="{r}"><c r="A{r}"><v>1</v></c></row>"#)).collect();
        let file = workbook(&[("xl/worksheets/sheet1.xml", sheet(&many))]);
        assert_eq!(check_xlsx(&file, &REVIEW_ITEMS).err().as_ref().map(key), Some("import.limit_rows"));
        assert!(check_xlsx(&file, &ORGANIZATIONS).is_ok(), "the same rows are within the larger import");
    }

    #[test]
    fn a_shared_string_table_declaring_billions_is_refused() {
        let sst = br#"<?xml version="1.0"?><sst xmlns="x" count="99999999999" uniqueCount="99999999999"><si><t>a</t></si></sst>"#;
        let file = workbook(&[("xl/sharedStrings.xml", sst.to_vec())]);
        assert_eq!(check_xlsx(&file, &ORGANIZATIONS).err().as_ref().map(key), Some("import.limit_strings"));
        assert_eq!(declared_count(br#"<x:sst count="12" uniqueCount="7">"#), 12);
    }

    #[test]
    fn a_csv_of_one_enormous_cell_and_a_csv_too_wide_are_refused() {
        let one_cell = "x".repeat(200_000).into_bytes();
        let err = csv_rows(&one_cell, &ORGANIZATIONS, |_, _| true).err();
        assert_eq!(err.as_ref().map(key), Some("import.limit_cell"));
        let wide = ",".repeat(300).into_bytes();
        let err = csv_rows(&wide, &ORGANIZATIONS, |_, _| true).err();
        assert_eq!(err.as_ref().map(key), Some("import.limit_columns"));
        let mut seen = Vec::new();
        let gbk = encoding_rs::GBK.encode("名称,地址\n重庆,渝北\n").0.into_owned();
        csv_rows(&gbk, &ORGANIZATIONS, |i, row| {
            seen.push((i, row));
            true
        })
        .ok();
        assert_eq!(seen.get(1), Some(&(1, vec!["重庆".to_owned(), "渝北".to_owned()])));
    }

    #[test]
    fn quoted_values_are_short() {
        assert_eq!(quoted("abc"), "abc");
        assert_eq!(quoted(&"长".repeat(100)), "长".repeat(100));
        assert_eq!(quoted(&"长".repeat(30_000)).chars().count(), 101);
    }
}
