//! The languages, the message lookup and the number and date formats of DESIGN.md. Every
//! piece of text a user reads lives in a capability's message files under one stable key
//! ([`catalogue`]); errors and views carry keys and arguments, and the edge renders them in
//! the reader's language.
//!
//! Keys are looked up at run time, so tests (here, and one in the web crate that scans the
//! code and templates) make sure every key used exists in both languages and that every
//! message gets the variables it takes.

pub mod catalogue;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// The languages the interface speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lang {
    /// 简体中文, the default.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The BCP 47 tag used in `lang=""` attributes and the `?lang=` switch.
    pub fn tag(self) -> &'static str {
        match self {
            Self::Zh => "zh-CN",
            Self::En => "en",
        }
    }

    /// Reads a language tag loosely: `zh`, `zh-CN`, `zh_CN.UTF-8`, `en`, `en-US` …
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_', '.', ';']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Self::Zh),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The first supported language of an `Accept-Language` header, honouring q-values.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut best: Option<(f32, Self)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let Some(lang) = pieces.next().and_then(Self::from_tag) else {
                continue;
            };
            let q =
                pieces.filter_map(|p| p.trim().strip_prefix("q=")).find_map(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, lang)| lang)
    }

    /// The other language, for the switch in the header.
    pub fn other(self) -> Self {
        match self {
            Self::Zh => Self::En,
            Self::En => Self::Zh,
        }
    }

    /// The text of `key` in this language; the key itself if the catalogue lacks it, so a
    /// missing entry shows up on the page instead of an empty space.
    pub fn t(self, key: &str) -> &str {
        catalogue::text(self, key).unwrap_or(key)
    }

    /// The text of `key` with its variables (`{ $name }` in the message files) filled in.
    pub fn tf(self, key: &str, args: &[(&str, &str)]) -> String {
        catalogue::format(self, key, args).unwrap_or_else(|| key.to_owned())
    }

    /// Items of a list as the language writes them: 甲、乙 / A, B.
    pub fn join_list<S: AsRef<str>>(self, items: impl IntoIterator<Item = S>) -> String {
        self.join(items, if self == Self::En { ", " } else { "、" })
    }

    /// Clauses as the language separates them: 甲；乙 / A; B.
    pub fn join_clauses<S: AsRef<str>>(self, items: impl IntoIterator<Item = S>) -> String {
        self.join(items, if self == Self::En { "; " } else { "；" })
    }

    fn join<S: AsRef<str>>(self, items: impl IntoIterator<Item = S>, separator: &str) -> String {
        let items: Vec<S> = items.into_iter().collect();
        items.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(separator)
    }

    /// A date as tables show it (2026-11-27).
    pub fn date(self, date: NaiveDate) -> String {
        date.format("%Y-%m-%d").to_string()
    }

    /// A date as documents and certificates write it (2026年11月27日; 27 November 2026).
    pub fn long_date(self, date: NaiveDate) -> String {
        match self {
            Self::Zh => format!("{}年{}月{}日", date.year(), date.month(), date.day()),
            Self::En => date.format("%-d %B %Y").to_string(),
        }
    }
}

/// A moment as tables show it, in China Standard Time (UTC+8): 2026-11-27 17:05.
pub fn datetime(at: chrono::DateTime<chrono::Utc>) -> String {
    match chrono::FixedOffset::east_opt(8 * 3600) {
        Some(cst) => at.with_timezone(&cst).format("%Y-%m-%d %H:%M").to_string(),
        None => at.format("%Y-%m-%d %H:%M UTC").to_string(),
    }
}

/// A count with thousands separators: 12,345.
pub fn count(n: u64) -> String {
    group_thousands(&n.to_string())
}

/// An amount in 万元 with thousands separators and one decimal: 1,234.5.
pub fn wan_yuan(amount: f64) -> String {
    let rounded = format!("{:.1}", amount.abs());
    let (int, frac) = rounded.split_once('.').unwrap_or((&rounded, "0"));
    let sign = if amount < 0.0 && rounded != "0.0" { "-" } else { "" };
    format!("{sign}{}.{frac}", group_thousands(int))
}

fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A file's size as people read it: bytes below 1 KB, then KB, then MB with one decimal (a
/// 60-byte file is "60 B", not "0.1 KB").
pub fn file_size(bytes: i64) -> String {
    let b = bytes.max(0) as f64;
    if b < 1024.0 {
        format!("{bytes} B")
    } else if b < 1024.0 * 1024.0 {
        format!("{:.1} KB", b / 1024.0)
    } else {
        format!("{:.1} MB", b / (1024.0 * 1024.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_sizes_read_in_the_unit_they_need() {
        assert_eq!(file_size(60), "60 B");
        assert_eq!(file_size(2048), "2.0 KB");
        assert_eq!(file_size(5 * 1024 * 1024), "5.0 MB");
    }

    #[test]
    fn a_message_chooses_its_words_by_a_number_and_prints_it_as_given() {
        let one = Lang::En.tf("matchmaking.todo.answer", &[("n", "1")]);
        assert_eq!(one, "One interest awaits your answer");
        assert_eq!(Lang::En.tf("matchmaking.todo.answer", &[("n", "12345")]), "12345 interests await your answer");
        assert_eq!(
            Lang::En.tf("service.msg.follow_up", &[("organization", "A"), ("days", "0"), ("date", "")]),
            "A follow-up visit to A is due today."
        );
        // Not numbers: kept as typed.
        assert!(Lang::Zh.tf("matchmaking.excluded_unknown", &[("code", "007")]).contains("007"));
        assert_eq!(Lang::Zh.tf("matchmaking.amount_exact", &[("a", "2026")]), "2026 万元");
    }

    #[test]
    fn message_files_are_sound() {
        assert!(catalogue::problems().is_empty(), "{:#?}", catalogue::problems());
        assert!(catalogue::keys().len() > 1000, "the files were read ({} keys)", catalogue::keys().len());
    }

    #[test]
    fn every_message_renders_without_a_placeholder_left() {
        for key in catalogue::keys() {
            let args: Vec<(&str, &str)> = catalogue::variables(key).iter().map(|n| (n.as_str(), "X")).collect();
            for lang in [Lang::Zh, Lang::En] {
                let text = lang.tf(key, &args);
                assert!(!text.is_empty(), "{key} is empty in {lang:?}");
                assert!(!text.contains('{') && !text.contains('$'), "{key} in {lang:?} renders as {text}");
            }
        }
    }

    #[test]
    fn english_never_shows_chinese_and_chinese_shows_no_key() {
        // A few messages are meant to quote Chinese names (两江新区, 专精特新 …) in English;
        // those carry them on purpose and are listed here.
        let quoting = ["lang.switch", "import.", "register.", "indicator.", "qualification.", "unit."];
        let mut wrong = Vec::new();
        for key in catalogue::keys() {
            let args: Vec<(&str, &str)> = catalogue::variables(key).iter().map(|n| (n.as_str(), "X")).collect();
            let en = Lang::En.tf(key, &args);
            if !quoting.iter().any(|q| key.starts_with(q)) {
                let han = en.chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).count();
                if han > 0 && en.chars().count() <= 3 * han {
                    wrong.push(format!("{key} in English reads mostly Chinese: {en}"));
                }
            }
            assert_ne!(Lang::Zh.tf(key, &args), key, "{key} renders as its own key");
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn lookup_and_placeholders() {
        assert_eq!(Lang::Zh.t("nav.home"), "首页");
        assert_eq!(Lang::En.t("nav.home"), "Home");
        assert_eq!(Lang::En.t("no.such.key"), "no.such.key");
        assert_eq!(Lang::En.t("recognition.or"), " or ");
        assert_eq!(
            Lang::Zh.tf("uscc.length", &[("n", "16")]),
            "统一社会信用代码应为 18 位，当前为 16 位。请核对营业执照。"
        );
    }

    #[test]
    fn lists_and_clauses_are_punctuated_per_language() {
        assert_eq!(Lang::Zh.join_list(["甲", "乙"]), "甲、乙");
        assert_eq!(Lang::En.join_list(["a", "b"]), "a, b");
        assert_eq!(Lang::Zh.join_clauses(["甲", "乙"]), "甲；乙");
        assert_eq!(Lang::En.join_clauses(vec!["a".to_owned(), "b".to_owned()]), "a; b");
    }

    #[test]
    fn accept_language_honours_quality() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9,zh-CN;q=0.8"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("fr-FR, zh;q=0.5, en;q=0.4"), Some(Lang::Zh));
        assert_eq!(Lang::from_accept_language("fr-FR, de"), None);
        assert_eq!(Lang::from_tag("zh_CN.UTF-8"), Some(Lang::Zh));
    }

    #[test]
    fn formats_follow_the_house_style() {
        assert_eq!(count(0), "0");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(wan_yuan(1234.56), "1,234.6");
        assert_eq!(wan_yuan(-0.04), "0.0");
        assert_eq!(wan_yuan(-12345.0), "-12,345.0");
        let d = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default();
        assert_eq!(Lang::Zh.date(d), "2026-11-27");
        assert_eq!(Lang::Zh.long_date(d), "2026年11月27日");
        assert_eq!(Lang::En.long_date(d), "27 November 2026");
    }
}
