//! Excel in and out of the review engine: items from a staff spreadsheet, score sheets and
//! results to workbooks (staff, once scoring has closed).

use std::collections::BTreeMap;

use rust_xlsxwriter::{Format, Workbook, XlsxError};
use sheji_core::i18n::Lang;
use sheji_core::identity::Principal;
use sheji_core::ids::CampaignId;
use sheji_core::page::PageRequest;

use super::{ItemInput, specialties};
use crate::{ServiceError, Services, spreadsheet};

fn xl(e: XlsxError) -> ServiceError {
    ServiceError::Invalid { key: "import.unreadable", args: vec![("detail", e.to_string())] }
}

fn cell(row: &[String], i: Option<usize>) -> String {
    i.and_then(|i| row.get(i)).map(|d| d.trim().to_owned()).unwrap_or_default()
}

/// Reads items from the first visible sheet of an .xlsx: a header row with 名称 (or 标题), and
/// optionally 统一社会信用代码, 专长 (names or codes separated by 、,;), 团队成员 (names
/// separated likewise) and 评审对象编号. Specialties are matched by name. The sheet is read
/// within [`spreadsheet::REVIEW_ITEMS`] (more rows are refused, not cut off) on a blocking
/// thread, so a large file does not hold up other requests.
pub async fn read_items(services: &Services, bytes: Vec<u8>) -> Result<Vec<ItemInput>, ServiceError> {
    let rows = tokio::task::spawn_blocking(move || {
        let mut rows: Vec<Vec<String>> = Vec::new();
        spreadsheet::xlsx_rows(&bytes, &spreadsheet::REVIEW_ITEMS, |_, row| {
            rows.push(row);
            true
        })
        .map(|()| rows)
    })
    .await
    .map_err(|e| ServiceError::Invalid { key: "import.unreadable", args: vec![("detail", e.to_string())] })??;
    let mut rows = rows.into_iter();
    let header: Vec<String> = rows.next().map(|r| r.iter().map(|d| d.trim().to_owned()).collect()).unwrap_or_default();
    let find = |names: &[&str]| header.iter().position(|h| names.iter().any(|n| h.contains(n)));
    let title = find(&["名称", "标题", "title", "Title"])
        .ok_or(ServiceError::Invalid { key: "review.items_header", args: vec![] })?;
    let org = find(&["信用代码", "USCC"]);
    let spec = find(&["专长", "专业", "领域", "Specialt"]);
    let team = find(&["团队", "成员", "Team"]);
    let subject = find(&["对象编号", "Subject"]);
    let by_name: BTreeMap<String, String> = specialties(services)
        .await?
        .into_iter()
        .flat_map(|s| [(s.name.clone(), s.code.clone()), (s.code.clone(), s.code)])
        .collect();
    let mut out = Vec::new();
    for row in rows {
        let t = cell(&row, Some(title));
        if t.is_empty() && row.iter().all(|d| d.trim().is_empty()) {
            continue;
        }
        let specialties =
            split_list(&cell(&row, spec)).into_iter().map(|s| by_name.get(&s).cloned().unwrap_or(s)).collect();
        out.push(ItemInput {
            title: t,
            organizations: split_list(&cell(&row, org)),
            specialties,
            team: split_list(&cell(&row, team)),
            subject: Some(cell(&row, subject)).filter(|s| !s.is_empty()),
        });
    }
    Ok(out)
}

/// The blank item list: the header row the reader expects, and a second sheet listing every
/// specialty by name (what the 专长 column takes).
pub async fn items_template(services: &Services, caller: &Principal, lang: Lang) -> Result<Vec<u8>, ServiceError> {
    super::require(services, caller, sheji_core::identity::Permission::ReviewManage)?;
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet().set_name(lang.t("review.items")).map_err(xl)?;
    for (i, h) in ["名称", "统一社会信用代码", "专长", "团队成员", "评审对象编号"].iter().enumerate()
    {
        sheet.write_string_with_format(0, i as u16, *h, &bold).map_err(xl)?;
        sheet.set_column_width(i as u16, if i == 0 { 36 } else { 24 }).map_err(xl)?;
    }
    let list = book.add_worksheet().set_name(lang.t("review.specialties")).map_err(xl)?;
    list.write_string_with_format(0, 0, lang.t("review.specialties"), &bold).map_err(xl)?;
    list.write_string_with_format(0, 1, lang.t("review.specialty_group"), &bold).map_err(xl)?;
    for (r, sp) in specialties(services).await?.iter().enumerate() {
        list.write_string(r as u32 + 1, 0, &sp.name).map_err(xl)?;
        list.write_string(r as u32 + 1, 1, &sp.group).map_err(xl)?;
    }
    book.save_to_buffer().map_err(xl)
}

/// Splits a cell listing names (or codes) by 、 , ， ; ； or new lines, but not inside brackets: a
/// specialty's own name may hold a list ("CMF设计（色彩、材料、表面处理）").
pub fn split_list(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut depth = 0u32;
    for c in s.chars() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 && matches!(c, '、' | ',' | '，' | ';' | '；' | '\n') {
            out.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    out.push(current);
    out.into_iter().map(|x| x.trim().to_owned()).filter(|x| !x.is_empty()).collect()
}

/// The workbook of a closed campaign: the results by rank, then every sheet with each
/// criterion's score and comment.
pub async fn workbook(
    services: &Services,
    caller: &Principal,
    id: CampaignId,
    lang: Lang,
) -> Result<Vec<u8>, ServiceError> {
    let (c, rubric, sheets) = super::sheet::closed_sheets(services, caller, id).await?;
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let results = book.add_worksheet().set_name(lang.t("review.results")).map_err(xl)?;
    let heads = [
        "review.rank",
        "review.item",
        "review.organization",
        "review.score",
        "review.grade",
        "review.sheets",
        "review.outliers",
    ];
    for (i, h) in heads.iter().enumerate() {
        results.write_string_with_format(0, i as u16, lang.t(h), &bold).map_err(xl)?;
    }
    let mut row = 1u32;
    let mut page = 1;
    loop {
        let p = super::sheet::results(services, caller, id, PageRequest::new(Some(page), Some(200))).await?;
        for l in &p.items {
            let rank = if l.result.tied { format!("{}=", l.result.rank) } else { l.result.rank.to_string() };
            results.write_string(row, 0, rank).map_err(xl)?;
            results.write_string(row, 1, &l.item.item.fields.title).map_err(xl)?;
            results.write_string(row, 2, l.item.organization.as_deref().unwrap_or("")).map_err(xl)?;
            if let Some(s) = l.result.score {
                results.write_number(row, 3, s).map_err(xl)?;
            }
            // Withdrawn by an upheld objection: said in place of a grade that does not stand.
            let grade = if l.upheld { lang.t("review.upheld") } else { l.result.grade.as_deref().unwrap_or("") };
            results.write_string(row, 4, grade).map_err(xl)?;
            results.write_number(row, 5, f64::from(l.result.sheets)).map_err(xl)?;
            results.write_number(row, 6, f64::from(l.result.outliers)).map_err(xl)?;
            row += 1;
        }
        if page >= p.page_count() {
            break;
        }
        page += 1;
    }
    let ws = book.add_worksheet().set_name(lang.t("review.sheets")).map_err(xl)?;
    let mut col = 0u16;
    for h in ["review.item", "review.expert", "review.sheet_status"] {
        ws.write_string_with_format(0, col, lang.t(h), &bold).map_err(xl)?;
        col += 1;
    }
    for cr in &rubric.rubric.criteria {
        ws.write_string_with_format(
            0,
            col,
            lang.tf("page.paren", &[("text", &cr.name), ("detail", &cr.max_score.to_string())]),
            &bold,
        )
        .map_err(xl)?;
        ws.write_string_with_format(0, col + 1, format!("{} · {}", cr.name, lang.t("review.comment")), &bold)
            .map_err(xl)?;
        col += 2;
    }
    ws.write_string_with_format(0, col, lang.t("review.total"), &bold).map_err(xl)?;
    ws.write_string_with_format(0, col + 1, lang.t("review.comment"), &bold).map_err(xl)?;
    for (r, (a, title, expert)) in sheets.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, title).map_err(xl)?;
        ws.write_string(r, 1, expert).map_err(xl)?;
        ws.write_string(r, 2, lang.t(&format!("review.sheet.{}", a.sheet_status.code()))).map_err(xl)?;
        let mut col = 3u16;
        for i in 0..rubric.rubric.criteria.len() {
            if let Some(Some(s)) = a.scores.get(i) {
                ws.write_number(r, col, *s).map_err(xl)?;
            }
            ws.write_string(r, col + 1, a.comments.get(i).map(String::as_str).unwrap_or("")).map_err(xl)?;
            col += 2;
        }
        if let Some(t) = a.total {
            ws.write_number(r, col, t).map_err(xl)?;
        }
        ws.write_string(r, col + 1, &a.comment).map_err(xl)?;
    }
    let _ = c;
    book.save_to_buffer().map_err(xl)
}

#[cfg(test)]
mod tests {
    #[test]
    fn lists_split_outside_brackets_only() {
        assert_eq!(
            super::split_list("产品设计（综合）、CMF设计（色彩、材料、表面处理）;UX"),
            ["产品设计（综合）", "CMF设计（色彩、材料、表面处理）", "UX"]
        );
        assert_eq!(super::split_list(" 周一 ， 吴二\n"), ["周一", "吴二"]);
        assert!(super::split_list("").is_empty());
    }
}
