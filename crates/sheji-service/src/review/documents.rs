//! The review's official document: the 公示 notice of a campaign's results, printed as the
//! public page shows them (anyone may have it while the results are on notice or final).

use sheji_core::i18n::Lang;
use sheji_core::ids::CampaignId;
use sheji_core::page::{MAX_PER_PAGE, PageRequest};
use sheji_core::review::CampaignStatus;

use super::sheet::public_results;
use crate::document::{Layout, Paper, Printable, Table};
use crate::{ServiceError, Services};

/// A notice lists at most this many items.
const NOTICE_LIMIT: u64 = 2_000;

/// The 公示 notice (or, once final, the final results) of a campaign.
pub async fn notice_paper(services: &Services, id: CampaignId, lang: Lang) -> Result<Printable, ServiceError> {
    let (c, first) = public_results(services, id, PageRequest::new(Some(1), Some(MAX_PER_PAGE))).await?;
    let mut lines = first.items;
    let pages = first.total.min(NOTICE_LIMIT).div_ceil(MAX_PER_PAGE);
    for n in 2..=pages {
        lines.extend(public_results(services, id, PageRequest::new(Some(n), Some(MAX_PER_PAGE))).await?.1.items);
    }
    let issuer = crate::document::issuer(services, lang).await?;
    let is_final = c.status == CampaignStatus::Final;
    let mut p = Paper::new(Layout::Letter, lang, format!("notice-{}", id.get()));
    p.issuer = issuer.clone();
    p.title = lang.tf(
        if is_final { "review.doc.final_title" } else { "review.doc.notice_title" },
        &[("campaign", &c.fields.name)],
    );
    let notice = c.notice.clone().unwrap_or_default();
    // The reference number (文号) stands under the heading, as on a paper notice.
    p.subtitle = notice.number.clone();
    let notice_url = crate::identity::absolute_url(services, &format!("/publicity/{}", id.get())).await?;
    if let Some((from, until)) = c.publicity {
        p.paragraphs.push(lang.tf(
            "review.doc.notice_intro",
            &[("campaign", &c.fields.name), ("from", &lang.long_date(from)), ("until", &lang.long_date(until))],
        ));
        p.date = lang.long_date(from);
    }
    if !is_final {
        p.closing.push(lang.tf("review.doc.notice_objections", &[("url", &notice_url)]));
        if !notice.phone.is_empty() {
            p.closing
                .push(lang.tf("review.doc.notice_contact", &[("phone", &notice.phone), ("address", &notice.address)]));
        }
    }
    // Scores only where the notice shows them; a withdrawn item says so in place of its grade.
    let mut headers = vec!["review.rank", "review.item_title", "review.organization"];
    if notice.show_scores {
        headers.push("review.score");
    }
    headers.push("review.grade");
    p.table = Some(Table {
        headers: headers.iter().map(|k| lang.t(k).to_owned()).collect(),
        rows: lines
            .iter()
            .map(|l| {
                let mut row = vec![
                    l.result.rank.to_string(),
                    l.item.item.fields.title.clone(),
                    l.item.organization.clone().unwrap_or_default(),
                ];
                if notice.show_scores {
                    row.push(l.result.score.map(|x| format!("{x:.2}")).unwrap_or_else(|| "—".to_owned()));
                }
                row.push(if l.upheld {
                    lang.t("review.upheld").to_owned()
                } else {
                    l.result.grade.clone().unwrap_or_default()
                });
                row
            })
            .collect(),
    });
    p.signer = issuer;
    p.verify_url = Some(notice_url);
    p.verify_label = lang.t("review.doc.scan_notice").to_owned();
    Printable::new(services, p, true).await
}
