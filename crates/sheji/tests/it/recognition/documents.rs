//! Official documents over HTTP: the application as submitted with its digest checked on the
//! public verification page (and going stale after a resubmission), the district's letter,
//! the certificate with the administrator's seal and the public address in its QR code, and
//! a concluded batch's final list; who may have each, and what a wrong value gets.

use sheji_core::page::PageRequest;
use sheji_core::registry::LibraryStatus;
use sheji_service::Backend;
use sheji_service::registry::{OrgFilter, list_public};

use super::{apply, multipart, open_batch, step, submit};
use crate::support::{TestApp, backend_tests, first};

/// The digest printed in a print view's footer, without its spaces.
fn digest_of(body: &str) -> String {
    first(r"摘要 ((?:[0-9a-f]{8} ?){8})", body).replace(' ', "")
}

async fn papers_from_application_to_final_list(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let bishan = app.district("璧山区").await;
    let in_library =
        OrgFilter { district: Some(bishan), library: Some(LibraryStatus::InLibrary), ..Default::default() };
    let orgs = list_public(&app.services, &in_library, PageRequest::new(Some(1), Some(2))).await.unwrap().items;
    let (a, b) = (&orgs[0], &orgs[1]);
    app.user("city1", "city_officer", None, None).await;
    app.user("bs1", "branch_staff", Some(bishan.get()), None).await;
    app.user("orga", "org_admin", None, Some(a.id.get())).await;
    app.user("orgb", "org_admin", None, Some(b.id.get())).await;
    app.user("adm", "admin", None, None).await;
    let (city, branch) = (app.signed_in("city1").await, app.signed_in("bs1").await);
    let (org_a, org_b, admin) = (app.signed_in("orga").await, app.signed_in("orgb").await, app.signed_in("adm").await);

    // The administrator sets the public address (a wrong one is refused with the reason) and
    // the seal (only a PNG).
    let wrong = app.post_form(&admin, "/admin/settings/address", &[("public_address", "javascript:alert(1)")]).await;
    assert_eq!(wrong.status, 400);
    assert!(wrong.body.contains("地址须以 http:// 或 https:// 开头") && wrong.body.contains("javascript:alert(1)"));
    let set = app.post_form(&admin, "/admin/settings/address", &[("public_address", "https://sheji.cq.gov.cn/")]).await;
    assert_eq!(set.status, 303, "{}", set.body);
    assert_eq!(
        app.post_form(&city, "/admin/settings/address", &[("public_address", "https://evil.example")]).await.status,
        403
    );
    let not_png = multipart(
        &app,
        &admin,
        "/admin/documents",
        &[("issuer", "重庆市经济和信息化委员会")],
        &[("seal", "seal.jpg", b"\xff\xd8\xff\xe0 jpeg")],
    )
    .await;
    assert_eq!(not_png.status, 400);
    assert!(not_png.body.contains("印章须是 PNG 图片") && not_png.body.contains("重庆市经济和信息化委员会"));
    // A real 2×2 PNG; one with a PNG header and broken content is refused as unreadable.
    let png = b"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x02\x00\x00\x00\x02\x08\x06\x00\x00\x00\x72\xb6\x0d\x24\x00\x00\x00\x11\x49\x44\x41\x54\x78\x9c\x63\x38\xa0\xa0\x70\x00\x84\x19\x60\x0c\x00\x3f\x12\x07\x01\x9b\x71\x6c\xe8\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";
    // Too large, whether it reaches the check (1.5 MB) or is cut off at the request limit
    // (3 MB): refused with the limit named, never "saved" without it.
    for size in [1_500_000, 3_000_000] {
        let mut big = b"\x89PNG\r\n\x1a\n".to_vec();
        big.resize(size, 0);
        let refused =
            multipart(&app, &admin, "/admin/documents", &[("issuer", "")], &[("seal", "seal.png", &big)]).await;
        assert_eq!(refused.status, 400, "{size} bytes");
        assert!(refused.body.contains("印章图片不能超过 1 MB"), "{}", refused.body);
    }
    let broken = multipart(
        &app,
        &admin,
        "/admin/documents",
        &[("issuer", "")],
        &[("seal", "seal.png", b"\x89PNG\r\n\x1a\n broken")],
    )
    .await;
    assert_eq!(broken.status, 400);
    assert!(broken.body.contains("印章图片无法读取"), "{}", broken.body);
    let sealed =
        multipart(&app, &admin, "/admin/documents", &[("issuer", "重庆市经济信息委")], &[("seal", "seal.png", png)])
            .await;
    assert_eq!(sealed.status, 303, "{}", sealed.body);
    assert_eq!(multipart(&app, &org_a, "/admin/documents", &[("issuer", "x")], &[]).await.status, 403);

    // A district-center batch: A applies; nothing to print before submission.
    let batch = open_batch(&app, &city, "district_center", "2026年度区县级工业设计中心认定", "", "", &[]).await;
    let id = apply(&app, &org_a, &batch).await;
    let draft = app.get_as(&org_a, &format!("/recognition/applications/{id}/application.pdf")).await;
    assert_eq!(draft.status, 409);
    assert!(draft.body.contains("还未提交"), "{}", draft.body);
    assert_eq!(submit(&app, &org_a, &id).await.status, 303);

    // The application as submitted: a PDF, and a print view with the digest on it.
    let pdf = app.get_as(&org_a, &format!("/recognition/applications/{id}/application.pdf")).await;
    assert_eq!((pdf.status.as_u16(), pdf.header("content-type")), (200, "application/pdf"));
    assert!(pdf.body.starts_with("%PDF-"));
    let print = app.get_as(&branch, &format!("/recognition/applications/{id}/application")).await;
    assert_eq!(print.status, 200);
    assert!(print.body.contains(&a.name) && print.body.contains("设计中心成立于2019年"), "{}", print.body);
    assert!(print.body.contains(&format!("https://sheji.cq.gov.cn/verify/application?no={id}&#38;digest=")));
    let digest = digest_of(&print.body);
    assert_eq!(digest.len(), 64);
    // Another organization cannot have it.
    assert_eq!(app.get_as(&org_b, &format!("/recognition/applications/{id}/application.pdf")).await.status, 404);
    assert_eq!(app.get(&format!("/recognition/applications/{id}/application.pdf")).await.status, 303);

    // The public check: anyone holding the paper (number and digest) can confirm it, as the
    // digest was copied: uppercase, in groups.
    let typed = digest
        .to_uppercase()
        .as_bytes()
        .chunks(8)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    let ok = app.get(&format!("/verify/application?no={id}&digest={}", crate::support::encode(&typed))).await;
    assert_eq!(ok.status, 200);
    assert!(ok.body.contains("一致：这份申报书") && ok.body.contains(&a.name), "{}", ok.body);
    let mut altered = digest.clone();
    altered.replace_range(0..1, if digest.starts_with('0') { "1" } else { "0" });
    let bad = app.get(&format!("/verify/application?no={id}&digest={altered}")).await;
    assert!(bad.body.contains("不一致") && !bad.body.contains(&a.name), "{}", bad.body);
    let wrong_fields = app.get("/verify/application?no=abc&digest=xyz").await;
    assert_eq!(wrong_fields.status, 400);
    assert!(
        wrong_fields.body.contains("申报书编号是一个正整数") && wrong_fields.body.contains("摘要是 64 位"),
        "{}",
        wrong_fields.body
    );

    // No letter before the district recommends; then the district's letter names it.
    let early = app.get_as(&branch, &format!("/recognition/applications/{id}/letter.pdf")).await;
    assert_eq!(early.status, 409);
    // Returned and submitted again: the old paper no longer matches.
    assert_eq!(step(&app, &branch, &id, "return", "请补充设计团队名单").await.status, 303);
    app.clock.advance(chrono::Duration::hours(3));
    let (org_a, branch, city) = (app.signed_in("orga").await, app.signed_in("bs1").await, app.signed_in("city1").await);
    let org_b = app.signed_in("orgb").await;
    assert_eq!(submit(&app, &org_a, &id).await.status, 303);
    let stale = app.get(&format!("/verify/application?no={id}&digest={digest}")).await;
    assert!(stale.body.contains("不一致"), "{}", stale.body);
    assert_eq!(step(&app, &branch, &id, "recommend", "同意推荐，团队齐全").await.status, 303);
    let letter = app.get_as(&org_a, &format!("/recognition/applications/{id}/letter")).await;
    assert_eq!(letter.status, 200);
    assert!(
        letter.body.contains("璧山区经济和信息化委员会")
            && letter.body.contains("同意推荐，团队齐全")
            && letter.body.contains(&a.name),
        "{}",
        letter.body
    );
    let page = app.get_as(&org_a, &format!("/recognition/applications/{id}")).await;
    assert!(page.body.contains(&format!("/recognition/applications/{id}/letter.pdf")), "the page offers the letter");
    assert_eq!(
        app.get_as(&branch, &format!("/recognition/applications/{id}/letter.pdf")).await.header("content-type"),
        "application/pdf"
    );

    // Concluded: the final list is public; the certificate is the holder's and staff's.
    let early_list = app.get(&format!("/recognition/batches/{batch}/list.pdf")).await;
    assert_eq!(early_list.status, 409);
    assert_eq!(step(&app, &city, &id, "pass", "").await.status, 303);
    assert_eq!(app.post_form(&city, &format!("/admin/recognition/{batch}/steps/conclude"), &[]).await.status, 303);
    let list = app.get(&format!("/recognition/batches/{batch}/list")).await;
    assert_eq!(list.status, 200);
    assert!(
        list.body.contains(&a.name) && list.body.contains("QX-2026-0002") && list.body.contains("重庆市经济信息委")
    );
    let list_pdf = app.get(&format!("/recognition/batches/{batch}/list.pdf")).await;
    assert!(list_pdf.body.starts_with("%PDF-"), "{}", list_pdf.body);
    let cert = app.get_as(&org_a, "/certificates/QX-2026-0002/print").await;
    assert_eq!(cert.status, 200);
    assert!(cert.body.contains("data:image/png;base64,"), "the seal is stamped");
    assert!(cert.body.contains("https://sheji.cq.gov.cn/certificates/QX-2026-0002"), "the QR code's address");
    assert!(cert.body.contains(&a.uscc) && cert.body.contains("重庆市经济信息委"));
    assert!(app.get_as(&org_a, "/certificates/QX-2026-0002/certificate.pdf").await.body.starts_with("%PDF-"));
    assert_eq!(app.get_as(&org_b, "/certificates/QX-2026-0002/certificate.pdf").await.status, 404);
    // The verification page stays public and offers the print only to those who may print.
    assert!(app.get_as(&org_a, "/certificates/QX-2026-0002").await.body.contains("/certificates/QX-2026-0002/print"));
    let public = app.get("/certificates/QX-2026-0002").await;
    assert_eq!(public.status, 200);
    assert!(!public.body.contains("/certificates/QX-2026-0002/print"));
    // In English, the same document reads in English.
    let en = app.get_as(&org_a, "/certificates/QX-2026-0002/print?lang=en").await;
    assert!(en.body.contains("Certificate of recognition") && !en.body.contains("认定证书"), "{}", en.body);
    app.finish().await;
}

backend_tests!(papers_from_application_to_final_list);

/// The text of each page of a PDF, read by Debian's `pdftotext` (poppler-utils, which `.ci/run`
/// installs); `None`, with a printed notice, where it is missing and CI does not require it.
fn pdf_pages(pdf: &[u8]) -> Option<Vec<String>> {
    let dir = std::env::temp_dir().join(format!("sheji_pdf_{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("doc.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = std::process::Command::new("pdftotext").arg("-layout").arg(&file).arg("-").output();
    let _ = std::fs::remove_dir_all(&dir);
    match out {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            Some(text.split('\u{c}').filter(|p| !p.trim().is_empty()).map(str::to_owned).collect())
        }
        _ if std::env::var("SHEJI_TEST_REQUIRE_ALL").is_ok_and(|v| v == "1") => {
            panic!("pdftotext (poppler-utils) is required when SHEJI_TEST_REQUIRE_ALL=1")
        }
        _ => {
            eprintln!("skipped: pdftotext (poppler-utils) is not installed");
            None
        }
    }
}

/// A long application prints over several pages, and every page carries its number and digest,
/// so any one sheet of the paper can be checked online.
#[tokio::test]
async fn every_page_of_an_application_carries_its_digest() {
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else { return };
    let bishan = app.district("璧山区").await;
    let in_library =
        OrgFilter { district: Some(bishan), library: Some(LibraryStatus::InLibrary), ..Default::default() };
    let org = list_public(&app.services, &in_library, PageRequest::new(Some(1), Some(1))).await.unwrap().items;
    app.user("city1", "city_officer", None, None).await;
    app.user("orga", "org_admin", None, Some(org[0].id.get())).await;
    let (city, applicant) = (app.signed_in("city1").await, app.signed_in("orga").await);
    let batch = open_batch(&app, &city, "district_center", "2026年度区县级中心（多页）", "", "", &[]).await;
    let id = apply(&app, &applicant, &batch).await;
    let description =
        "设计中心成立于2019年，现有设计人员六十余人，年均完成新产品设计二十余项，覆盖外观、结构、人机交互与用户研究。\n"
            .repeat(60);
    let submitted = app
        .post_form(
            &applicant,
            &format!("/recognition/applications/{id}"),
            &[
                ("description", &description),
                ("incident_free", "on"),
                ("credit_ok", "on"),
                ("statement_signed", "on"),
                ("action", "submit"),
            ],
        )
        .await;
    assert_eq!(submitted.status, 303, "{}", submitted.body);
    let print = app.get_as(&applicant, &format!("/recognition/applications/{id}/application")).await;
    let digest = digest_of(&print.body);
    let pdf = app.get_as(&applicant, &format!("/recognition/applications/{id}/application.pdf")).await;
    assert_eq!(pdf.status, 200);
    let Some(pages) = pdf_pages(&pdf.bytes) else { return };
    assert!(pages.len() >= 2, "the long application takes several pages ({})", pages.len());
    for (n, page) in pages.iter().enumerate() {
        let flat: String = page.split_whitespace().collect();
        assert!(
            flat.contains(&digest[..8]) && flat.contains(&digest[56..]),
            "page {} carries the digest {digest}: {page}",
            n + 1
        );
        assert!(flat.contains(&format!("申报书编号{id}")), "page {} carries the number: {page}", n + 1);
    }
    app.finish().await;
}
