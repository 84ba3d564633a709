//! What a text field may hold. A name, a phone or an address is one line of visible text; a
//! description or a reason may also break lines and indent. Nothing a person types holds
//! control characters (NUL, ESC, …) or the bidirectional controls that reorder what a reader
//! sees ("公司\u{202E}txt.exe"), so both are refused where text enters: forms, the API and
//! imports. PostgreSQL refuses NUL in text outright, which used to surface as a 500.

/// The first character a single-line field may not hold: any control character (tab and line
/// breaks included) or bidirectional control.
pub fn forbidden_in_line(s: &str) -> Option<char> {
    s.chars().find(|c| c.is_control() || is_bidi_control(*c))
}

/// The first character long text may not hold: control characters other than tab and line
/// breaks, and bidirectional controls.
pub fn forbidden_in_long_text(s: &str) -> Option<char> {
    s.chars().find(|c| (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || is_bidi_control(*c))
}

/// Explicit embeddings, overrides and isolates, the marks that change direction, and the
/// Arabic letter mark: invisible, and able to make text read differently from what it is.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// How a refused character is named in a message: its code point (it is invisible).
pub fn describe(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// Whether a web address is one a browser opens as a page: `http://` or `https://` with a
/// host. Anything else (`javascript:`, `data:`, `file:`) is refused, never stored as a link.
pub fn is_web_address(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or_default();
        let host = host.rsplit('@').next().unwrap_or_default();
        !host.is_empty()
            && host.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
            && forbidden_in_line(s).is_none()
            && !s.contains(char::is_whitespace)
    })
}

/// A web address as people type it: "www.example.cn" becomes "https://www.example.cn"; one
/// that names another scheme is left as it is, for [`is_web_address`] to refuse.
pub fn web_address(s: &str) -> String {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    if t.is_empty() || lower.starts_with("http://") || lower.starts_with("https://") || t.contains(':') {
        t.to_owned()
    } else {
        format!("https://{t}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_refuse_controls_and_bidi_while_long_text_keeps_its_breaks() {
        assert_eq!(forbidden_in_line("重庆设计\0有限公司"), Some('\0'));
        assert_eq!(forbidden_in_line("a\u{1b}[31mred"), Some('\u{1b}'));
        assert_eq!(forbidden_in_line("公司\u{202E}txt.exe"), Some('\u{202E}'));
        assert_eq!(forbidden_in_line("two\nlines"), Some('\n'));
        assert_eq!(forbidden_in_line("重庆长安汽车（集团）有限公司 ABC"), None);
        assert_eq!(forbidden_in_long_text("第一段\n\t第二段\r\n"), None);
        assert_eq!(forbidden_in_long_text("x\u{2066}y"), Some('\u{2066}'));
        assert_eq!(forbidden_in_long_text("x\u{7f}"), Some('\u{7f}'));
        assert_eq!(describe('\u{202E}'), "U+202E");
    }

    #[test]
    fn only_http_and_https_addresses_are_links() {
        for ok in ["https://www.cqid.cn", "http://example.com/a?b=c", "https://设计.中国/"] {
            assert!(is_web_address(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,<b>",
            "https://",
            "https://exa mple.com",
            "https://a.com/\u{202E}",
            "ftp://x.cn",
            "https://<script>/",
        ] {
            assert!(!is_web_address(bad), "{bad}");
        }
        assert_eq!(web_address(" www.cqid.cn "), "https://www.cqid.cn");
        assert_eq!(web_address("javascript:alert(1)"), "javascript:alert(1)");
        assert_eq!(web_address("HTTP://A.CN"), "HTTP://A.CN");
    }
}
