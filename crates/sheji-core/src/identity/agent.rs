//! A browser's User-Agent as people read it in a list of their sessions: "Chrome · Windows",
//! "微信 · iOS", not a 150-character header. Product names are the same in every language; what
//! is not recognized is `None`, for the page to say "other" in its language.

/// The browser and the operating system named by a User-Agent header, each when recognized.
pub fn describe(user_agent: &str) -> (Option<&'static str>, Option<&'static str>) {
    let ua = user_agent;
    // Order matters: embedded browsers and Chromium derivatives also name Chrome and Safari.
    let browsers: [(&str, &str); 9] = [
        ("MicroMessenger", "微信"),
        ("DingTalk", "钉钉"),
        ("Edg", "Edge"),
        ("OPR/", "Opera"),
        ("QQBrowser", "QQ浏览器"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("CriOS/", "Chrome"),
        ("Safari/", "Safari"),
    ];
    let browser = browsers.iter().find(|(mark, _)| ua.contains(mark)).map(|(_, name)| *name);
    let systems: [(&str, &str); 8] = [
        ("HarmonyOS", "HarmonyOS"),
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ];
    let system = systems.iter().find(|(mark, _)| ua.contains(mark)).map(|(_, name)| *name);
    (browser, system)
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn common_browsers_are_named() {
        let cases = [
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                (Some("Chrome"), Some("Windows")),
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                (Some("Edge"), Some("Windows")),
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50",
                (Some("微信"), Some("iOS")),
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
                (Some("Safari"), Some("macOS")),
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
                (Some("Firefox"), Some("Linux")),
            ),
            ("curl/8.5.0", (None, None)),
        ];
        for (ua, want) in cases {
            assert_eq!(describe(ua), want, "{ua}");
        }
    }
}
