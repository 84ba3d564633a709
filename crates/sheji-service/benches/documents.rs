//! Time to lay out and write each kind of official document from scratch, against a one-line
//! document made by the same engine in the same run (the engine's fixed cost: the baseline).
//!
//! `cargo bench -p sheji-service --bench documents`

// A failed render is a broken benchmark, not a user-facing path.
#![allow(clippy::expect_used)]

use sheji_core::i18n::Lang;
use sheji_service::document::{Layout, Line, Paper, Printable, Section, Table, qr_svg};

fn main() {
    divan::main();
}

fn paper(layout: Layout) -> Paper {
    let mut p = Paper::new(layout, Lang::Zh, "bench");
    p.issuer = "重庆市经济和信息化委员会".into();
    p.title = "认定证书".into();
    p.subtitle = "证书编号：SJ-2026-0001".into();
    p.signer = p.issuer.clone();
    p.date = "2026年12月6日".into();
    p.verify_url = Some("https://sheji.cq.gov.cn/certificates/SJ-2026-0001".into());
    p.verify_label = "扫码核验证书".into();
    p
}

/// Each document is made from scratch: a server rarely prints the same one twice in a row,
/// so Typst's memo would flatter the figures.
fn printable(p: Paper) -> Printable {
    sheji_service::document::forget_layout_cache();
    let qr = p.verify_url.as_deref().map(|u| qr_svg(u).expect("qr"));
    Printable { paper: p, qr, seal: None }
}

#[divan::bench]
fn baseline_one_line() -> Vec<u8> {
    let mut p = Paper::new(Layout::Letter, Lang::Zh, "bench");
    p.title = "测试".into();
    printable(p).pdf_blocking().expect("pdf")
}

#[divan::bench]
fn certificate() -> Vec<u8> {
    let mut p = paper(Layout::Certificate);
    p.paragraphs = vec!["重庆某某智能装备有限公司".into(), "经评审认定为市级工业设计中心".into()];
    p.lines = vec![Line::new("统一社会信用代码", "91500000MA5U000000"), Line::new("有效期至", "2029年12月5日")];
    printable(p).pdf_blocking().expect("pdf")
}

/// An application of about three pages: figures and a long description.
#[divan::bench]
fn application_three_pages() -> Vec<u8> {
    let mut p = paper(Layout::Letter);
    p.lines = (0..14).map(|i| Line::new(format!("2025 · 指标 {i}"), format!("{}", 1000 + i * 37))).collect();
    let para =
        "设计中心成立于2019年，现有设计人员六十余人，年均完成新产品设计二十余项，覆盖外观、结构、人机交互与用户研究。"
            .repeat(6);
    p.sections = vec![Section { heading: "设计中心基本情况".into(), text: vec![para; 10].join("\n\n") }];
    p.footer = "申报书编号 12 · 摘要 0123abcd 4567ef01 89abcdef 01234567 89abcdef 01234567 89abcdef 01234567".into();
    printable(p).pdf_blocking().expect("pdf")
}

/// The district's recommendation letter (推荐函): an addressee, three paragraphs, the contact.
#[divan::bench]
fn recommendation_letter() -> Vec<u8> {
    let mut p = paper(Layout::Letter);
    p.issuer = "璧山区工业设计分中心".into();
    p.title = "关于推荐重庆某某智能装备有限公司申报市级工业设计中心的函".into();
    p.subtitle = String::new();
    p.verify_url = None;
    p.addressee = "重庆市经济和信息化委员会：".into();
    p.paragraphs = vec![
        "根据《2026年度市级工业设计中心认定工作的通知》，经璧山区审核，现推荐重庆某某智能装备有限公司（统一社会信用代码 91500000MA5U000000）申报市级工业设计中心。".into(),
        "推荐意见：该单位设计中心运行规范，设计投入稳定，近三年设计成果转化良好。".into(),
        "本区县本批次已推荐 3 家，名额 5 家。".into(),
    ];
    p.closing = vec!["联系人：bishan".into()];
    printable(p).pdf_blocking().expect("pdf")
}

/// The 公示 notice of 40 items: period, objection address and contact, a four-column table and
/// the QR code of its online version.
#[divan::bench]
fn publicity_notice_40_items() -> Vec<u8> {
    let mut p = paper(Layout::Letter);
    p.title = "2026年度市级工业设计中心认定评审结果公示".into();
    p.subtitle = "渝经信设计〔2026〕12号".into();
    p.verify_url = Some("https://sheji.cq.gov.cn/publicity/12".into());
    p.verify_label = "扫码查看公示".into();
    p.paragraphs =
        vec!["现将2026年度市级工业设计中心认定评审结果予以公示，公示期为2026年12月7日至2026年12月13日。".into()];
    p.closing = vec![
        "对公示结果有异议的，请于公示期内通过 https://sheji.cq.gov.cn/publicity/12 提出。".into(),
        "联系电话：023-63899999；地址：重庆市渝北区某某路 1 号".into(),
    ];
    p.table = Some(Table {
        headers: ["名次", "项目", "单位名称", "等次"].map(String::from).to_vec(),
        rows: (1..=40)
            .map(|i| {
                vec![i.to_string(), format!("第{i}号设计中心"), format!("重庆第{i}智能装备有限公司"), "通过".into()]
            })
            .collect(),
    });
    printable(p).pdf_blocking().expect("pdf")
}

/// A final list of 200 organizations.
#[divan::bench]
fn final_list_200_rows() -> Vec<u8> {
    let mut p = paper(Layout::Letter);
    p.table = Some(Table {
        headers: ["序号", "单位名称", "统一社会信用代码", "区县", "证书编号", "有效期至"].map(String::from).to_vec(),
        rows: (1..=200)
            .map(|i| {
                vec![
                    i.to_string(),
                    format!("重庆第{i}智能装备有限公司"),
                    format!("91500000MA5U{i:06}"),
                    "璧山区".into(),
                    format!("SJ-2026-{i:04}"),
                    "2029年12月5日".into(),
                ]
            })
            .collect(),
    });
    printable(p).pdf_blocking().expect("pdf")
}
