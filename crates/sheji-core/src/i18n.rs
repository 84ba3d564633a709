//! The message catalogue: every piece of text a user reads, in Chinese (the default) and
//! English, under one stable key; plus the number and date formats of DESIGN.md.
//!
//! Keys are looked up at run time, so a test (`catalogue_is_sorted_and_unique` here, and one in
//! the web crate that scans the templates) makes sure every key used exists.

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
            let q = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
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
        match CATALOGUE.binary_search_by(|(k, _, _)| k.cmp(&key)) {
            Ok(i) => CATALOGUE
                .get(i)
                .map_or(key, |(_, zh, en)| if self == Self::En { en } else { zh }),
            Err(_) => key,
        }
    }

    /// The text of `key` with `{name}` placeholders filled in.
    pub fn tf(self, key: &str, args: &[(&str, &str)]) -> String {
        let mut text = self.t(key).to_owned();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
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

/// Every user-facing text: (key, 中文, English), sorted by key.
pub static CATALOGUE: &[(&str, &str, &str)] = &[
    ("action.export", "导出", "Export"),
    ("action.filter", "筛选", "Filter"),
    ("action.reset", "重置", "Reset"),
    ("action.search", "搜索", "Search"),
    ("api.docs.auth", "认证", "Authentication"),
    (
        "api.docs.auth_body",
        "目前开放的接口均为公开的参考数据，无需认证。",
        "The endpoints available so far serve public reference data and need no authentication.",
    ),
    ("api.docs.errors", "错误格式", "Error format"),
    (
        "api.docs.errors_body",
        "所有错误都以相同结构返回，并带有对应的 HTTP 状态码；请在反馈问题时提供 request_id。",
        "Every failure returns the same shape with the matching HTTP status; quote the request_id when reporting a problem.",
    ),
    (
        "api.docs.intro",
        "所有页面的数据都可以通过 JSON 接口获取。以下内容由程序代码自动生成，与实际接口保持一致。",
        "Every page's data is also available as JSON. This page is generated from the code, so it always matches the running API.",
    ),
    ("api.docs.openapi", "OpenAPI 3.1 文档", "OpenAPI 3.1 document"),
    ("api.docs.parameters", "参数", "Parameters"),
    ("api.docs.required", "必填", "required"),
    ("api.docs.responses", "响应", "Responses"),
    ("api.docs.title", "接口文档", "API documentation"),
    (
        "app.name",
        "重庆市工业设计公共服务平台",
        "Chongqing Industrial Design Public Service Platform",
    ),
    ("app.short", "设计服务平台", "Sheji"),
    ("app.skip", "跳到主要内容", "Skip to main content"),
    (
        "app.tagline",
        "设计驱动 · 梯度培育 · 供需对接",
        "Design-driven · tiered cultivation · demand and supply",
    ),
    (
        "cli.bind_failed",
        "无法监听 {addr}：{detail}。请用 --bind 换一个地址或端口，或停止占用该端口的程序。",
        "Cannot listen on {addr}: {detail}. Choose another address or port with --bind, or stop the program using it.",
    ),
    (
        "cli.config_invalid",
        "配置文件 {path} 无法读取：{detail}。请修正或删除该文件。",
        "The configuration file {path} cannot be read: {detail}. Fix or remove it.",
    ),
    (
        "cli.demo_loaded",
        "演示数据已加载：新增 {orgs} 家企业与机构。",
        "Demo data loaded: {orgs} organizations added.",
    ),
    (
        "cli.demo_present",
        "演示数据已存在，未重复加载。",
        "Demo data is already present; nothing was added.",
    ),
    ("cli.error", "错误", "Error"),
    (
        "cli.schema",
        "数据库结构版本 {number}（{latest}），待执行迁移 {pending} 个。",
        "Schema version {number} ({latest}), {pending} migrations pending.",
    ),
    ("cli.seeded", "已导入参考数据 {n} 条。", "{n} reference rows seeded."),
    (
        "cli.serving",
        "Sheji 已启动：{url}（数据库：{db}）。按 Ctrl-C 停止。",
        "Sheji is serving at {url} (database: {db}). Press Ctrl-C to stop.",
    ),
    ("cli.stopped", "已停止。", "Stopped."),
    ("cluster.count", "{n} 个集群", "{n} clusters"),
    (
        "cluster.empty",
        "尚未导入产业集群。请由管理员执行 sheji migrate 导入参考数据。",
        "No clusters yet. Ask an administrator to run sheji migrate to load the reference data.",
    ),
    (
        "cluster.intro",
        "“33618”现代制造业集群体系：3 大万亿级主导产业集群、3 大五千亿级支柱产业集群、6 大千亿级特色优势产业集群和 18 个“新星”产业集群。",
        "The \"33618\" modern manufacturing cluster system: 3 trillion-yuan leading clusters, 3 pillar clusters of 500 billion, 6 distinctive clusters of 100 billion, and 18 \"rising star\" clusters.",
    ),
    ("cluster.name", "集群名称", "Cluster"),
    ("cluster.source", "来源", "Source"),
    ("cluster.tier", "层级", "Tier"),
    ("cluster.title", "产业集群", "Industry clusters"),
    ("cluster.unconfirmed", "待核实", "Unconfirmed"),
    (
        "cluster.unconfirmed_hint",
        "标注“待核实”的条目尚未与官方来源核对，请管理员核实后更新。",
        "Entries marked \"Unconfirmed\" have not been checked against an official source; an administrator should verify them.",
    ),
    (
        "db.invalid_url",
        "数据库地址无效：{detail}。请使用如 sqlite://sheji.db、postgres://用户@主机/库名 或 mysql://用户@主机/库名 的格式。",
        "Invalid database URL: {detail}. Use a URL such as sqlite://sheji.db, postgres://user@host/db or mysql://user@host/db.",
    ),
    (
        "db.schema_too_new",
        "数据库结构版本（{found}）比本程序支持的版本（{known}）更新。请升级 sheji 后再试，不要用旧版本程序修改此数据库。",
        "The database schema ({found}) is newer than this program knows ({known}). Upgrade sheji and try again; do not change this database with the older program.",
    ),
    (
        "db.unreachable",
        "无法连接数据库 {target}：{detail}。请确认数据库服务已启动、地址和账号正确。",
        "Cannot connect to the database {target}: {detail}. Check that the server is running and that the address and account are right.",
    ),
    ("district.abolished_on", "{date} 撤销", "abolished {date}"),
    ("district.code", "区划代码", "Division code"),
    (
        "district.count",
        "共 {n} 个区县和功能区",
        "{n} districts and functional zones",
    ),
    (
        "district.empty",
        "没有符合条件的区县。请调整筛选条件后重试。",
        "No districts match. Change the filters and try again.",
    ),
    (
        "district.intro",
        "行动计划覆盖的区县（含功能区）。已撤销的区划保留其代码和日期，历史记录仍可按原代码查询。",
        "The districts and functional zones the action plan covers. Abolished divisions keep their codes and dates so historical records still resolve.",
    ),
    ("district.kind", "类型", "Kind"),
    ("district.kind.autonomous_county", "自治县", "Autonomous county"),
    ("district.kind.county", "县", "County"),
    ("district.kind.district", "区", "District"),
    ("district.kind.functional_zone", "功能区", "Functional zone"),
    ("district.name", "名称", "Name"),
    (
        "district.no_code",
        "无（非行政区划）",
        "none (not an administrative division)",
    ),
    ("district.note", "备注", "Note"),
    ("district.status", "状态", "Status"),
    ("district.status.abolished", "已撤销", "Abolished"),
    ("district.status.active", "有效", "Active"),
    ("district.status.superseded", "已被替代", "Superseded"),
    ("district.superseded_on", "{date} 起被替代", "superseded {date}"),
    ("district.title", "区县", "Districts"),
    (
        "error.bad_request",
        "请求参数有误：{detail}。请检查后重试。",
        "The request is not valid: {detail}. Check it and try again.",
    ),
    (
        "error.internal",
        "服务器内部错误。请稍后重试；如问题持续，请联系管理员并提供请求编号。",
        "Something went wrong on the server. Try again later; if it persists, contact the administrator with the request id.",
    ),
    (
        "error.method_not_allowed",
        "该地址不支持此请求方法。请查阅接口文档。",
        "This address does not accept that method. See the API documentation.",
    ),
    (
        "error.not_found",
        "未找到该页面或资源。请检查地址，或从导航重新进入。",
        "Page or resource not found. Check the address or start again from the navigation.",
    ),
    (
        "error.not_found.district",
        "未找到该区县。请从区县列表中选择。",
        "No such district. Choose one from the district list.",
    ),
    ("error.request_id", "请求编号", "Request id"),
    ("error.title", "出错了", "Something went wrong"),
    (
        "error.unavailable",
        "数据库暂时无法访问。请稍后重试；如问题持续，请联系管理员。",
        "The database cannot be reached right now. Try again later; if it persists, contact the administrator.",
    ),
    ("footer.api", "接口文档", "API docs"),
    (
        "footer.copyright",
        "重庆市工业设计促进中心",
        "Chongqing Industrial Design Promotion Center",
    ),
    ("home.counts.clusters", "产业集群", "Clusters"),
    ("home.counts.districts", "服务区县", "Districts served"),
    ("home.counts.organizations", "在库企业与机构", "Organizations on record"),
    (
        "home.intro",
        "服务设计驱动型企业库、工业设计中心梯度培育、设计供需对接、成果评价与人才评审的一站式平台。",
        "One platform for the design-driven enterprise library, the design-center recognition ladder, design matchmaking, achievement evaluation and talent review.",
    ),
    (
        "home.plan",
        "行动计划“6个1”目标（2024—2027年）",
        "The action plan's \"6×1\" targets (2024–2027)",
    ),
    ("home.plan.backbone", "骨干设计企业", "backbone design firms"),
    (
        "home.plan.centers",
        "建有设计中心的企业",
        "enterprises with design centers",
    ),
    ("home.plan.designers", "新增职称设计人才", "newly titled designers"),
    ("home.plan.platforms", "公共服务平台", "public service platforms"),
    (
        "home.plan.sales",
        "设计驱动新产品销售收入（元）",
        "design-driven new-product sales (yuan)",
    ),
    ("home.plan.showcase", "示范成果", "demonstration achievements"),
    ("home.reference", "参考数据", "Reference data"),
    (
        "home.reference_hint",
        "区县和产业集群是各项业务的基础数据，可按需查阅。",
        "Districts and clusters underpin every service; browse them here.",
    ),
    ("home.title", "首页", "Home"),
    ("lang.switch", "English", "中文"),
    ("nav.api", "接口文档", "API"),
    ("nav.clusters", "产业集群", "Clusters"),
    ("nav.districts", "区县", "Districts"),
    ("nav.home", "首页", "Home"),
    ("nav.main", "主导航", "Main navigation"),
    ("nav.reference", "基础数据", "Reference data"),
    ("page.next", "下一页", "Next"),
    (
        "page.of",
        "第 {page} / {pages} 页，共 {total} 条",
        "Page {page} of {pages}, {total} rows",
    ),
    ("page.pagination", "分页", "Pagination"),
    ("page.prev", "上一页", "Previous"),
    ("search.label", "搜索全站", "Search the platform"),
    (
        "search.placeholder",
        "搜索企业、成果、需求…",
        "Search organizations, achievements, needs…",
    ),
    (
        "search.unavailable",
        "全站搜索即将上线；现在可通过导航浏览各类数据。",
        "Site search is coming; browse through the navigation for now.",
    ),
    ("table.all", "全部", "All"),
    ("table.sort_asc", "升序排列", "sorted ascending"),
    ("table.sort_desc", "降序排列", "sorted descending"),
    (
        "uscc.character",
        "统一社会信用代码第 {position} 位的“{ch}”不是允许的字符。请核对营业执照（不含 I、O、S、V、Z）。",
        "Character \"{ch}\" at position {position} of the unified social credit code is not allowed. Check the business licence (I, O, S, V and Z are never used).",
    ),
    (
        "uscc.checksum",
        "统一社会信用代码校验位不符。请对照营业执照逐位核对。",
        "The check character of the unified social credit code does not match. Compare it with the business licence character by character.",
    ),
    (
        "uscc.division",
        "统一社会信用代码第 3—8 位应为行政区划代码（6 位数字）。请核对营业执照。",
        "Positions 3–8 of the unified social credit code must be the 6-digit division code. Check the business licence.",
    ),
    (
        "uscc.empty",
        "请填写统一社会信用代码。",
        "Enter the unified social credit code.",
    ),
    (
        "uscc.length",
        "统一社会信用代码应为 18 位，当前为 {n} 位。请核对营业执照。",
        "The unified social credit code has 18 characters; this one has {n}. Check the business licence.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_sorted_and_unique() {
        for pair in CATALOGUE.windows(2) {
            if let [(a, _, _), (b, _, _)] = pair {
                assert!(a < b, "catalogue keys out of order or repeated: {a} / {b}");
            }
        }
        for (key, zh, en) in CATALOGUE {
            assert!(!zh.is_empty() && !en.is_empty(), "{key} lacks a translation");
        }
    }

    #[test]
    fn lookup_and_placeholders() {
        assert_eq!(Lang::Zh.t("nav.home"), "首页");
        assert_eq!(Lang::En.t("nav.home"), "Home");
        assert_eq!(Lang::En.t("no.such.key"), "no.such.key");
        assert_eq!(
            Lang::Zh.tf("uscc.length", &[("n", "16")]),
            "统一社会信用代码应为 18 位，当前为 16 位。请核对营业执照。"
        );
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
