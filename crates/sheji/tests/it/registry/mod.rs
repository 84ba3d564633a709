//! The registry and the design-driven library: importing the sheets districts really send,
//! re-importing without effect, the error workbook, scoped and masked exports, and the library
//! workflow with its checklist.

use std::io::Cursor;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use calamine::{Reader, Xlsx, open_workbook_from_rs};
use sheji_core::i18n::Lang;
use sheji_core::ids::OrganizationId;
use sheji_core::page::PageRequest;
use sheji_core::registry::uscc::check_char;
use sheji_service::Backend;
use sheji_service::audit::Actor;
use sheji_service::identity::system_principal;
use sheji_service::registry::import::{self, RowAction};
use sheji_service::registry::{self, OrgFilter};

use crate::support::{TestApp, backend_tests};

mod hardening;

pub(crate) fn uscc(body17: &str) -> String {
    format!("{body17}{}", check_char(body17).unwrap())
}

/// A sheet as districts send it: two title rows, headers in other spellings and another
/// order, a unit in a header, an unknown column, blank rows, numbers with separators and
/// full-width digits, an Excel date serial, district names without their suffix.
fn messy_rows() -> (Vec<Vec<String>>, [String; 3]) {
    let (a, b, c) = (uscc("91500120MA5UAAAA1"), uscc("91500107MA5UBBBB2"), uscc("91500120MA5UCCCC3"));
    let wrong_check = {
        let mut x = uscc("91500120MA5UDDDD4");
        x.pop();
        x.push(if x.ends_with('0') { '1' } else { '0' });
        x
    };
    let s = |v: &str| v.to_owned();
    let rows = vec![
        vec![s("璧山区设计驱动型企业（机构）名单（2025年度）")],
        vec![s("填报单位：璧山区经信委"), s(""), s("填报日期：2025年12月")],
        vec![
            s("序号"),
            s("企业名称"),
            s("信用代码"),
            s("所属区县"),
            s("企业类型"),
            s("营业收入（万元）"),
            s("指标年度"),
            s("从业人员"),
            s("设计人员"),
            s("联系电话"),
            s("成立日期"),
            s("所属产业集群"),
            s("资质"),
            s("备注"),
        ],
        vec![
            s("1"),
            s(" 重庆璧山测试汽车部件有限公司 "),
            a.clone(),
            s("璧山"),
            s("制造企业"),
            s("1,234.5"),
            s("2025"),
            s("１２０"),
            s("18"),
            s("138 1234 5678"),
            s("43831"),
            s("智能网联新能源汽车、先进材料"),
            s("高企、专精特新“小巨人”（2023）"),
            s("A级"),
        ],
        vec![s(""), s(""), s(""), s(""), s("")],
        vec![
            s("2"),
            s("重庆九龙坡测试(设计)有限公司"),
            b.clone(),
            s("九龙坡区"),
            s("设计企业"),
            s(""),
            s(""),
            s(""),
            s(""),
            s("023-6789 1234"),
            s("2018/5/1"),
            s(""),
            s(""),
            s(""),
        ],
        vec![
            s("3"),
            s("重庆璧山第三测试有限公司"),
            c.clone(),
            s("璧山区"),
            s("制造企业"),
            s("800"),
            s("2025"),
            s("10"),
            s("12"),
            s(""),
            s(""),
            s(""),
            s(""),
            s(""),
        ],
        vec![
            s("4"),
            s("校验位错误公司"),
            wrong_check,
            s("璧山区"),
            s("制造企业"),
            s(""),
            s(""),
            s(""),
            s(""),
            s(""),
            s(""),
            s(""),
            s(""),
            s(""),
        ],
        vec![
            s("5"),
            s("非法字符公司"),
            s("91500120MA5UIIII5X"),
            s("璧山区"),
            s("制造企业"),
            s(""),
            s(""),
            s(""),
            s(""),
            s(""),
            s(""),
            s(""),
            s(""),
            s(""),
        ],
        vec![
            s("6"),
            s("长度错误公司"),
            s("9150012"),
            s("火星区"),
            s("工厂"),
            s(""),
            s(""),
            s(""),
            s(""),
            s(""),
            s(""),
            s(""),
            s(""),
            s(""),
        ],
        vec![
            s("7"),
            s("重复代码公司"),
            a.clone(),
            s("璧山区"),
            s("制造企业"),
            s(""),
            s(""),
            s(""),
            s(""),
            s(""),
            s(""),
            s(""),
            s(""),
            s(""),
        ],
        vec![
            s("8"),
            s("撤销区县公司"),
            uscc("91500105MA5UEEEE6"),
            // A former functional zone without a single successor is refused (江北区, which has
            // one, is read as 两江新区: see the title-year test).
            s("两江新区（国家级新区）"),
            s("制造企业"),
            s(""),
            s(""),
            s(""),
            s(""),
            s(""),
            s(""),
            s(""),
            s(""),
            s(""),
        ],
    ];
    (rows, [a, b, c])
}

fn xlsx(rows: &[Vec<String>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (i, row) in rows.iter().enumerate() {
        for (j, cell) in row.iter().enumerate() {
            // The Excel date serial is a real number cell, as Excel stores dates.
            if cell == "43831" {
                sheet.write_number(i as u32, j as u16, 43831.0).unwrap();
            } else {
                sheet.write_string(i as u32, j as u16, cell).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// A workbook whose one sheet holds exactly `rows_xml` (hand-written `<row>` elements), for
/// files no spreadsheet program would write.
fn raw_xlsx(rows_xml: &str) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().write_string(0, 0, "x").unwrap();
    let plain = book.save_to_buffer().unwrap();
    let mut source = zip::ZipArchive::new(Cursor::new(plain)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..source.len() {
        let mut part = source.by_index(i).unwrap();
        let name = part.name().unwrap().to_string();
        let mut body = Vec::new();
        part.read_to_end(&mut body).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            body = format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows_xml}</sheetData></worksheet>"#
            )
            .into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&body).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// The first organization of a district that is not in the library (and has not applied).
async fn outside_the_library(app: &TestApp, district: &str) -> OrganizationId {
    let district = app.district(district).await;
    registry::list_public(
        &app.services,
        &OrgFilter {
            district: Some(district),
            library: Some(sheji_core::registry::LibraryStatus::None),
            ..Default::default()
        },
        PageRequest::default(),
    )
    .await
    .unwrap()
    .items[0]
        .id
}

fn read_xlsx(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
}

backend_tests!(directory_pages_are_slices_of_one_order);

/// Pages are read in two steps (ids, then rows); whatever the sort, page after page must give
/// the same order as one long page, with nothing repeated or skipped.
async fn directory_pages_are_slices_of_one_order(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    for sort in [registry::OrgSort::Registered, registry::OrgSort::Newest, registry::OrgSort::Name] {
        let filter = OrgFilter { sort, ..Default::default() };
        let mut ids: Vec<OrganizationId> = Vec::new();
        let mut n = 1;
        loop {
            let page = registry::list_public(&app.services, &filter, PageRequest::new(Some(n), Some(7))).await.unwrap();
            ids.extend(page.items.iter().map(|o| o.id));
            if n >= page.page_count() {
                assert_eq!(ids.len() as u64, page.total, "{sort:?}: every organization once");
                break;
            }
            n += 1;
        }
        let distinct: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len(), "{sort:?}: nothing repeated across pages");
        // Name order follows each database's collation; the id orders are the same everywhere.
        let mut expected = ids.clone();
        match sort {
            registry::OrgSort::Registered => expected.sort(),
            registry::OrgSort::Newest => expected.sort_by_key(|id| std::cmp::Reverse(*id)),
            registry::OrgSort::Name => continue,
        }
        assert_eq!(ids, expected, "{sort:?}");
    }
    app.finish().await;
}

backend_tests!(a_messy_sheet_imports_once_and_reimports_as_no_op);

async fn a_messy_sheet_imports_once_and_reimports_as_no_op(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let (rows, [a, b, c]) = messy_rows();
    let bytes = xlsx(&rows);
    let system = system_principal();
    let upload = import::Upload::new(bytes.clone(), "名单.xlsx").unwrap();
    let report = import::preview(&app.services, &system, &upload, Lang::Zh).await.unwrap();
    assert_eq!(report.header_row, 3, "the header is found below the title rows");
    assert_eq!(report.unknown_columns, ["序号", "备注"], "unknown columns are reported");
    assert_eq!(report.rows.len(), 8, "the blank row is skipped");
    let by_row = |n: usize| report.rows.iter().find(|r| r.row == n).unwrap();
    assert_eq!(by_row(4).action, RowAction::Create, "{:?}", by_row(4).errors);
    assert_eq!(by_row(6).action, RowAction::Create, "{:?}", by_row(6).errors);
    let errors =
        |n: usize| by_row(n).errors.iter().map(|e| format!("{}|{}", e.column, e.message)).collect::<Vec<_>>().join(" ");
    assert!(errors(7).contains("设计人员|设计人员不能多于从业人员总数"), "{}", errors(7));
    assert!(errors(8).contains("信用代码|统一社会信用代码校验位不符"), "{}", errors(8));
    assert!(errors(9).contains("第 13 位的“I”不是允许的字符"), "{}", errors(9));
    assert!(
        errors(10).contains("应为 18 位，当前为 7 位") && errors(10).contains("火星区") && errors(10).contains("工厂"),
        "{}",
        errors(10)
    );
    assert!(errors(11).contains("与第 4 行的统一社会信用代码重复"), "{}", errors(11));
    assert!(errors(12).contains("已撤销"), "{}", errors(12));
    assert_eq!((report.valid(), report.invalid()), (2, 6));

    // Checking writes nothing.
    let count = || async { registry::counts(&app.services).await.unwrap().total };
    assert_eq!(count().await, 0, "a dry run writes nothing");

    // The error workbook is the original with an error column.
    let errors_book = read_xlsx(&import::error_workbook(&app.services, &system, &upload, Lang::Zh).await.unwrap());
    assert_eq!(errors_book[2].last().map(String::as_str), Some("错误说明"));
    assert!(errors_book[7].last().unwrap().contains("【信用代码】统一社会信用代码校验位不符"), "{:?}", errors_book[7]);
    assert_eq!(errors_book[3].last().map(String::as_str), Some(""), "valid rows carry no error text");

    let done = import::commit(&app.services, &system, &upload, &Actor::system(), Lang::Zh, |_| {}).await.unwrap();
    assert_eq!((done.created, done.updated, done.skipped), (2, 0, 6));
    let state = sheji_store::registry::library::find_state(
        &sheji_store::Store::connect(app.db.url()).await.unwrap(),
        &sheji_core::registry::uscc::Uscc::parse(&a).unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(state.fields.name, "重庆璧山测试汽车部件有限公司", "trimmed");
    assert_eq!(
        state.fields.founded_on.map(|d| d.to_string()).as_deref(),
        Some("2020-01-01"),
        "Excel serial read as a date"
    );
    assert_eq!(state.fields.clusters.len(), 2);
    assert_eq!(state.fields.qualifications.len(), 2);
    let b_state = sheji_store::registry::library::find_state(
        &sheji_store::Store::connect(app.db.url()).await.unwrap(),
        &sheji_core::registry::uscc::Uscc::parse(&b).unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(b_state.fields.name, "重庆九龙坡测试（设计）有限公司", "brackets stored one way");
    assert!(!c.is_empty());

    // Re-importing the same file changes nothing.
    let again = import::preview(&app.services, &system, &upload, Lang::Zh).await.unwrap();
    assert!(
        again.rows.iter().filter(|r| r.action != RowAction::Invalid).all(|r| r.action == RowAction::Unchanged),
        "{:?}",
        again.rows.iter().map(|r| &r.action).collect::<Vec<_>>()
    );
    let trail_before =
        sheji_store::audit::count(&sheji_store::Store::connect(app.db.url()).await.unwrap()).await.unwrap();
    let done = import::commit(&app.services, &system, &upload, &Actor::system(), Lang::Zh, |_| {}).await.unwrap();
    assert_eq!((done.created, done.updated, done.unchanged), (0, 0, 2));
    let trail_after =
        sheji_store::audit::count(&sheji_store::Store::connect(app.db.url()).await.unwrap()).await.unwrap();
    assert_eq!(trail_before, trail_after, "nothing changed, nothing audited");

    // A changed field is updated and audited with its before and after.
    let mut changed = rows.clone();
    changed[3][1] = "重庆璧山测试汽车部件股份有限公司".to_owned();
    let changed = import::Upload::new(xlsx(&changed), "x.xlsx").unwrap();
    let report = import::preview(&app.services, &system, &changed, Lang::Zh).await.unwrap();
    assert_eq!(report.rows[0].action, RowAction::Update(vec!["单位名称".to_owned()]));
    let done = import::commit(&app.services, &system, &changed, &Actor::system(), Lang::Zh, |_| {}).await.unwrap();
    assert_eq!(done.updated, 1);
    app.finish().await;
}

#[tokio::test]
async fn gbk_csv_is_read() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else { return };
    let code = uscc("91500120MA5UFFFF7");
    let text =
        format!("企业名称,统一社会信用代码,区县,单位类型\r\n重庆璧山编码测试有限公司,{code},璧山区,制造企业\r\n");
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let upload = import::Upload::new(gbk.into_owned(), "list.csv").unwrap();
    let report = import::preview(&app.services, &system_principal(), &upload, Lang::Zh).await.unwrap();
    assert_eq!(report.valid(), 1, "{:?}", report.rows.iter().map(|r| &r.errors).collect::<Vec<_>>());
    assert_eq!(report.rows[0].name, "重庆璧山编码测试有限公司");
    let missing = import::Upload::new("名称,地址\r\nx,y\r\n".as_bytes().to_vec(), "a.csv").unwrap();
    let err = import::preview(&app.services, &system_principal(), &missing, Lang::Zh).await.unwrap_err();
    assert!(err.message(Lang::Zh).contains("缺少必填列"), "{}", err.message(Lang::Zh));
    app.finish().await;
}

/// A valid USCC for a number: the body carries the number in base 10 digits.
fn numbered_uscc(n: usize) -> String {
    uscc(&format!("9150012{n:08}MA"))
}

#[tokio::test]
async fn a_file_longer_than_a_chunk_streams_with_every_bad_row_reported() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else { return };
    let system = system_principal();
    let mut rows = vec![["企业名称", "统一社会信用代码", "区县", "单位类型"].map(str::to_owned).to_vec()];
    for n in 0..2_500 {
        rows.push(vec![format!("重庆分块测试{n:05}有限公司"), numbered_uscc(n), "璧山区".into(), "制造企业".into()]);
    }
    // A repeat of the first row's code far away (another chunk), and a bad district at the end.
    rows.push(vec!["重复公司".into(), numbered_uscc(0), "璧山区".into(), "制造企业".into()]);
    rows.push(vec!["末行公司".into(), numbered_uscc(9_999), "火星区".into(), "制造企业".into()]);
    let upload = import::Upload::new(xlsx(&rows), "大表.xlsx").unwrap();
    let report = import::preview(&app.services, &system, &upload, Lang::Zh).await.unwrap();
    assert_eq!((report.valid(), report.invalid(), report.data_rows()), (2_500, 2, 2_502));
    assert!(report.rows.len() < 2_502, "the report keeps a sample of rows to show, not all of them");
    let bad: Vec<(usize, String)> = report.bad_rows().map(|(r, m)| (r, m.to_owned())).collect();
    assert_eq!(bad.len(), 2);
    assert!(bad[0].0 == 2_502 && bad[0].1.contains("与第 2 行的统一社会信用代码重复"), "{bad:?}");
    assert!(bad[1].0 == 2_503 && bad[1].1.contains("火星区"), "{bad:?}");
    let book = read_xlsx(&import::error_workbook(&app.services, &system, &upload, Lang::Zh).await.unwrap());
    assert_eq!(book.len(), 2_503, "every row of the file comes back");
    assert!(book[2_502].last().unwrap().contains("火星区"));
    let mut seen = Vec::new();
    let done =
        import::commit(&app.services, &system, &upload, &Actor::system(), Lang::Zh, |n| seen.push(n)).await.unwrap();
    assert_eq!((done.created, done.skipped), (2_500, 2));
    assert_eq!(seen, [1_000, 2_000, 2_502], "progress is reported chunk by chunk");
    assert_eq!(registry::counts(&app.services).await.unwrap().total, 2_500);
    app.finish().await;
}

#[tokio::test]
async fn the_filled_in_template_is_read_from_its_data_sheet() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else { return };
    // The template keeps its drop-down lists on a hidden first sheet; the data is on the second.
    let mut book = rust_xlsxwriter::Workbook::new();
    let lists = book.add_worksheet();
    lists.write_string(0, 0, "璧山区").unwrap();
    lists.set_hidden(true);
    let data = book.add_worksheet();
    for (j, h) in ["统一社会信用代码*", "单位名称*", "单位类型*", "所属区县*"].iter().enumerate() {
        data.write_string(0, j as u16, *h).unwrap();
    }
    for (j, v) in [numbered_uscc(7).as_str(), "重庆模板填报有限公司", "制造企业", "璧山区"].iter().enumerate()
    {
        data.write_string(1, j as u16, *v).unwrap();
    }
    data.set_active(true);
    let upload = import::Upload::new(book.save_to_buffer().unwrap(), "模板.xlsx").unwrap();
    let report = import::preview(&app.services, &system_principal(), &upload, Lang::Zh).await.unwrap();
    assert_eq!((report.valid(), report.invalid()), (1, 0), "{:?}", report.bad_rows().collect::<Vec<_>>());
    app.finish().await;
}

#[tokio::test]
async fn import_through_the_pages_then_export_scoped_and_masked() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    let bishan = app.district("璧山区").await;
    app.user("imp_branch", "branch_staff", Some(bishan.get()), None).await;
    app.user("imp_city", "city_officer", None, None).await;
    let branch = app.signed_in("imp_branch").await;
    let (rows, [a, b, _]) = messy_rows();
    let file = xlsx(&rows);
    let boundary = "----shejiboundary";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"list.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n").into_bytes();
    body.extend_from_slice(&file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let upload = |csrf: String| {
        Request::post(format!("/admin/organizations/import?csrf={csrf}"))
            .header("cookie", format!("sheji_csrf={}; sheji_session={}", branch.csrf, branch.session.clone().unwrap()))
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(body.clone()))
            .unwrap()
    };
    assert_eq!(
        app.send(upload("forged".repeat(8))).await.status,
        StatusCode::FORBIDDEN,
        "uploads need the CSRF token too"
    );
    let report = app.send(upload(branch.csrf.clone())).await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    assert!(report.body.contains("校验位不符"));
    assert!(report.body.contains("不在您的管理范围内"), "a branch may import only its own district");
    let token: String = report.body.split("name=\"token\" value=\"").nth(1).unwrap().chars().take(43).collect();
    let errors = app.get_as(&branch, &format!("/admin/organizations/import/{token}/errors.xlsx")).await;
    assert_eq!(errors.status, StatusCode::OK);
    assert_eq!(
        app.get_as(&branch, "/admin/organizations/import/..%2F..%2Fetc/errors.xlsx").await.status,
        StatusCode::NOT_FOUND
    );
    assert!(report.body.contains("name=\"rows\" value=\"8\""), "the page passes the row count for the progress bar");
    let committed =
        app.post_form(&branch, "/admin/organizations/import/commit", &[("token", &token), ("rows", "8")]).await;
    assert_eq!(committed.status, StatusCode::SEE_OTHER, "{}", committed.body);
    let job = committed.header("location").to_owned();
    assert!(job.starts_with("/admin/jobs/"), "the commit runs as a job: {job}");
    let queued = app.get_as(&branch, &job).await;
    assert!(queued.body.contains("排队中"), "waits for a worker: {}", queued.body);
    assert_eq!(app.run_jobs().await, 1, "one job ran");
    let page = app.get_as(&branch, &job).await;
    assert!(
        page.body.contains("已完成") && page.body.contains("新增 1 家"),
        "only the row of its own district: {}",
        page.body
    );
    assert!(page.body.contains("已处理 8 / 8 行"), "every row was gone through");
    let city = app.signed_in("imp_city").await;
    assert_eq!(app.get_as(&city, &job).await.status, StatusCode::NOT_FOUND, "a job is its owner's");
    let template = app.get_as(&branch, "/admin/organizations/template.xlsx").await;
    assert_eq!(template.status, StatusCode::OK);

    // Exports: the branch gets its district only, phones in clear; the city officer gets
    // everything with phones masked.
    let branch_rows = download(&app, &branch, "/admin/organizations/export.xlsx").await;
    assert!(branch_rows.iter().skip(1).all(|r| r[3] == "璧山区"), "scoped export");
    assert!(branch_rows.iter().any(|r| r[0] == a), "the imported organization is exported");
    assert!(!branch_rows.iter().any(|r| r[0] == b));
    let imported = branch_rows.iter().find(|r| r[0] == a).unwrap();
    assert_eq!(imported[7], "13812345678", "the editing branch sees the phone");
    let city_rows = download(&app, &city, "/admin/organizations/export.xlsx").await;
    assert!(city_rows.len() > branch_rows.len());
    assert_eq!(city_rows.iter().find(|r| r[0] == a).unwrap()[7], "138****5678", "masked for readers");
    app.finish().await;
}

async fn download(app: &TestApp, browser: &crate::support::Browser, path: &str) -> Vec<Vec<String>> {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let request = Request::get(path)
        .header("cookie", format!("sheji_csrf={}; sheji_session={}", browser.csrf, browser.session.clone().unwrap()))
        .body(Body::empty())
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    read_xlsx(&bytes)
}

#[tokio::test]
async fn the_library_workflow_with_its_checklist() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else { return };
    let code = uscc("91500120MA5UGGGG8");
    let rows = vec![
        [
            "企业名称",
            "统一社会信用代码",
            "所属区县",
            "单位类型",
            "指标年度",
            "设计投入（万元）",
            "设计人员",
            "从业人员",
            "新产品销售收入（万元）",
        ]
        .map(str::to_owned)
        .to_vec(),
        ["重庆璧山入库测试有限公司", code.as_str(), "璧山区", "制造企业", "2025", "120", "8", "60", "2,300"]
            .map(str::to_owned)
            .to_vec(),
    ];
    let system = system_principal();
    let upload = import::Upload::new(xlsx(&rows), "a.xlsx").unwrap();
    import::commit(&app.services, &system, &upload, &Actor::system(), Lang::Zh, |_| {}).await.unwrap();
    let org =
        registry::list_public(&app.services, &OrgFilter::default(), PageRequest::default()).await.unwrap().items[0].id;
    app.user("lib_admin", "admin", None, None).await;
    let admin = app.signed_in("lib_admin").await;
    let page = app.get_as(&admin, &format!("/admin/organizations/{org}")).await;
    assert_eq!(page.status, StatusCode::OK);
    // One year of investment against a two-year rule: the checklist says which fails.
    assert_eq!(page.body.matches("badge rejected\">未达到").count(), 1, "only the stable-investment criterion fails");
    assert!(page.body.contains("2025: 120.0"));
    let admit = app.post_form(&admin, &format!("/admin/organizations/{org}/library"), &[("action", "admit")]).await;
    assert_eq!(admit.status, StatusCode::SEE_OTHER);
    let again = app.post_form(&admin, &format!("/admin/organizations/{org}/library"), &[("action", "admit")]).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "an illegal step is an error, not a no-op");
    let no_reason =
        app.post_form(&admin, &format!("/admin/organizations/{org}/library"), &[("action", "remove")]).await;
    assert_eq!(no_reason.status, StatusCode::BAD_REQUEST);
    assert!(no_reason.body.contains("移出库须填写原因"));
    let removed = app
        .post_form(
            &admin,
            &format!("/admin/organizations/{org}/library"),
            &[("action", "remove"), ("reason", "连续两年未报送指标")],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    let history = app.get_as(&admin, &format!("/admin/organizations/{org}")).await.body;
    assert!(
        history.contains("在库 → 已移出")
            && history.contains("连续两年未报送指标")
            && history.contains("未入库 → 在库")
    );
    let view = registry::get(&app.services, None, OrganizationId(org.get())).await.unwrap();
    assert_eq!(view.public.library_status.code(), "removed");

    // The same through the API: the checklist, then a decision as JSON with the CSRF header.
    let api = app.get_as(&admin, &format!("/api/v1/staff/organizations/{org}/library")).await.json();
    assert_eq!(api["status"], "removed");
    assert_eq!(api["checklist"].as_array().unwrap().len(), 3);
    assert_eq!(api["actions"], serde_json::json!(["propose", "admit"]));
    let post = |body: &str, csrf: Option<&str>| {
        let mut r = Request::post(format!("/api/v1/staff/organizations/{org}/library"))
            .header("cookie", format!("sheji_csrf={}; sheji_session={}", admin.csrf, admin.session.clone().unwrap()))
            .header("content-type", "application/json");
        if let Some(t) = csrf {
            r = r.header("x-csrf-token", t);
        }
        r.body(Body::from(body.to_owned())).unwrap()
    };
    assert_eq!(
        app.send(post(r#"{"action":"admit"}"#, None)).await.status,
        StatusCode::FORBIDDEN,
        "cookie calls need the CSRF header"
    );
    let admitted = app.send(post(r#"{"action":"admit"}"#, Some(&admin.csrf))).await;
    assert_eq!(admitted.status, StatusCode::OK, "{}", admitted.body);
    assert_eq!(admitted.json()["status"], "in_library");
    let illegal = app.send(post(r#"{"action":"admit"}"#, Some(&admin.csrf))).await;
    assert_eq!(illegal.status, StatusCode::CONFLICT);
    assert_eq!(illegal.json()["error"]["code"], "conflict");
    let bad = app.send(post(r#"{"action":"promote"}"#, Some(&admin.csrf))).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    app.finish().await;
}

#[test]
fn cli_import_checks_before_writing() {
    let dir = std::env::temp_dir().join(format!("sheji_cli_import_{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let (rows, _) = messy_rows();
    std::fs::write(dir.join("list.xlsx"), xlsx(&rows)).unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_sheji"))
            .current_dir(&dir)
            .args(["import", "orgs", "list.xlsx"])
            .args(args)
            .env("SHEJI_LANG", "zh_CN.UTF-8")
            .env("RUST_LOG", "warn")
            .env_remove("SHEJI_DB")
            .output()
            .unwrap()
    };
    let dry = run(&["--dry-run"]);
    assert!(dry.status.success());
    let out = String::from_utf8_lossy(&dry.stdout);
    assert!(out.contains("第 8 行【信用代码】") && out.contains("试运行"), "{out}");
    let blocked = run(&[]);
    assert!(!blocked.status.success(), "errors block the import without --skip-invalid");
    assert!(String::from_utf8_lossy(&blocked.stdout).contains("未写入任何数据"));
    let done = run(&["--skip-invalid"]);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    assert!(String::from_utf8_lossy(&done.stdout).contains("新增 2 家"));
    let again = run(&["--skip-invalid"]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("新增 0 家，更新 0 家，无变化 2 家"));
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn organizations_are_created_and_edited_through_forms() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    let (bishan, jiulong) = (app.district("璧山区").await.get(), app.district("九龙坡区").await.get());
    app.user("form_branch", "branch_staff", Some(bishan), None).await;
    let branch = app.signed_in("form_branch").await;
    let bad = app
        .post_form(
            &branch,
            "/admin/organizations/new",
            &[
                ("uscc", "91500120MA5UHHHH9X"),
                ("name", ""),
                ("district_id", &jiulong.to_string()),
                ("contact_phone", "12345"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    for message in ["校验位不符", "请填写单位名称", "请选择单位类型", "电话号码格式不正确"]
    {
        assert!(bad.body.contains(message), "{message} missing");
    }
    let code = uscc("91500120MA5UHHHH9");
    let outside = app
        .post_form(
            &branch,
            "/admin/organizations/new",
            &[
                ("uscc", &code),
                ("name", "重庆表单测试有限公司"),
                ("kind", "manufacturer"),
                ("district_id", &jiulong.to_string()),
            ],
        )
        .await;
    assert_eq!(outside.status, StatusCode::BAD_REQUEST, "a branch cannot register in another district");
    assert!(outside.body.contains("不在您的管理范围内"));
    let created = app
        .post_form(
            &branch,
            "/admin/organizations/new",
            &[
                ("uscc", &code),
                ("name", "重庆表单测试(璧山)有限公司"),
                ("kind", "manufacturer"),
                ("district_id", &bishan.to_string()),
                ("contact_phone", "13900001111"),
                ("qualifications", "high_tech"),
                ("year_high_tech", "2024"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let location = created.header("location").to_owned();
    let id: i32 = location.trim_start_matches("/admin/organizations/").split('?').next().unwrap().parse().unwrap();
    let page = app.get_as(&branch, &location).await;
    assert!(page.body.contains("重庆表单测试（璧山）有限公司") && page.body.contains("13900001111"));
    let duplicate = app
        .post_form(
            &branch,
            "/admin/organizations/new",
            &[("uscc", &code), ("name", "x"), ("kind", "manufacturer"), ("district_id", &bishan.to_string())],
        )
        .await;
    assert!(duplicate.body.contains("已登记"));

    let figures = app
        .post_form(
            &branch,
            &format!("/admin/organizations/{id}/figures"),
            &[("year", "2025"), ("staff_total", "10"), ("design_staff", "12"), ("revenue", "1,000")],
        )
        .await;
    assert_eq!(figures.status, StatusCode::BAD_REQUEST);
    assert!(figures.body.contains("设计人员不能多于从业人员总数"));
    let figures = app
        .post_form(
            &branch,
            &format!("/admin/organizations/{id}/figures"),
            &[("year", "2025"), ("staff_total", "100"), ("design_staff", "12"), ("design_investment", "88.5")],
        )
        .await;
    assert_eq!(figures.status, StatusCode::SEE_OTHER, "{}", figures.body);
    let page = app.get_as(&branch, &format!("/admin/organizations/{id}")).await;
    assert!(page.body.contains("88.5"));
    // The form opens with that year filled in; changing one figure keeps the others.
    assert!(page.body.contains(r#"name="staff_total" type="text" value="100""#), "{}", page.body);
    let one = app
        .post_form(&branch, &format!("/admin/organizations/{id}/figures"), &[("year", "2025"), ("design_staff", "15")])
        .await;
    assert_eq!(one.status, StatusCode::SEE_OTHER, "{}", one.body);
    let page = app.get_as(&branch, &format!("/admin/organizations/{id}")).await;
    assert!(
        page.body.contains(r#"name="staff_total" type="text" value="100""#)
            && page.body.contains(r#"name="design_staff" type="text" value="15""#)
            && page.body.contains(r#"name="design_investment" type="text" value="88.5""#),
        "{}",
        page.body
    );
    // Each year shows who entered it and how, and waits for the district's confirmation; the
    // organization cannot confirm its own figures, the district confirms once, and figures
    // entered again need a new confirmation.
    assert!(page.body.contains("form_branch · 表单填报") && page.body.contains("待区县确认"), "{}", page.body);
    app.user("form_owner", "org_admin", None, Some(id)).await;
    let owner = app.signed_in("form_owner").await;
    let own = app.get_as(&owner, &format!("/admin/organizations/{id}")).await;
    assert!(own.body.contains("待区县确认") && !own.body.contains("/figures/2025/confirm"), "no button for the owner");
    assert_eq!(
        app.post_form(&owner, &format!("/admin/organizations/{id}/figures/2025/confirm"), &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let confirm = format!("/admin/organizations/{id}/figures/2025/confirm");
    assert!(page.body.contains(&confirm), "the district's officer has the button");
    let seen = crate::support::first(r#"name="seen" value="(\d+)""#, &page.body);
    // The organization enters the year again while the officer looks at the old figures: the
    // officer's click confirms nothing and says why.
    app.clock.advance(chrono::Duration::seconds(5));
    let again = app
        .post_form(&owner, &format!("/admin/organizations/{id}/figures"), &[("year", "2025"), ("awards", "1")])
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    let stale = app.post_form(&branch, &confirm, &[("seen", &seen)]).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("已被重新填报"), "{}", stale.body);
    let page = app.get_as(&branch, &format!("/admin/organizations/{id}")).await;
    let seen = crate::support::first(r#"name="seen" value="(\d+)""#, &page.body);
    assert_eq!(app.post_form(&branch, &confirm, &[("seen", &seen)]).await.status, StatusCode::SEE_OTHER);
    let page = app.get_as(&branch, &format!("/admin/organizations/{id}")).await;
    assert!(page.body.contains("区县已确认：form_branch") && !page.body.contains(&confirm), "{}", page.body);
    let twice = app.post_form(&branch, &confirm, &[("seen", &seen)]).await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert!(twice.body.contains("已由区县确认"), "{}", twice.body);
    assert_eq!(
        app.post_form(&branch, &format!("/admin/organizations/{id}/figures/1999/confirm"), &[]).await.status,
        StatusCode::NOT_FOUND
    );
    let refiled = app
        .post_form(&owner, &format!("/admin/organizations/{id}/figures"), &[("year", "2025"), ("awards", "2")])
        .await;
    assert_eq!(refiled.status, StatusCode::SEE_OTHER, "{}", refiled.body);
    let page = app.get_as(&branch, &format!("/admin/organizations/{id}")).await;
    assert!(page.body.contains("form_owner · 表单填报") && page.body.contains("待区县确认"), "{}", page.body);

    let public = app.get(&format!("/organizations/{id}")).await;
    assert!(public.body.contains("重庆表单测试（璧山）有限公司"), "the public page is read (and kept briefly)");
    let form = app.get_as(&branch, &format!("/admin/organizations/{id}/edit")).await;
    assert!(form.body.contains("13900001111") && form.body.contains(&code));
    let edited = app
        .post_form(
            &branch,
            &format!("/admin/organizations/{id}/edit"),
            &[
                ("name", "重庆表单测试(璧山)股份有限公司"),
                ("kind", "manufacturer"),
                ("district_id", &bishan.to_string()),
                ("contact_phone", "13900001111"),
            ],
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER);
    assert!(
        app.get(&format!("/organizations/{id}")).await.body.contains("重庆表单测试（璧山）股份有限公司"),
        "an edit shows on the public page at once, not after the public cache expires"
    );
    let trail = app.get_as(&branch, &format!("/admin/audit?target_type=organization&target_id={id}")).await;
    assert_eq!(trail.status, StatusCode::FORBIDDEN, "branches do not read the trail");
    // Another district's organization cannot be edited by this branch.
    let other = registry::list_public(
        &app.services,
        &OrgFilter { district: Some(sheji_core::ids::DistrictId(jiulong)), ..Default::default() },
        PageRequest::default(),
    )
    .await
    .unwrap()
    .items[0]
        .id;
    assert_eq!(app.get_as(&branch, &format!("/admin/organizations/{other}/edit")).await.status, StatusCode::NOT_FOUND);
    app.finish().await;
}

#[tokio::test]
async fn an_organization_applies_and_its_district_decides() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    let (bishan, jiulong) = (app.district("璧山区").await.get(), app.district("九龙坡区").await.get());
    let org = outside_the_library(&app, "璧山区").await;
    app.user("ap_owner", "org_admin", None, Some(org.get())).await;
    app.user("ap_branch", "branch_staff", Some(bishan), None).await;
    app.user("ap_other", "branch_staff", Some(jiulong), None).await;
    let owner = app.signed_in("ap_owner").await;
    let short = app.post_form(&owner, &format!("/admin/organizations/{org}/apply"), &[("statement", "太短")]).await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST);
    assert!(short.body.contains("10—2000 字"));
    let applied = app
        .post_form(
            &owner,
            &format!("/admin/organizations/{org}/apply"),
            &[("statement", "公司设有独立设计中心，设计人员 18 人，近两年设计投入均超过 100 万元。")],
        )
        .await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER, "{}", applied.body);
    let twice = app
        .post_form(&owner, &format!("/admin/organizations/{org}/apply"), &[("statement", "再次申请再次申请再次申请")])
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT, "one open application at a time");
    assert_eq!(
        app.get_as(&owner, "/admin/library/applications").await.status,
        StatusCode::FORBIDDEN,
        "an organization does not decide"
    );
    let cannot_admit_self =
        app.post_form(&owner, &format!("/admin/organizations/{org}/library"), &[("action", "admit")]).await;
    assert_eq!(cannot_admit_self.status, StatusCode::FORBIDDEN);

    let other = app.signed_in("ap_other").await;
    let queue = app.get_as(&other, "/admin/library/applications").await;
    assert!(queue.body.contains("暂无待审核"), "another district does not see it");
    let branch = app.signed_in("ap_branch").await;
    let beyond = app.get_as(&branch, "/admin/library/applications?page=2").await;
    assert!(beyond.body.contains("暂无待审核"), "the queue pages: page 2 of one application is empty");
    let queue = app.get_as(&branch, "/admin/library/applications").await;
    assert!(queue.body.contains("设计驱动型企业库入库条件"), "the queue shows each applicant's checklist");
    assert!(queue.body.contains("<td>拥有设计团队（设计人员）</td>"), "criterion by criterion");
    let app_id = crate::support::first(r"/admin/library/applications/(\d+)", &queue.body);
    assert_eq!(
        app.post_form(&other, &format!("/admin/library/applications/{app_id}"), &[("decision", "accept")]).await.status,
        StatusCode::NOT_FOUND
    );
    let no_comment =
        app.post_form(&branch, &format!("/admin/library/applications/{app_id}"), &[("decision", "return")]).await;
    assert_eq!(no_comment.status, StatusCode::BAD_REQUEST);
    assert!(no_comment.body.contains("退回或不予入库须填写意见"), "{}", no_comment.body);
    let no_decision =
        app.post_form(&branch, &format!("/admin/library/applications/{app_id}"), &[("comment", "意见已写好")]).await;
    assert_eq!(no_decision.status, StatusCode::BAD_REQUEST);
    assert!(no_decision.body.contains("意见已写好"), "the comment typed comes back beside its application");
    let long = "长".repeat(501);
    let too_long = app
        .post_form(
            &branch,
            &format!("/admin/library/applications/{app_id}"),
            &[("decision", "reject"), ("comment", &long)],
        )
        .await;
    assert_eq!(too_long.status, StatusCode::BAD_REQUEST);
    assert!(too_long.body.contains(&long));
    let returned = app
        .post_form(
            &branch,
            &format!("/admin/library/applications/{app_id}"),
            &[("decision", "return"), ("comment", "请补充近两年设计投入凭证")],
        )
        .await;
    assert_eq!(returned.status, StatusCode::SEE_OTHER);
    let page = app.get_as(&owner, &format!("/admin/organizations/{org}")).await.body;
    assert!(page.contains("已退回") && page.contains("请补充近两年设计投入凭证"), "the organization sees the comment");
    assert!(page.contains("ap_branch 于"), "the history names the officer who decided");
    let messages = app.get_as(&owner, "/messages").await.body;
    assert!(messages.contains("入库申请被退回"), "and is told: {messages}");

    // A rejection: the organization is not admitted, reads why, and may apply again later.
    let applied = app
        .post_form(
            &owner,
            &format!("/admin/organizations/{org}/apply"),
            &[("statement", "再次申请入库，请审核我们的设计能力。")],
        )
        .await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER);
    let queue = app.get_as(&branch, "/admin/library/applications").await;
    let app_id = crate::support::first(r"/admin/library/applications/(\d+)", &queue.body);
    let rejected = app
        .post_form(
            &branch,
            &format!("/admin/library/applications/{app_id}"),
            &[("decision", "reject"), ("comment", "主营业务为贸易，不属于设计驱动型企业")],
        )
        .await;
    assert_eq!(rejected.status, StatusCode::SEE_OTHER, "{}", rejected.body);
    assert_eq!(registry::get(&app.services, None, org).await.unwrap().public.library_status.code(), "none");
    let page = app.get_as(&owner, &format!("/admin/organizations/{org}")).await.body;
    assert!(page.contains("不予入库") && page.contains("主营业务为贸易"), "the organization reads the rejection");
    let messages = app.get_as(&owner, "/messages").await.body;
    assert!(messages.contains("入库申请未获同意"), "{messages}");
    let again = app
        .post_form(
            &owner,
            &format!("/admin/organizations/{org}/apply"),
            &[("statement", "已补充近两年设计投入凭证，请再次审核。")],
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let queue = app.get_as(&branch, "/admin/library/applications").await;
    let app_id = crate::support::first(r"/admin/library/applications/(\d+)", &queue.body);
    let accepted =
        app.post_form(&branch, &format!("/admin/library/applications/{app_id}"), &[("decision", "accept")]).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    assert_eq!(registry::get(&app.services, None, org).await.unwrap().public.library_status.code(), "in_library");
    app.finish().await;
}

#[tokio::test]
async fn administrators_edit_the_library_criteria() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else { return };
    app.user("crit_admin", "admin", None, None).await;
    app.user("crit_hq", "hq_staff", None, None).await;
    let admin = app.signed_in("crit_admin").await;
    let bad = app
        .post_form(
            &admin,
            "/admin/settings/library",
            &[
                ("min_design_investment", "-5"),
                ("years", "9"),
                ("min_design_staff", "5"),
                ("min_new_product_sales", "500"),
                ("min_design_patents", "3"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("不能为负数") && bad.body.contains("1 到 5"));
    let ok = app
        .post_form(
            &admin,
            "/admin/settings/library",
            &[
                ("min_design_investment", "30"),
                ("years", "1"),
                ("min_design_staff", "3"),
                ("min_new_product_sales", "200"),
                ("min_design_patents", "2"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let c = sheji_service::registry::library::criteria(&app.services).await.unwrap();
    assert_eq!((c.min_design_investment, c.years, c.min_design_staff), (30.0, 1, 3));
    let hq = app.signed_in("crit_hq").await;
    assert_eq!(app.post_form(&hq, "/admin/settings/library", &[("years", "1")]).await.status, StatusCode::FORBIDDEN);
    app.finish().await;
}

backend_tests!(the_generator_loads_and_refreshes_statistics_on_every_backend);

/// The generator ends with each backend's own statistics statement (VACUUM ANALYZE, ANALYZE
/// TABLE, ANALYZE), which must run outside a transaction.
async fn the_generator_loads_and_refreshes_statistics_on_every_backend(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let done = sheji_service::generator::generate(&app.services, 0.01, 3, |_, _, _| {}).await.unwrap();
    assert_eq!(done.organizations, 100);
    assert_eq!(registry::counts(&app.services).await.unwrap().total, 100);
    app.finish().await;
}

#[tokio::test]
async fn the_generator_fills_a_city_deterministically() {
    let first = {
        let Some(app) = TestApp::new(Backend::Sqlite).await else { return };
        let done = sheji_service::generator::generate(&app.services, 0.05, 7, |_, _, _| {}).await.unwrap();
        assert_eq!((done.organizations, done.figures, done.accounts), (500, 2500, 2500));
        let page = registry::list_public(&app.services, &OrgFilter::default(), PageRequest::new(Some(1), Some(20)))
            .await
            .unwrap();
        for org in &page.items {
            assert!(sheji_core::registry::uscc::Uscc::parse(&org.uscc).is_ok(), "valid USCC {}", org.uscc);
            assert!(org.name.starts_with("重庆"), "{}", org.name);
            assert!(!org.name.contains("科技科技"), "{}", org.name);
        }
        let in_library = registry::list_public(
            &app.services,
            &OrgFilter { library: Some(sheji_core::registry::LibraryStatus::InLibrary), ..Default::default() },
            PageRequest::default(),
        )
        .await
        .unwrap();
        assert!(in_library.total > 50, "a share of the city is in the library");
        let names: Vec<String> = page.items.into_iter().map(|o| o.name).collect();
        app.finish().await;
        names
    };
    let Some(app) = TestApp::new(Backend::Sqlite).await else { return };
    sheji_service::generator::generate(&app.services, 0.05, 7, |_, _, _| {}).await.unwrap();
    let again: Vec<String> =
        registry::list_public(&app.services, &OrgFilter::default(), PageRequest::new(Some(1), Some(20)))
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|o| o.name)
            .collect();
    assert_eq!(first, again, "the same seed gives the same city");
    app.finish().await;
}

#[tokio::test]
async fn organizations_are_created_and_changed_through_the_api() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    let (bishan, jiulong) = (app.district("璧山区").await.get(), app.district("九龙坡区").await.get());
    app.user("api_branch", "branch_staff", Some(bishan), None).await;
    let browser = app.signed_in("api_branch").await;
    let page = app
        .post_raw(
            &browser,
            "/account/tokens",
            &format!(
                "csrf={}&name=erp&days=30&permissions=registry.edit&permissions=registry.read_private",
                browser.csrf
            ),
        )
        .await;
    let token = format!(
        "sj_{}",
        page.body
            .split("sj_")
            .nth(1)
            .unwrap()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect::<String>()
    );
    let send = |method: &str, path: &str, body: serde_json::Value| {
        Request::builder()
            .method(method)
            .uri(path)
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let code = uscc("91500120MA5UJJJJ1");
    let bad = app
        .send(send(
            "POST",
            "/api/v1/staff/organizations",
            serde_json::json!({"uscc": "123", "name": "", "kind": "factory", "district_id": bishan}),
        ))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let message = bad.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains("18 位") && message.contains("单位名称") && message.contains("单位类型"), "{message}");
    let outside = app.send(send("POST", "/api/v1/staff/organizations", serde_json::json!({"uscc": code, "name": "重庆接口测试有限公司", "kind": "manufacturer", "district_id": jiulong}))).await;
    assert_eq!(outside.status, StatusCode::BAD_REQUEST, "another district is out of scope");
    let created = app
        .send(send("POST", "/api/v1/staff/organizations", serde_json::json!({"uscc": code, "name": "重庆接口测试有限公司", "kind": "manufacturer", "district_id": bishan, "contact_phone": "13700001111", "qualifications": {"high_tech": 2024}})))
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let body = created.json();
    assert_eq!(body["private"]["contact_phone"], "13700001111");
    let id = body["id"].as_i64().unwrap();
    let changed = app
        .send(send("PUT", &format!("/api/v1/staff/organizations/{id}"), serde_json::json!({"name": "重庆接口测试股份有限公司", "kind": "manufacturer", "district_id": bishan, "contact_phone": "13700001111"})))
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(changed.json()["name"], "重庆接口测试股份有限公司");
    let other = registry::list_public(
        &app.services,
        &OrgFilter { district: Some(sheji_core::ids::DistrictId(jiulong)), ..Default::default() },
        PageRequest::default(),
    )
    .await
    .unwrap()
    .items[0]
        .id;
    let refused = app
        .send(send(
            "PUT",
            &format!("/api/v1/staff/organizations/{other}"),
            serde_json::json!({"name": "x", "kind": "manufacturer", "district_id": jiulong}),
        ))
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    app.finish().await;
}

/// Clerks' sheets often carry the year in the title and not in a column, and still name the
/// districts abolished in 2025: the year is taken from the title (or the form), and 江北区 is
/// read as 两江新区, each said in the report; nothing is refused for it.
#[tokio::test]
async fn a_title_year_and_an_abolished_district_are_read_as_clerks_mean_them() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else { return };
    let (a, b) = (uscc("91500120MA5UYYY1A"), uscc("91500120MA5UYYY2B"));
    let sheet = |title: &str| {
        vec![
            vec![title.to_owned()],
            ["企业名称", "统一社会信用代码", "所属区县", "单位类型", "设计人员", "从业人员"]
                .map(str::to_owned)
                .to_vec(),
            ["重庆江北测试有限公司", a.as_str(), "江北区", "制造企业", "12", "80"].map(str::to_owned).to_vec(),
            ["重庆璧山测试有限公司", b.as_str(), "璧山区", "制造企业", "9", "40"].map(str::to_owned).to_vec(),
        ]
    };
    let system = system_principal();
    // No year anywhere: every row with figures is refused, saying where a year may be given.
    let none = import::Upload::new(xlsx(&sheet("设计驱动型企业汇总表")), "a.xlsx").unwrap();
    let report = import::preview(&app.services, &system, &none, Lang::Zh).await.unwrap();
    assert_eq!((report.valid(), report.year), (0, None));
    assert!(
        report.bad_rows().all(|(_, m)| m.contains("或在上传时填写指标年度")),
        "{:?}",
        report.bad_rows().collect::<Vec<_>>()
    );
    // The title's year is proposed and used; the abolished district is read as its successor.
    let titled = import::Upload::new(xlsx(&sheet("2026年度设计驱动型企业汇总表")), "a.xlsx").unwrap();
    let report = import::preview(&app.services, &system, &titled, Lang::Zh).await.unwrap();
    assert_eq!(report.valid(), 2, "{:?}", report.bad_rows().collect::<Vec<_>>());
    assert_eq!(report.year, Some((2026, import::YearSource::Title)));
    assert_eq!(report.noticed, 1);
    let notice = report.rows.iter().flat_map(|r| r.notices.iter()).map(|n| n.message.clone()).collect::<Vec<_>>();
    assert_eq!(notice, ["江北区已撤销，按两江新区导入。"]);
    // A year chosen on the form wins over the title's.
    let chosen = titled.clone().with_year(Some(2025));
    let done = import::commit(&app.services, &system, &chosen, &Actor::system(), Lang::Zh, |_| {}).await.unwrap();
    assert_eq!(done.year, Some((2025, import::YearSource::Chosen)));
    assert_eq!(done.created, 2);
    let liangjiang = app.district("两江新区").await;
    let filter = OrgFilter { district: Some(liangjiang), ..Default::default() };
    let there = registry::list_public(&app.services, &filter, PageRequest::default()).await.unwrap();
    assert_eq!(there.items.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(), ["重庆江北测试有限公司"]);
    // The same through the pages: the year field, the summary line and the notice.
    app.user("imp_admin", "admin", None, None).await;
    let admin = app.signed_in("imp_admin").await;
    let form = app.get_as(&admin, "/admin/organizations/import").await;
    assert!(form.body.contains(r#"name="year""#));
    app.finish().await;
}

/// Bulk admission applies the checklist: an organization that fails it is left out and named,
/// as the page says; one that passes is admitted.
#[tokio::test]
async fn bulk_admission_leaves_out_and_names_those_failing_the_checklist() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else { return };
    let (a, b) = (uscc("91500120MA5UPAAA1"), uscc("91500120MA5UFAAA2"));
    let head = [
        "企业名称",
        "统一社会信用代码",
        "所属区县",
        "单位类型",
        "指标年度",
        "设计投入（万元）",
        "设计人员",
        "从业人员",
        "新产品销售收入（万元）",
    ]
    .map(str::to_owned)
    .to_vec();
    let system = system_principal();
    for (year, with_b) in [("2025", true), ("2024", false)] {
        let mut rows = vec![
            head.clone(),
            ["重庆璧山达标测试有限公司", a.as_str(), "璧山区", "制造企业", year, "120", "8", "60", "2300"]
                .map(str::to_owned)
                .to_vec(),
        ];
        if with_b {
            rows.push(
                ["重庆璧山未达标测试有限公司", b.as_str(), "璧山区", "制造企业", "", "", "", "", ""]
                    .map(str::to_owned)
                    .to_vec(),
            );
        }
        let upload = import::Upload::new(xlsx(&rows), "a.xlsx").unwrap();
        import::commit(&app.services, &system, &upload, &Actor::system(), Lang::Zh, |_| {}).await.unwrap();
    }
    let all = registry::list_public(&app.services, &OrgFilter::default(), PageRequest::default()).await.unwrap().items;
    let id = |name: &str| all.iter().find(|o| o.name == name).map(|o| o.id.get().to_string()).unwrap();
    let (pass, fail) = (id("重庆璧山达标测试有限公司"), id("重庆璧山未达标测试有限公司"));
    app.user("bulk_admin", "admin", None, None).await;
    let admin = app.signed_in("bulk_admin").await;
    let r = app.post_form(&admin, "/admin/organizations/library/admit", &[("ids", &pass), ("ids", &fail)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get_as(&admin, r.header("location")).await;
    assert!(page.body.contains("已入库 1 家"), "{}", page.body);
    assert!(page.body.contains("未达到入库条件，未入库：重庆璧山未达标测试有限公司"), "{}", page.body);
    let status = |id: &str| {
        let id = OrganizationId(id.parse().unwrap());
        let services = app.services.clone();
        async move { registry::get(&services, None, id).await.unwrap().public.library_status.code() }
    };
    assert_eq!((status(&pass).await, status(&fail).await), ("in_library", "none"));
    app.finish().await;
}
