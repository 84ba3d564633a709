//! The 公示 notice as an official notice: who issues it under which reference number (文号),
//! where objections go, the mark an item needs to be proposed and whether scores are shown; and the
//! phase of its window, so nothing reads "on notice" before the window opens or after it ends.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The official details of a campaign's 公示, set by staff when they publish.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PublicityNotice {
    /// Reference number of the notice (文号), e.g. 渝经信设计〔2026〕12号; empty when none.
    #[serde(default)]
    pub number: String,
    /// Telephone for objections.
    #[serde(default)]
    pub phone: String,
    /// Postal address for written objections.
    #[serde(default)]
    pub address: String,
    /// Whether the notice shows each item's score (many notices list names only).
    #[serde(default)]
    pub show_scores: bool,
    /// The score an item needs to be proposed; items below it are not on the notice. `None`
    /// proposes every item with a score.
    #[serde(default)]
    pub min_score: Option<f64>,
}

/// The longest reference number, in characters.
pub const MAX_NUMBER: usize = 64;
/// The longest address, in characters.
pub const MAX_ADDRESS: usize = 200;

impl PublicityNotice {
    /// Every problem as (field, message key): a telephone of 7 to 20 digits with the usual
    /// separators, an address, a reference number within bounds, a mark within 0–100.
    pub fn problems(&self) -> Vec<(&'static str, &'static str)> {
        let mut out = Vec::new();
        let single_line = |s: &str| !s.chars().any(char::is_control);
        if self.number.chars().count() > MAX_NUMBER || !single_line(&self.number) {
            out.push(("number", "review.notice.number_invalid"));
        }
        let digits = self.phone.chars().filter(char::is_ascii_digit).count();
        let phone_chars = self.phone.chars().all(|c| c.is_ascii_digit() || " -+()（）转,，".contains(c));
        if self.phone.trim().is_empty() {
            out.push(("phone", "review.notice.phone_required"));
        } else if !(7..=20).contains(&digits) || !phone_chars {
            out.push(("phone", "review.notice.phone_invalid"));
        }
        if self.address.trim().is_empty() {
            out.push(("address", "review.notice.address_required"));
        } else if self.address.chars().count() > MAX_ADDRESS || !single_line(&self.address) {
            out.push(("address", "review.notice.address_invalid"));
        }
        if self.min_score.is_some_and(|m| !(0.0..=100.0).contains(&m) || !m.is_finite()) {
            out.push(("min_score", "review.notice.min_score_range"));
        }
        out
    }
}

/// Where a published window stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicityPhase {
    /// Published, the window not yet open (it opens the next working day).
    Upcoming,
    /// Inside the window: objections are taken.
    Open,
    /// The window has ended; the final list is pending.
    Ended,
}

impl PublicityPhase {
    /// The phase of the window `from..=last` on `today`.
    pub fn on(from: NaiveDate, last: NaiveDate, today: NaiveDate) -> Self {
        if today < from {
            Self::Upcoming
        } else if today <= last {
            Self::Open
        } else {
            Self::Ended
        }
    }

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Upcoming => "upcoming",
            Self::Open => "open",
            Self::Ended => "ended",
        }
    }

    /// Badge class.
    pub fn badge(self) -> &'static str {
        match self {
            Self::Upcoming => "draft",
            Self::Open => "progress",
            Self::Ended => "action",
        }
    }
}

/// An objection's receipt number: `YY` (异议), the objection's number and six characters of
/// chance from `code`, e.g. `YY-42-7KQ3MZ`; the number alone cannot be guessed from another's.
pub fn receipt(objection: i32, code: &str) -> String {
    let chance: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        // 0/O and 1/I read alike on a phone call: left out.
        .filter(|c| !matches!(c, '0' | 'O' | '1' | 'I'))
        .take(6)
        .collect();
    format!("YY-{objection}-{chance}")
}

/// A receipt as typed: trimmed, upper case, full-width dashes read as ASCII.
pub fn normalize_receipt(typed: &str) -> String {
    typed.trim().replace(['－', '—', '–'], "-").to_ascii_uppercase()
}

/// Whether the contact typed when checking matches the one given with the objection: phone
/// numbers by their digits, e-mail addresses regardless of case.
pub fn same_contact(given: &str, typed: &str) -> bool {
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    if given.contains('@') {
        given.trim().eq_ignore_ascii_case(typed.trim())
    } else {
        let (a, b) = (digits(given), digits(typed));
        !a.is_empty() && a == b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice() -> PublicityNotice {
        PublicityNotice {
            number: "渝经信设计〔2026〕12号".to_owned(),
            phone: "023-6389 0000".to_owned(),
            address: "重庆市渝北区金开大道1号".to_owned(),
            show_scores: false,
            min_score: Some(70.0),
        }
    }

    #[test]
    fn a_notice_needs_a_phone_and_an_address() {
        assert!(notice().problems().is_empty());
        let bad = PublicityNotice {
            number: "x".repeat(MAX_NUMBER + 1),
            phone: "call us".to_owned(),
            address: " ".to_owned(),
            min_score: Some(120.0),
            ..notice()
        };
        let fields: Vec<&str> = bad.problems().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["number", "phone", "address", "min_score"]);
        assert_eq!(
            PublicityNotice { phone: String::new(), ..notice() }.problems(),
            [("phone", "review.notice.phone_required")]
        );
        assert_eq!(PublicityNotice { phone: "12345".to_owned(), ..notice() }.problems().len(), 1);
    }

    #[test]
    fn a_receipt_is_read_back_as_typed_and_checked_with_the_contact() {
        let r = receipt(42, "a0b1-cOdI_e9fgh");
        assert_eq!(r, "YY-42-ABCDE9");
        assert_eq!(normalize_receipt(" yy－42－abcde9 "), r);
        assert!(same_contact("138 0013 8000", "13800138000"));
        assert!(!same_contact("138 0013 8000", "13800138001"));
        assert!(same_contact("Chen@Example.com", " chen@example.com"));
        assert!(!same_contact("", ""));
    }

    #[test]
    fn the_window_has_three_phases() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
        let (from, last) = (d("2026-12-07"), d("2026-12-11"));
        assert_eq!(PublicityPhase::on(from, last, d("2026-12-06")), PublicityPhase::Upcoming);
        assert_eq!(PublicityPhase::on(from, last, d("2026-12-07")), PublicityPhase::Open);
        assert_eq!(PublicityPhase::on(from, last, d("2026-12-11")), PublicityPhase::Open);
        assert_eq!(PublicityPhase::on(from, last, d("2026-12-12")), PublicityPhase::Ended);
    }
}
