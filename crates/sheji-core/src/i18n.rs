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
        match CATALOGUE.binary_search_by(|(k, _, _)| k.cmp(&key)) {
            Ok(i) => CATALOGUE.get(i).map_or(key, |(_, zh, en)| if self == Self::En { en } else { zh }),
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

/// Every user-facing text: (key, 中文, English), sorted by key.
pub static CATALOGUE: &[(&str, &str, &str)] = &[
    (
        "account.cannot_disable_self",
        "不能停用自己的账号。请由另一位管理员操作。",
        "You cannot disable your own account. Ask another administrator.",
    ),
    (
        "account.cannot_drop_own_admin",
        "不能移除自己唯一的管理员角色。请先为他人分配管理员角色。",
        "You cannot remove your only administrator role. Give another account the role first.",
    ),
    ("account.display_name", "姓名", "Name"),
    (
        "account.display_name_long",
        "姓名不能超过 50 个字。请缩短后重试。",
        "The name may have at most 50 characters. Shorten it and try again.",
    ),
    ("account.display_name_required", "请填写姓名。", "Enter a name."),
    (
        "account.done.password",
        "密码已修改，其他设备上的登录已退出。",
        "Password changed; sign-ins on other devices were ended.",
    ),
    ("account.done.profile", "个人资料已保存。", "Profile saved."),
    ("account.done.session", "该登录会话已结束。", "That session was ended."),
    (
        "account.done.token",
        "令牌已撤销，之后使用它的请求将被拒绝。",
        "Token revoked; requests using it are refused from now on.",
    ),
    ("account.done.totp_off", "已关闭两步验证。", "Two-step verification switched off."),
    (
        "account.done.totp_on",
        "已开启两步验证，下次登录时需输入验证码。",
        "Two-step verification is on; the next sign-in will ask for a code.",
    ),
    ("account.email", "电子邮箱", "E-mail"),
    (
        "account.email_invalid",
        "电子邮箱格式不正确，例如 name@example.com。请检查后重试。",
        "The e-mail address is not valid (e.g. name@example.com). Check it and try again.",
    ),
    ("account.last_login", "最近登录", "Last sign-in"),
    (
        "account.not_pending",
        "该账号不在待审核状态，无需审核。请刷新账号列表查看其当前状态。",
        "This account is not waiting for verification. Reload the account list to see its current status.",
    ),
    ("account.password", "密码", "Password"),
    ("account.phone", "手机号码", "Phone"),
    (
        "account.phone_hint",
        "11 位手机号或带区号的座机，如 023-67891234。",
        "An 11-digit mobile number or a landline with area code, such as 023-67891234.",
    ),
    (
        "account.phone_invalid",
        "电话号码格式不正确。请填写 11 位手机号或带区号的座机号码。",
        "The phone number is not valid. Enter an 11-digit mobile number or a landline with its area code.",
    ),
    ("account.profile", "个人资料", "Profile"),
    ("account.register", "注册", "Register"),
    ("account.roles", "角色", "Roles"),
    ("account.sign_in", "登录", "Sign in"),
    ("account.sign_out", "退出", "Sign out"),
    ("account.title", "个人中心", "My account"),
    ("account.username", "用户名", "Username"),
    (
        "account.username_hint",
        "3–32 位字母、数字或 _ . -，以字母或数字开头；不区分大小写。",
        "3–32 letters, digits or _ . -, starting with a letter or digit; not case-sensitive.",
    ),
    (
        "account.username_invalid",
        "用户名须为 3–32 位字母、数字或 _ . -，并以字母或数字开头。",
        "The username must be 3–32 letters, digits or _ . -, starting with a letter or digit.",
    ),
    ("account.username_taken", "该用户名已被使用。请换一个用户名。", "That username is taken. Choose another one."),
    ("accounts.affiliations", "角色与归属", "Roles and affiliations"),
    ("accounts.count", "共 {n} 个账号", "{n} accounts"),
    ("accounts.create", "创建账号", "Create account"),
    ("accounts.created", "创建时间", "Created"),
    ("accounts.detail", "账号详情", "Account"),
    ("accounts.disable", "停用账号", "Disable account"),
    ("accounts.done.affiliation", "角色已更新。", "Roles updated."),
    (
        "accounts.done.created",
        "账号已创建。请将下方临时密码安全地告知本人，首次登录须修改。",
        "Account created. Pass the temporary password below to its owner safely; it must be changed at first sign-in.",
    ),
    (
        "accounts.done.reset",
        "密码已重置，该账号的登录会话均已结束。",
        "Password reset; all sessions of the account were ended.",
    ),
    ("accounts.done.status", "账号状态已更新。", "Account status updated."),
    ("accounts.done.verify", "账号已审核通过，现在可以登录。", "Account verified; it can sign in now."),
    ("accounts.empty", "没有符合条件的账号。请调整筛选条件。", "No accounts match. Change the filters."),
    ("accounts.enable", "启用账号", "Enable account"),
    ("accounts.history", "查看该账号的操作记录", "See this account's history"),
    ("accounts.locked", "锁定至", "Locked until"),
    ("accounts.new", "新建账号", "New account"),
    (
        "accounts.new_hint",
        "系统将生成临时密码，只显示一次；本人首次登录时须修改。",
        "A temporary password is generated and shown once; its owner must change it at first sign-in.",
    ),
    ("accounts.reset_password", "重置密码", "Reset password"),
    ("accounts.role", "角色", "Role"),
    ("accounts.search", "搜索", "Search"),
    ("accounts.search_hint", "用户名或姓名", "Username or name"),
    ("accounts.status", "状态", "Status"),
    (
        "accounts.status_invalid",
        "无效的账号状态。请刷新页面后重试。",
        "Invalid account status. Reload the page and try again.",
    ),
    (
        "accounts.temp_password",
        "临时密码（只显示这一次，请妥善转交）：",
        "Temporary password (shown only this once; pass it on safely):",
    ),
    ("accounts.verify", "审核通过", "Verify"),
    ("action.export", "导出", "Export"),
    ("action.filter", "筛选", "Filter"),
    ("action.reset", "重置", "Reset"),
    ("action.search", "搜索", "Search"),
    ("affiliation.add", "添加角色", "Add role"),
    (
        "affiliation.district_hint",
        "区县分中心人员必填；代管时另加一条并填写截止日期。",
        "Required for branch staff; for a delegation add another row with an end date.",
    ),
    ("affiliation.district_invalid", "请选择一个有效的区县。", "Choose a valid district."),
    (
        "affiliation.district_required",
        "区县分中心人员须选择所服务的区县。",
        "Branch staff must be given the district they serve.",
    ),
    ("affiliation.no_end", "长期", "No end"),
    ("affiliation.organization", "企业/机构", "Organization"),
    (
        "affiliation.organization_hint",
        "企业管理员和成员必填，填写企业编号（见企业详情页地址）。",
        "Required for organization roles: the organization's id (see its page address).",
    ),
    ("affiliation.organization_id", "企业/机构编号", "Organization id"),
    (
        "affiliation.organization_invalid",
        "找不到该企业/机构编号。请在企业名录中核对。",
        "No organization has that id. Check it in the directory.",
    ),
    (
        "affiliation.organization_required",
        "企业管理员和成员须指定所属企业/机构。",
        "Organization roles must name the organization.",
    ),
    ("affiliation.remove", "移除", "Remove"),
    ("affiliation.role_invalid", "请选择角色。", "Choose a role."),
    ("affiliation.until", "截止日期", "Until"),
    (
        "affiliation.until_hint",
        "代管（临时授权）的最后一天；留空表示长期。",
        "Last day of a delegation; leave empty for no end.",
    ),
    ("affiliation.until_invalid", "日期格式应为 2026-12-31。", "Use the date format 2026-12-31."),
    (
        "affiliation.until_past",
        "截止日期已过。请选择今天或以后的日期。",
        "That date has passed. Choose today or a later date.",
    ),
    ("affiliation.where", "适用范围", "Applies to"),
    ("api.docs.auth", "认证", "Authentication"),
    (
        "api.docs.auth_body",
        "公开数据无需认证。其他接口使用 Authorization: Bearer 令牌（在“个人中心”创建，仅含勾选的功能）；浏览器内调用可沿用登录会话，但修改类请求须带 X-CSRF-Token。",
        "Public data needs no authentication. Other endpoints take Authorization: Bearer with a token created on the My account page, limited to the functions ticked; calls from the browser may use the session, but changes must carry X-CSRF-Token.",
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
    ("app.name", "重庆市工业设计公共服务平台", "Chongqing Industrial Design Public Service Platform"),
    ("app.short", "设计服务平台", "Sheji"),
    ("app.skip", "跳到主要内容", "Skip to main content"),
    ("app.tagline", "设计驱动 · 梯度培育 · 供需对接", "Design-driven · tiered cultivation · demand and supply"),
    ("audit.action", "操作", "Action"),
    ("audit.actor", "操作人", "Actor"),
    ("audit.after", "变更后", "After"),
    (
        "audit.altered",
        "审计记录 #{id} 的内容已被篡改（此前 {n} 条完整）。请立即保全数据库并排查。",
        "Audit record #{id} was altered ({n} records before it are intact). Preserve the database and investigate now.",
    ),
    ("audit.before", "变更前", "Before"),
    ("audit.change", "变更内容", "Change"),
    ("audit.count", "共 {n} 条记录", "{n} records"),
    ("audit.empty", "没有符合条件的记录。请调整筛选条件。", "No records match. Change the filters."),
    ("audit.from", "起始日期", "From"),
    (
        "audit.gap",
        "审计记录 #{id} 之前有记录被删除（此前 {n} 条完整）。请立即保全数据库并排查。",
        "Records before audit record #{id} were removed ({n} records before it are intact). Preserve the database and investigate now.",
    ),
    ("audit.id", "序号", "No."),
    ("audit.ip", "IP 地址", "IP address"),
    (
        "audit.tail_removed",
        "最新的审计记录（#{id} 起）已被删除（现存 {n} 条完整）。请立即保全数据库并排查。",
        "The newest audit records (from #{id}) were removed ({n} remaining records are intact). Preserve the database and investigate now.",
    ),
    ("audit.target", "对象", "Target"),
    ("audit.target_id", "对象编号", "Target id"),
    ("audit.target_type", "对象类型", "Target type"),
    ("audit.time", "时间", "Time"),
    ("audit.to", "截止日期", "To"),
    (
        "bootstrap.weak_password",
        "SHEJI_ADMIN_PASSWORD 不符合密码规则（{reason}）。请设置至少 8 位、含大小写字母/数字/符号中 3 类且不含用户名的密码。",
        "SHEJI_ADMIN_PASSWORD breaks the password policy ({reason}). Use at least 8 characters from 3 of: upper case, lower case, digits, symbols, without the username.",
    ),
    (
        "cli.admin_from_env",
        "已创建管理员账号 admin（密码取自 SHEJI_ADMIN_PASSWORD）。",
        "Administrator account admin created (password from SHEJI_ADMIN_PASSWORD).",
    ),
    (
        "cli.admin_generated",
        "已创建管理员账号 admin，初始密码：{password}（只显示这一次，首次登录须修改）。",
        "Administrator account admin created with the password {password} (shown only this once; it must be changed at first sign-in).",
    ),
    ("cli.audit_ok", "审计链完整：已校验 {n} 条记录。", "The audit chain is intact: {n} records checked."),
    (
        "cli.bad_key",
        "加密密钥无效：{detail}。请设置 SHEJI_SECRET_KEY 为 32 字节的 base64 字符串（openssl rand -base64 32）。",
        "The encryption key is not valid: {detail}. Set SHEJI_SECRET_KEY to 32 bytes in base64 (openssl rand -base64 32).",
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
    ("cli.demo_loaded", "演示数据已加载：新增 {orgs} 家企业与机构。", "Demo data loaded: {orgs} organizations added."),
    (
        "cli.demo_logins",
        "演示账号（密码均为 {password}，仅供演示）：",
        "Demo logins (password {password} for all; for demonstration only):",
    ),
    ("cli.demo_present", "演示数据已存在，未重复加载。", "Demo data is already present; nothing was added."),
    ("cli.error", "错误", "Error"),
    (
        "cli.file_unreadable",
        "无法读取文件 {path}：{detail}。请检查路径和权限。",
        "Cannot read {path}: {detail}. Check the path and permissions.",
    ),
    (
        "cli.gen_done",
        "已生成 {orgs} 家企业、{figures} 条年度指标、{accounts} 个账号，用时 {secs} 秒。生成账号的密码均为 {password}（仅用于测试）。",
        "Generated {orgs} organizations, {figures} yearly figures and {accounts} accounts in {secs} s. Every generated account's password is {password} (testing only).",
    ),
    ("cli.gen_orgs", "企业 {done}/{total}", "Organizations {done}/{total}"),
    ("cli.gen_people", "人员 {done}/{total}", "People {done}/{total}"),
    (
        "cli.gen_scale",
        "--scale 须大于 0、不超过 1000（1 ≈ 1 万家企业）。",
        "--scale must be above 0 and at most 1000 (1 ≈ 10 000 organizations).",
    ),
    (
        "cli.import_blocked",
        "有错误行，未写入任何数据。请修正后重新导入，或加 --skip-invalid 只写入正确的行。",
        "Some rows have errors; nothing was written. Fix them and import again, or add --skip-invalid to write only the valid rows.",
    ),
    (
        "cli.import_checked",
        "检查完成：正确 {valid} 行（其中 {changes} 行有变更），错误 {invalid} 行。",
        "Checked: {valid} valid rows ({changes} with changes), {invalid} rows with errors.",
    ),
    ("cli.import_dry_run", "试运行（--dry-run），未写入任何数据。", "Dry run (--dry-run): nothing was written."),
    ("cli.import_progress", "已处理 {done}/{total} 行", "Processed {done}/{total} rows"),
    ("cli.import_progress_rows", "已处理 {done} 行", "Processed {done} rows"),
    ("cli.import_row_error", "第 {row} 行{message}", "Row {row}: {message}"),
    ("cli.import_unknown", "未识别的列（已忽略）：{columns}", "Unrecognised columns (ignored): {columns}"),
    (
        "cli.key_created",
        "已生成数据加密密钥 {path}。请妥善备份；多台服务器须共用同一密钥（SHEJI_SECRET_KEY）。",
        "Data-encryption key created in {path}. Back it up; several servers must share one key (SHEJI_SECRET_KEY).",
    ),
    (
        "cli.no_district",
        "找不到区县“{name}”。请使用区县列表中的名称、代码或编号。",
        "No district \"{name}\". Use a name, code or id from the district list.",
    ),
    (
        "cli.schema",
        "数据库结构版本 {number}（{latest}），待执行迁移 {pending} 个。",
        "Schema version {number} ({latest}), {pending} migrations pending.",
    ),
    (
        "cli.search_reindexed",
        "检索索引已重建：{documents} 条记录，用时 {seconds} 秒，索引占用 {mib} MiB。",
        "Search index rebuilt: {documents} documents in {seconds} s, {mib} MiB on disk.",
    ),
    ("cli.seeded", "已导入参考数据 {n} 条。", "{n} reference rows seeded."),
    (
        "cli.serving",
        "Sheji 已启动：{url}（数据库：{db}）。按 Ctrl-C 停止。",
        "Sheji is serving at {url} (database: {db}). Press Ctrl-C to stop.",
    ),
    ("cli.stopped", "已停止。", "Stopped."),
    (
        "cli.user_created",
        "已创建账号 {username}，临时密码：{password}（首次登录须修改）。",
        "Account {username} created with the temporary password {password} (to be changed at first sign-in).",
    ),
    (
        "cli.user_disabled",
        "已停用账号 {username}，其登录会话均已结束。",
        "Account {username} disabled; its sessions were ended.",
    ),
    (
        "cli.user_reset",
        "已重置 {username} 的密码，临时密码：{password}（下次登录须修改）。",
        "Password of {username} reset to {password} (to be changed at the next sign-in).",
    ),
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
    ("district.count", "共 {n} 个区县和功能区", "{n} districts and functional zones"),
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
    ("district.no_code", "无（非行政区划）", "none (not an administrative division)"),
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
        "error.csrf",
        "页面已过期或请求来源无法确认。请刷新页面后重新提交。",
        "The page has expired or the request's origin cannot be confirmed. Reload the page and submit again.",
    ),
    ("error.fields", "提交的内容有误：{list}", "Some fields are not valid: {list}"),
    (
        "error.forbidden",
        "您没有权限执行此操作。如需开通，请联系管理员。",
        "You are not allowed to do this. Ask an administrator if you need access.",
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
        "error.not_found.account",
        "未找到该账号，或您无权查看。请从账号列表中选择。",
        "No such account, or you may not see it. Choose one from the account list.",
    ),
    (
        "error.not_found.affiliation",
        "该角色记录不存在。请刷新页面后重试。",
        "That role entry no longer exists. Reload the page and try again.",
    ),
    (
        "error.not_found.district",
        "未找到该区县。请从区县列表中选择。",
        "No such district. Choose one from the district list.",
    ),
    (
        "error.not_found.organization",
        "未找到该企业/机构，或您无权查看其详细信息。请从企业名录中选择。",
        "No such organization, or you may not see its details. Choose one from the directory.",
    ),
    (
        "error.not_found.session",
        "该登录会话不存在或已结束。请刷新“个人中心”页面查看仍在使用的会话。",
        "That session does not exist or has ended. Reload “My account” to see the sessions still open.",
    ),
    (
        "error.not_found.token",
        "该令牌不存在或已撤销。请刷新“个人中心”页面查看仍有效的令牌。",
        "That token does not exist or is already revoked. Reload “My account” to see the tokens still valid.",
    ),
    ("error.request_id", "请求编号", "Request id"),
    ("error.title", "出错了", "Something went wrong"),
    ("error.too_large", "提交的内容过大。请减少内容后重试。", "The submission is too large. Send less and try again."),
    ("error.too_many", "尝试次数过多。请 15 分钟后再试。", "Too many attempts. Try again in 15 minutes."),
    (
        "error.unauthenticated",
        "请先登录；如已登录，会话可能已过期，请重新登录。",
        "Please sign in; if you were signed in, your session may have expired.",
    ),
    (
        "error.unavailable",
        "数据库暂时无法访问。请稍后重试；如问题持续，请联系管理员。",
        "The database cannot be reached right now. Try again later; if it persists, contact the administrator.",
    ),
    ("footer.api", "接口文档", "API docs"),
    ("footer.copyright", "重庆市工业设计促进中心", "Chongqing Industrial Design Promotion Center"),
    ("form.cancel", "取消", "Cancel"),
    ("form.choose", "请选择", "Choose"),
    ("form.edit", "编辑", "Edit"),
    ("form.fix_below", "请修改以下内容后重新提交：", "Please correct the following and submit again:"),
    ("form.save", "保存", "Save"),
    ("home.counts.clusters", "产业集群", "Clusters"),
    ("home.counts.districts", "服务区县", "Districts served"),
    ("home.counts.organizations", "在库企业与机构", "Organizations on record"),
    (
        "home.intro",
        "服务设计驱动型企业库、工业设计中心梯度培育、设计供需对接、成果评价与人才评审的一站式平台。",
        "One platform for the design-driven enterprise library, the design-center recognition ladder, design matchmaking, achievement evaluation and talent review.",
    ),
    ("home.plan", "行动计划“6个1”目标（2024—2027年）", "The action plan's \"6×1\" targets (2024–2027)"),
    ("home.plan.backbone", "骨干设计企业", "backbone design firms"),
    ("home.plan.centers", "建有设计中心的企业", "enterprises with design centers"),
    ("home.plan.designers", "新增职称设计人才", "newly titled designers"),
    ("home.plan.platforms", "公共服务平台", "public service platforms"),
    ("home.plan.sales", "设计驱动新产品销售收入（元）", "design-driven new-product sales (yuan)"),
    ("home.plan.showcase", "示范成果", "demonstration achievements"),
    ("home.reference", "参考数据", "Reference data"),
    (
        "home.reference_hint",
        "区县和产业集群是各项业务的基础数据，可按需查阅。",
        "Districts and clusters underpin every service; browse them here.",
    ),
    ("home.title", "首页", "Home"),
    ("import.another", "继续导入", "Import another file"),
    (
        "import.bad_file",
        "无法识别文件“{name}”。请上传 .xlsx 或 .csv 文件（旧版 .xls 请先另存为 .xlsx）。",
        "Cannot read \"{name}\". Upload an .xlsx or .csv file (save an old .xls as .xlsx first).",
    ),
    ("import.check", "上传并检查", "Upload and check"),
    (
        "import.cluster_unknown",
        "“{value}”不是产业集群名称。请使用模板下拉列表中的名称。",
        "\"{value}\" is not a cluster. Use a name from the template's list.",
    ),
    ("import.col.address", "注册或办公地址。", "Registered or office address."),
    ("import.col.awards", "当年获得的设计奖项数（项）。", "Design awards won in the year."),
    ("import.col.clusters", "所属“33618”产业集群，可填多个，用顿号分隔。", "33618 clusters, several separated by 、."),
    ("import.col.contactname", "联系人姓名。", "Contact person."),
    (
        "import.col.contactphone",
        "11 位手机号或带区号的座机；加密保存，按权限脱敏显示。",
        "Mobile or landline with area code; stored encrypted, masked by permission.",
    ),
    ("import.col.description", "主营业务和设计能力简介。", "Main business and design capability."),
    ("import.col.designinvestment", "工业设计投入，单位万元。", "Design investment in 万元."),
    ("import.col.designpatents", "当年授权的设计类专利（件）。", "Design patents granted in the year."),
    (
        "import.col.designservicerevenue",
        "设计服务收入（设计企业填写），单位万元。",
        "Design-service revenue (design firms) in 万元.",
    ),
    ("import.col.designstaff", "设计人员（人），不超过从业人员。", "Design staff, no more than total staff."),
    ("import.col.district", "从下拉列表选择；“璧山”“璧山区”均可识别。", "From the list; 璧山 and 璧山区 both work."),
    ("import.col.founded", "如 2015-06-18；Excel 日期格式也可。", "Such as 2015-06-18; Excel dates work too."),
    (
        "import.col.industry",
        "国民经济行业分类（GB/T 4754）制造业大类代码，如 36；填 4 位小类也可识别。",
        "GB/T 4754 manufacturing division such as 36; a 4-digit class is read as its division.",
    ),
    (
        "import.col.kind",
        "从下拉列表选择：制造企业、设计企业、研究机构、高等院校、产业园区、服务平台、行业协会、其他。",
        "From the list: manufacturer, design firm, research institute, university, industrial park, service platform, association, other.",
    ),
    (
        "import.col.name",
        "与营业执照一致的全称；中英文括号均可。",
        "The full registered name; Chinese or English brackets.",
    ),
    ("import.col.newproductsales", "新产品销售收入，单位万元。", "New-product sales in 万元."),
    (
        "import.col.qualifications",
        "可填多个，用顿号分隔，年份写在括号中，如 专精特新“小巨人”（2023）、高新技术企业。",
        "Several, separated by 、, with the year in brackets, e.g. 专精特新“小巨人”（2023）、高新技术企业.",
    ),
    ("import.col.rdspend", "研发投入，单位万元。", "R&D spend in 万元."),
    ("import.col.revenue", "营业收入，单位万元。", "Operating revenue in 万元."),
    (
        "import.col.seniordesignstaff",
        "其中高级设计人员（人），不超过设计人员。",
        "Senior design staff, no more than design staff.",
    ),
    (
        "import.col.shortnames",
        "简称，可填多个，用顿号分隔，如 长安、长安汽车。",
        "Short names, several separated by 、 such as 长安、长安汽车.",
    ),
    ("import.col.stafftotal", "从业人员总数（人）。", "Total staff."),
    (
        "import.col.uscc",
        "18 位统一社会信用代码，见营业执照；用于识别单位，重复导入时按此更新。",
        "The 18-character unified social credit code from the business licence; identifies the organization, re-imports update by it.",
    ),
    ("import.col.website", "单位网址。", "Website."),
    (
        "import.col.year",
        "以下指标所属年度，如 2025；填写了任一指标时必填。",
        "The year of the figures below, e.g. 2025; required when any figure is filled in.",
    ),
    ("import.commit", "确认导入", "Import"),
    ("import.commit_valid", "仅导入正确的行", "Import only the valid rows"),
    (
        "import.count_invalid",
        "“{value}”不是整数。请填写人数或件数，如 12。",
        "\"{value}\" is not a whole number. Enter a count such as 12.",
    ),
    ("import.create", "新增", "New"),
    ("import.data_sheet", "企业名单", "Organizations"),
    (
        "import.date_invalid",
        "“{value}”不是有效日期。请填写如 2020-05-18 的日期。",
        "\"{value}\" is not a date. Enter a date such as 2020-05-18.",
    ),
    (
        "import.district_abolished",
        "“{name}”已撤销，不能登记新记录。请填写现行区县（如两江新区）。",
        "\"{name}\" was abolished and takes no new records. Use the district in force (e.g. 两江新区).",
    ),
    (
        "import.district_unknown",
        "“{value}”不是重庆市的区县名称。请使用模板下拉列表中的名称。",
        "\"{value}\" is not a Chongqing district. Use a name from the template's list.",
    ),
    ("import.done", "导入完成", "Import finished"),
    ("import.download_errors", "下载错误标注文件", "Download the file with errors marked"),
    ("import.download_template", "下载导入模板", "Download the template"),
    (
        "import.duplicate",
        "与第 {row} 行的统一社会信用代码重复。请删除重复行。",
        "Same credit code as row {row}. Remove the duplicate.",
    ),
    ("import.error_column", "错误说明", "Errors"),
    ("import.expired", "上传的文件已失效。请重新上传。", "The uploaded file is no longer available. Upload it again."),
    ("import.figures_of", "{year} 年度指标", "{year} figures"),
    ("import.file", "文件", "File"),
    (
        "import.file_hint",
        "支持 .xlsx 和 .csv（UTF-8 或 GBK）；表头可在前几行，列顺序不限，未识别的列将被忽略。",
        ".xlsx or .csv (UTF-8 or GBK); the header may sit below title rows, columns in any order, unknown columns ignored.",
    ),
    ("import.header_row", "表头所在行", "Header row"),
    ("import.help_column", "列名", "Column"),
    ("import.help_required", "是否必填", "Required"),
    ("import.help_sheet", "填写说明", "How to fill in"),
    ("import.help_text", "说明", "Explanation"),
    (
        "import.industry_unknown",
        "“{value}”不是制造业行业大类代码（GB/T 4754，13—43）。",
        "\"{value}\" is not a manufacturing division code (GB/T 4754, 13–43).",
    ),
    (
        "import.intro",
        "按模板填写企业名单后上传。系统先逐行检查，列出每个错误的行号、列和原因；确认后才会写入。同一文件重复导入不会产生变化。",
        "Fill in the template and upload it. Every row is checked first, with each error's row, column and reason; nothing is written until you confirm. Importing the same file again changes nothing.",
    ),
    ("import.invalid", "有错误", "Errors"),
    (
        "import.kind_unknown",
        "“{value}”不是有效的单位类型。请选择：制造企业、设计企业、研究机构、高等院校、产业园区、服务平台、行业协会、其他。",
        "\"{value}\" is not a kind of organization. Choose manufacturer, design firm, research institute, university, industrial park, service platform, association or other.",
    ),
    ("import.lists_sheet", "下拉选项", "Lists"),
    (
        "import.missing_columns",
        "文件缺少必填列：{columns}。请使用导入模板，或在表头补上这些列。",
        "The file lacks the required columns {columns}. Use the template, or add these columns to the header.",
    ),
    ("import.name_required", "请填写单位名称。", "Enter the organization's name."),
    ("import.no_file", "请选择要上传的文件。", "Choose a file to upload."),
    (
        "import.number_invalid",
        "“{value}”不是数字。请填写以万元为单位的数字，如 1,234.5。",
        "\"{value}\" is not a number. Enter an amount in 万元 such as 1,234.5.",
    ),
    ("import.of_which_changes", "其中有变更：", "with changes:"),
    (
        "import.out_of_scope",
        "该单位不在您的管理范围内，不能导入。请联系其所在区县分中心。",
        "This organization is outside your scope and cannot be imported. Ask its district's branch center.",
    ),
    ("import.outcome", "处理结果", "Outcome"),
    ("import.problems", "问题或变更", "Problems or changes"),
    (
        "import.qualification_unknown",
        "“{value}”不是可识别的资质。可填：专精特新“小巨人”、市级专精特新、链主企业、双百企业、高新技术企业、制造业单项冠军，年份可写在括号中。",
        "\"{value}\" is not a known qualification. Use 专精特新“小巨人”, 市级专精特新, 链主企业, 双百企业, 高新技术企业 or 制造业单项冠军, with the year in brackets.",
    ),
    (
        "import.result",
        "新增 {created} 家，更新 {updated} 家，无变化 {unchanged} 家，跳过错误行 {skipped} 行。",
        "{created} created, {updated} updated, {unchanged} unchanged, {skipped} rows with errors skipped.",
    ),
    ("import.reupload", "重新上传", "Upload again"),
    ("import.row", "行号", "Row"),
    ("import.rows_invalid", "错误行", "Rows with errors"),
    (
        "import.rows_shown",
        "下表列出前 {shown} 行（共 {total} 行）；全部错误行及原因见“下载错误说明”。",
        "The table lists the first {shown} rows of {total}; every bad row and its reason are in the error workbook.",
    ),
    ("import.rows_valid", "正确行", "Valid rows"),
    ("import.step_check", "检查", "Check"),
    ("import.step_commit", "导入", "Import"),
    ("import.step_upload", "上传", "Upload"),
    ("import.title", "批量导入", "Import"),
    (
        "import.too_large",
        "文件过大（上限 32 MB）。请拆分后分批导入。",
        "The file is too large (32 MB at most). Split it and import in parts.",
    ),
    ("import.unchanged", "无变化", "Unchanged"),
    ("import.unknown_columns", "未识别的列（已忽略）", "Unrecognised columns (ignored)"),
    (
        "import.unreadable",
        "文件无法读取：{detail}。请用 Excel 另存为 .xlsx 后重试。",
        "The file cannot be read: {detail}. Save it as .xlsx in Excel and try again.",
    ),
    ("import.update", "更新", "Update"),
    (
        "import.year_required",
        "填写了年度指标，但“指标年度”无效（{value}）。请填写如 2025 的年份。",
        "Figures are filled in but the figures' year is not valid ({value}). Enter a year such as 2025.",
    ),
    ("indicator.awards", "设计奖项", "Awards"),
    ("indicator.chart", "设计投入（万元）逐年对比", "Design investment (万元) by year"),
    ("indicator.design_investment", "设计投入", "Design investment"),
    ("indicator.design_patents", "设计专利", "Design patents"),
    ("indicator.design_service_revenue", "设计服务收入", "Design-service revenue"),
    ("indicator.design_staff", "设计人员", "Design staff"),
    (
        "indicator.design_staff_over_total",
        "设计人员不能多于从业人员总数。请核对。",
        "Design staff cannot exceed total staff. Check the figures.",
    ),
    ("indicator.empty", "尚无年度指标。可通过批量导入填报。", "No annual figures yet. Report them through the import."),
    ("indicator.negative", "不能为负数。请核对。", "Cannot be negative. Check the figure."),
    ("indicator.new_product_sales", "新产品销售收入", "New-product sales"),
    ("indicator.rd_spend", "研发投入", "R&D spend"),
    ("indicator.report", "填报年度指标", "Report a year's figures"),
    ("indicator.revenue", "营业收入", "Revenue"),
    ("indicator.senior_design_staff", "高级设计人员", "Senior design staff"),
    (
        "indicator.senior_over_design",
        "高级设计人员不能多于设计人员。请核对。",
        "Senior design staff cannot exceed design staff. Check the figures.",
    ),
    ("indicator.staff_total", "从业人员", "Staff"),
    ("indicator.title", "年度指标（金额单位：万元）", "Annual figures (money in 万元)"),
    ("indicator.year", "年度", "Year"),
    ("indicator.year_hint", "已有该年度数据时将覆盖。", "Replaces that year's figures if present."),
    ("job.done", "已完成", "Done"),
    ("job.failed", "失败", "Failed"),
    ("job.interrupted", "已中断", "Interrupted"),
    (
        "job.interrupted_hint",
        "任务在运行中断开（服务器可能重启）。已写入的部分保留；请重新上传同一文件，已导入的行不会重复写入。",
        "The job stopped while running (the server may have restarted). What was written stays; upload the same file again: rows already imported are not written twice.",
    ),
    (
        "job.not_found",
        "未找到该任务，或它不是您发起的。请从导入页面重新上传文件。",
        "No such job, or it is not yours. Upload the file again from the import page.",
    ),
    ("job.progress", "进度", "Progress"),
    ("job.progress_line", "已处理 {done} / {total} 行", "{done} of {total} rows processed"),
    (
        "job.refreshing",
        "页面每 2 秒自动刷新。可以离开本页，导入会继续进行。",
        "This page refreshes every 2 seconds. You may leave it; the import goes on.",
    ),
    ("job.running", "进行中", "Running"),
    ("job.title", "导入进度", "Import progress"),
    ("lang.switch", "English", "中文"),
    ("library.accept", "同意入库", "Accept"),
    ("library.action.admit", "入库", "Admit"),
    ("library.action.propose", "列为候选", "Propose"),
    ("library.action.remove", "移出库", "Remove"),
    ("library.action.return", "退回", "Return"),
    ("library.actual", "实际", "Actual"),
    ("library.admit_selected", "将选中的单位入库", "Admit the selected organizations"),
    (
        "library.admitted",
        "已入库 {n} 家。不符合条件或不在权限范围内的单位未变动。",
        "{n} admitted. Organizations that could not be admitted were left unchanged.",
    ),
    ("library.already_decided", "该申请已处理。请刷新页面。", "That application was already decided. Reload the page."),
    ("library.application.accepted", "已同意", "Accepted"),
    ("library.application.returned", "已退回", "Returned"),
    ("library.application.submitted", "待审核", "Waiting"),
    ("library.applications", "入库申请", "Applications"),
    (
        "library.applications_intro",
        "本区县企业提交的设计驱动型企业库入库申请。同意即入库；退回须说明原因，企业可完善后再次申请。",
        "Applications for the design-driven library from organizations in your districts. Accepting admits; returning needs a comment so the organization can improve and apply again.",
    ),
    ("library.apply", "提交入库申请", "Apply"),
    (
        "library.cannot_apply",
        "当前不能提交申请：已在库、已是候选，或已有待审核的申请。请在本单位页面查看入库状态和申请进度。",
        "You cannot apply now: already in the library, already a candidate, or an application is waiting. See the library status and the application on your organization's page.",
    ),
    ("library.checklist", "设计驱动型企业库入库条件", "Design-driven library criteria"),
    ("library.comment", "意见", "Comment"),
    ("library.comment_hint", "退回时必填，说明需要完善的内容。", "Required when returning: say what to improve."),
    ("library.comment_required", "退回申请须填写意见。", "Give a comment when returning an application."),
    ("library.criteria", "设计驱动型企业库入库条件", "Design-driven library criteria"),
    (
        "library.criteria_intro",
        "用于企业详情页的入库条件核对。修改后立即生效。",
        "Used for the checklist on organization pages. Takes effect at once.",
    ),
    ("library.criterion", "条件", "Criterion"),
    ("library.criterion.investment", "设计投入稳定（最近各年度均达到）", "Stable design investment (each recent year)"),
    (
        "library.criterion.market",
        "设计成果已进入市场（新产品销售收入或设计专利）",
        "Design results on the market (new-product sales or design patents)",
    ),
    ("library.criterion.team", "拥有设计团队（设计人员）", "A design team (design staff)"),
    ("library.done.admit", "已入库。", "Admitted."),
    ("library.done.applied", "入库申请已提交，等待所在区县审核。", "Application submitted; the district will decide."),
    ("library.done.created", "企业已登记。", "Organization registered."),
    ("library.done.figures", "年度指标已保存。", "Figures saved."),
    ("library.done.propose", "已列为候选。", "Proposed."),
    ("library.done.remove", "已移出库。", "Removed."),
    ("library.done.return", "已退回。", "Returned."),
    ("library.done.saved", "修改已保存。", "Changes saved."),
    ("library.done.unchanged", "没有修改任何内容。", "Nothing was changed."),
    ("library.fail", "未达到", "Not met"),
    ("library.history", "变更记录", "History"),
    (
        "library.illegal",
        "当前状态下不能执行该操作。请刷新页面查看最新状态。",
        "That step is not possible in the current status. Reload the page to see it.",
    ),
    ("library.min_design_investment", "每年设计投入不少于（万元）", "Design investment each year at least (万元)"),
    ("library.min_design_patents", "或设计专利不少于（件）", "Or design patents at least"),
    ("library.min_design_staff", "设计人员不少于（人）", "Design staff at least"),
    ("library.min_new_product_sales", "新产品销售收入不少于（万元）", "New-product sales at least (万元)"),
    ("library.no_application", "未找到该申请。", "No such application."),
    ("library.no_open_applications", "暂无待审核的入库申请。", "No applications are waiting."),
    ("library.pass", "达到", "Met"),
    ("library.reason", "说明", "Reason"),
    ("library.reason_hint", "移出库时必填；其他操作可选。", "Required when removing; optional otherwise."),
    ("library.reason_required", "移出库须填写原因。", "Give a reason for the removal."),
    ("library.required", "要求", "Required"),
    ("library.result", "结果", "Result"),
    ("library.select", "选择", "Select"),
    ("library.statement", "申请说明", "Statement"),
    (
        "library.statement_hint",
        "简述设计投入、设计团队和已上市的设计成果（10—2000 字）。",
        "Describe design investment, team and design results on the market (10–2000 characters).",
    ),
    ("library.statement_length", "申请说明须为 10—2000 字。", "The statement must have 10–2000 characters."),
    ("library.status.candidate", "候选", "Candidate"),
    ("library.status.in_library", "在库", "In library"),
    ("library.status.none", "未入库", "Not in library"),
    ("library.status.removed", "已移出", "Removed"),
    ("library.title", "设计驱动型企业库", "Design-driven library"),
    ("library.years", "考察最近年数", "Recent years considered"),
    ("library.years_range", "考察年数须在 1 到 5 之间。", "The number of years must be between 1 and 5."),
    (
        "login.disabled",
        "该账号已停用。如有疑问，请联系管理员。",
        "This account is disabled. Contact an administrator if you think this is wrong.",
    ),
    (
        "login.invalid",
        "用户名或密码错误，或账号已被临时锁定。连续失败 5 次将锁定 15 分钟。",
        "Wrong username or password, or the account is temporarily locked. Five failures in a row lock it for 15 minutes.",
    ),
    (
        "login.lock_hint",
        "连续 5 次输错密码，账号将锁定 15 分钟。忘记密码请联系所在区县分中心或管理员重置。",
        "Five wrong passwords in a row lock the account for 15 minutes. If you forgot your password, ask your branch center or an administrator to reset it.",
    ),
    (
        "login.no_account",
        "还没有账号？企业和设计师可在此注册。",
        "No account yet? Enterprises and designers can register here.",
    ),
    (
        "login.pending",
        "账号正在等待所在区县审核，审核通过后即可登录。",
        "The account is waiting for its district to verify it; you can sign in once it is verified.",
    ),
    ("login.title", "登录", "Sign in"),
    ("nav.accounts", "账号管理", "Accounts"),
    ("nav.admin_organizations", "企业管理", "Organization records"),
    ("nav.api", "接口文档", "API"),
    ("nav.applications", "入库申请", "Library applications"),
    ("nav.audit", "审计日志", "Audit trail"),
    ("nav.clusters", "产业集群", "Clusters"),
    ("nav.districts", "区县", "Districts"),
    ("nav.home", "首页", "Home"),
    ("nav.main", "主导航", "Main navigation"),
    ("nav.organizations", "企业名录", "Directory"),
    ("nav.reference", "基础数据", "Reference data"),
    ("nav.registry", "企业与机构", "Organizations"),
    ("nav.settings", "安全设置", "Security settings"),
    ("nav.system", "系统管理", "Administration"),
    ("org.address", "地址", "Address"),
    ("org.cluster", "产业集群", "Cluster"),
    ("org.cluster_invalid", "请从列表中选择产业集群。", "Choose clusters from the list."),
    ("org.contact", "联系人", "Contact"),
    ("org.contact_phone", "联系电话", "Contact phone"),
    ("org.count", "共 {n} 家企业与机构", "{n} organizations"),
    ("org.count_scoped", "您的权限范围内共 {n} 家", "{n} within your scope"),
    ("org.description", "简介", "Description"),
    ("org.detail", "企业详情", "Organization"),
    ("org.district", "所属区县", "District"),
    ("org.edit", "编辑企业信息", "Edit organization"),
    ("org.empty", "没有符合条件的企业与机构。请调整筛选条件。", "No organizations match. Change the filters."),
    ("org.founded", "成立日期", "Founded"),
    ("org.industry", "行业代码", "Industry code"),
    ("org.kind", "单位类型", "Kind"),
    ("org.kind.association", "行业协会", "Association"),
    ("org.kind.design_firm", "设计企业", "Design firm"),
    ("org.kind.industrial_park", "产业园区", "Industrial park"),
    ("org.kind.manufacturer", "制造企业", "Manufacturer"),
    ("org.kind.other", "其他", "Other"),
    ("org.kind.research_institute", "研究机构", "Research institute"),
    ("org.kind.service_platform", "服务平台", "Service platform"),
    ("org.kind.university", "高等院校", "University"),
    ("org.name", "单位名称", "Name"),
    ("org.new", "新增企业", "New organization"),
    ("org.newest_first", "最新登记在前", "Newest first"),
    ("org.phone_masked", "（已脱敏）", "(masked)"),
    ("org.private", "联系与登记信息", "Contact and registration"),
    (
        "org.public_intro",
        "公开的企业与机构名录，仅显示公开信息。",
        "The public directory of organizations; public fields only.",
    ),
    ("org.qualification", "资质", "Qualification"),
    ("org.qualification_year", "获评年份", "Year"),
    ("org.short_names", "简称", "Short names"),
    (
        "org.staff_intro",
        "您权限范围内的企业与机构，含联系信息。手机号按权限脱敏显示。",
        "Organizations within your scope, with contacts. Phones are masked unless you may edit the record.",
    ),
    ("org.uscc", "统一社会信用代码", "Unified social credit code"),
    ("org.uscc_fixed", "统一社会信用代码登记后不可修改。", "The credit code cannot change once registered."),
    (
        "org.uscc_taken",
        "该统一社会信用代码已登记。请在企业管理中查找该单位。",
        "That credit code is already registered. Find the organization in the list.",
    ),
    ("org.website", "网址", "Website"),
    (
        "org.website_invalid",
        "网址格式不正确（不能含空格，最长 255 个字符）。",
        "The website is not valid (no spaces, at most 255 characters).",
    ),
    ("page.next", "下一页", "Next"),
    ("page.of", "第 {page} / {pages} 页，共 {total} 条", "Page {page} of {pages}, {total} rows"),
    ("page.pagination", "分页", "Pagination"),
    ("page.prev", "上一页", "Previous"),
    ("password.change", "修改密码", "Change password"),
    (
        "password.classes",
        "密码须包含大写字母、小写字母、数字、符号中的至少 3 类。",
        "The password must mix at least 3 of: upper case, lower case, digits, symbols.",
    ),
    (
        "password.common",
        "该密码过于常见，容易被猜到。请换一个。",
        "That password is too common and easy to guess. Choose another.",
    ),
    ("password.confirm", "确认新密码", "Confirm new password"),
    ("password.current", "当前密码", "Current password"),
    ("password.current_wrong", "当前密码不正确。请重新输入。", "The current password is wrong. Enter it again."),
    (
        "password.forced",
        "为保障账号安全，请先设置新密码后再使用平台。",
        "For your account's safety, set a new password before using the platform.",
    ),
    ("password.mismatch", "两次输入的新密码不一致。请重新输入。", "The two new passwords differ. Enter them again."),
    ("password.new", "新密码", "New password"),
    (
        "password.policy",
        "至少 8 位，包含大写字母、小写字母、数字、符号中的 3 类，不含用户名。",
        "At least 8 characters from 3 of: upper case, lower case, digits, symbols; not containing the username.",
    ),
    ("password.same", "新密码不能与当前密码相同。", "The new password must differ from the current one."),
    ("password.too_long", "密码不能超过 128 位。", "The password may have at most 128 characters."),
    ("password.too_short", "密码至少需要 8 位。", "The password needs at least 8 characters."),
    ("password.username", "密码不能包含用户名。", "The password must not contain the username."),
    ("perm.audit.read", "查看审计日志", "Read the audit trail"),
    ("perm.identity.manage", "管理账号", "Manage accounts"),
    ("perm.identity.read", "查看账号", "Read accounts"),
    ("perm.identity.verify", "审核注册账号", "Verify registrations"),
    ("perm.library.decide", "审核设计驱动型企业库", "Decide on the design-driven library"),
    ("perm.recognition.review", "评审认定申报", "Review recognition applications"),
    ("perm.reference.edit", "维护基础数据", "Edit reference data"),
    ("perm.registry.edit", "编辑企业信息", "Edit organizations"),
    ("perm.registry.export", "导出企业名单", "Export organizations"),
    ("perm.registry.read_private", "查看企业非公开信息", "Read organizations' private fields"),
    ("perm.settings.edit", "修改平台设置", "Change platform settings"),
    ("qualification.chain_leader", "链主企业", "Chain leader"),
    ("qualification.double_hundred", "双百企业", "Double-hundred enterprise"),
    ("qualification.high_tech", "高新技术企业", "High-tech enterprise"),
    ("qualification.little_giant", "专精特新“小巨人”", "Specialised \"little giant\""),
    ("qualification.single_champion", "制造业单项冠军", "Manufacturing single champion"),
    ("qualification.specialized", "市级专精特新", "Municipal specialised SME"),
    ("register.account_section", "账号信息", "Account"),
    ("register.active_note", "账号已开通，现在即可登录。", "Your account is active; you can sign in now."),
    ("register.designer", "设计师注册", "Designer registration"),
    (
        "register.designer_hint",
        "个人设计师注册后即可登录，用于维护人才档案、申报职称和报名培训。",
        "Individual designers can sign in right away to keep a talent profile, apply for titles and enrol in training.",
    ),
    (
        "register.district_hint",
        "按营业执照登记地选择，由该区县分中心审核。",
        "As registered on the business licence; that district's branch center verifies the account.",
    ),
    ("register.district_required", "请选择所属区县。", "Choose the district."),
    ("register.enterprise", "企业注册", "Enterprise registration"),
    (
        "register.enterprise_hint",
        "制造企业、设计企业、院校和机构注册后，由所属区县分中心审核开通。",
        "Manufacturers, design firms, universities and institutes register here; their district's branch center verifies the account.",
    ),
    ("register.kind_required", "请选择单位类型。", "Choose the kind of organization."),
    (
        "register.org_conflict",
        "该统一社会信用代码已被登记。请刷新后重试。",
        "That credit code has just been registered. Reload and try again.",
    ),
    (
        "register.org_name_hint",
        "与营业执照一致的全称；括号可用中文或英文。",
        "The full name as on the business licence; brackets may be Chinese or English.",
    ),
    (
        "register.org_name_required",
        "请填写与营业执照一致的单位全称（不超过 100 字）。",
        "Enter the full registered name (at most 100 characters).",
    ),
    ("register.org_section", "单位信息", "Organization"),
    (
        "register.pending_note",
        "注册申请已提交，所属区县分中心审核通过后即可登录。",
        "Your registration was received; you can sign in once the district's branch center verifies it.",
    ),
    ("register.received", "注册已提交", "Registration received"),
    ("register.start", "开始注册", "Register"),
    ("register.submit", "提交注册", "Submit"),
    ("register.title", "注册", "Register"),
    (
        "register.uscc_hint",
        "18 位，见营业执照；已登记的单位将直接关联。",
        "18 characters, as on the business licence; a registered organization is linked directly.",
    ),
    ("role.admin", "系统管理员", "Administrator"),
    ("role.branch_staff", "区县分中心", "Branch center staff"),
    ("role.city_officer", "市经信委", "City officer"),
    ("role.designer", "设计师", "Designer"),
    ("role.expert", "评审专家", "Expert"),
    ("role.hq_staff", "促进中心总部", "HQ staff"),
    ("role.org_admin", "企业管理员", "Organization admin"),
    ("role.org_member", "企业成员", "Organization member"),
    ("search.count", "共找到 {n} 条结果", "{n} results"),
    (
        "search.empty_query",
        "请输入要检索的文字或拼音；仅含标点或符号的内容无法检索。",
        "Type words or pinyin to search for; punctuation and symbols alone cannot be searched.",
    ),
    ("search.facet.cluster", "产业集群", "Cluster"),
    ("search.facet.district", "区县", "District"),
    ("search.facet.kind", "单位类型", "Kind"),
    ("search.facet.type", "类型", "Type"),
    ("search.facets", "筛选", "Filters"),
    (
        "search.hint",
        "可输入全称、简称（如“川美”）、名称片段（如“长安”）、拼音（如“changan”）或首字母（如“cqca”）；多个词以空格分隔。",
        "Type a full or short name, part of a name, its pinyin (\"changan\") or initials (\"cqca\"); separate words with spaces.",
    ),
    (
        "search.index_locked",
        "检索索引（{dir}）正由另一个进程使用。请先停止正在运行的服务，或为本进程设置其他 SHEJI_SEARCH_DIR。",
        "The search index in {dir} is in use by another process. Stop the running server first, or give this process another SHEJI_SEARCH_DIR.",
    ),
    ("search.label", "检索全平台", "Search the platform"),
    (
        "search.none",
        "未找到匹配的结果。请检查用字，或改用简称、拼音、更短的名称片段再试。",
        "Nothing matched. Check the spelling, or try a short name, pinyin or a shorter part of the name.",
    ),
    ("search.not_attached", "检索服务尚未就绪，请稍后再试。", "Search is not ready yet. Please try again shortly."),
    ("search.placeholder", "名称、简称、拼音或信用代码", "Name, short name, pinyin or credit code"),
    (
        "search.relaxed",
        "没有同时包含全部词语的结果，以下结果包含其中部分词语。",
        "No result contains every word; these contain some of them.",
    ),
    ("search.submit", "检索", "Search"),
    ("search.synonyms", "检索同义词", "Search synonyms"),
    (
        "search.synonyms_hint",
        "每行一组同义词，词语之间用逗号或空格分隔，例如：川美，四川美术学院。检索其中任一词时也会查找同组其他词。",
        "One group per line, words separated by commas or spaces, e.g. 川美，四川美术学院. Searching for any word also finds the others in its group.",
    ),
    ("search.synonyms_saved", "同义词已保存，共 {n} 组。", "Synonyms saved: {n} groups."),
    (
        "search.synonyms_too_long",
        "同义词列表过长（上限 100 000 字），请精简后再保存。",
        "The synonym list is too long (100 000 characters at most); shorten it and save again.",
    ),
    ("search.title", "检索", "Search"),
    ("search.type.organization", "企业与机构", "Organizations"),
    ("session.browser", "浏览器", "Browser"),
    ("session.current", "当前会话", "This session"),
    ("session.end", "结束", "End"),
    ("session.ip", "IP 地址", "IP address"),
    ("session.last_seen", "最近活动", "Last active"),
    ("session.started", "登录时间", "Signed in"),
    ("session.title", "登录会话", "Sessions"),
    (
        "settings.absolute_hint",
        "登录后无论是否操作，超过该时长须重新登录（1–72 小时）。",
        "Sign in again after this long, busy or not (1–72 hours).",
    ),
    ("settings.absolute_hours", "会话最长时长（小时）", "Session lifetime (hours)"),
    (
        "settings.absolute_range",
        "会话最长时长须在 1 到 72 小时之间。",
        "The session lifetime must be between 1 and 72 hours.",
    ),
    (
        "settings.idle_hint",
        "无操作超过该时长将自动退出（5–480 分钟）。",
        "Signed out after this long without activity (5–480 minutes).",
    ),
    ("settings.idle_minutes", "空闲超时（分钟）", "Idle timeout (minutes)"),
    ("settings.idle_range", "空闲超时须在 5 到 480 分钟之间。", "The idle timeout must be between 5 and 480 minutes."),
    (
        "settings.require_totp",
        "要求管理员、市经信委和总部人员开启两步验证",
        "Require two-step verification for administrators, city officers and HQ staff",
    ),
    (
        "settings.require_totp_hint",
        "开启后，上述人员须先绑定验证器应用才能继续使用平台。",
        "Once on, these accounts must enrol an authenticator app before using the platform.",
    ),
    ("settings.saved", "设置已保存。", "Settings saved."),
    ("status.active", "正常", "Active"),
    ("status.disabled", "已停用", "Disabled"),
    ("status.pending", "待审核", "Pending"),
    ("table.all", "全部", "All"),
    ("table.sort_asc", "升序排列", "sorted ascending"),
    ("table.sort_desc", "降序排列", "sorted descending"),
    ("token.create", "创建令牌", "Create token"),
    (
        "token.created_once",
        "令牌已创建。请立即复制保存，离开本页后将无法再次查看：",
        "Token created. Copy it now; it will not be shown again:",
    ),
    ("token.days", "有效天数", "Valid for (days)"),
    ("token.days_hint", "1–365 天，到期后自动失效。", "1–365 days; it stops working after that."),
    ("token.days_invalid", "有效天数须在 1 到 365 之间。", "The validity must be between 1 and 365 days."),
    (
        "token.empty",
        "尚未创建接口令牌。对接其他系统时，在下方创建一个。",
        "No API tokens yet. Create one below to connect another system.",
    ),
    ("token.expired", "已过期", "Expired"),
    ("token.expires", "到期时间", "Expires"),
    (
        "token.intro",
        "接口令牌用于其他系统调用 JSON 接口（Authorization: Bearer 令牌），只能使用您勾选的功能。",
        "API tokens let other systems call the JSON API (Authorization: Bearer token), limited to the functions you tick.",
    ),
    ("token.live", "有效", "Active"),
    ("token.name", "名称", "Name"),
    ("token.name_hint", "用于识别用途，如“统计系统对接”。", "What it is for, e.g. \"statistics system\"."),
    ("token.name_invalid", "请填写令牌名称（不超过 64 字）。", "Name the token (at most 64 characters)."),
    ("token.new", "新建令牌", "New token"),
    (
        "token.permission_invalid",
        "您无权授予“{name}”。请只勾选列表中的功能。",
        "You cannot grant \"{name}\". Tick only functions from the list.",
    ),
    ("token.permissions", "可用功能", "Functions"),
    ("token.permissions_required", "请至少勾选一项功能。", "Tick at least one function."),
    ("token.prefix", "前缀", "Prefix"),
    ("token.revoke", "撤销", "Revoke"),
    ("token.revoked", "已撤销", "Revoked"),
    ("token.status", "状态", "Status"),
    ("token.title", "接口令牌", "API tokens"),
    (
        "totp.bad_secret",
        "验证器密钥无效。请刷新页面重新开始绑定。",
        "The authenticator secret is not valid. Reload the page and start again.",
    ),
    ("totp.code", "验证码", "Code"),
    ("totp.code_hint", "验证器应用显示的 6 位数字。", "The 6 digits your authenticator app shows."),
    ("totp.disable", "关闭两步验证", "Switch off"),
    ("totp.enable", "开启两步验证", "Switch on"),
    (
        "totp.enter_code",
        "请输入验证器应用中显示的 6 位验证码以完成登录。",
        "Enter the 6-digit code from your authenticator app to finish signing in.",
    ),
    ("totp.login_title", "两步验证", "Two-step verification"),
    ("totp.manage", "设置", "Manage"),
    ("totp.off", "未开启", "Off"),
    ("totp.on", "已开启", "On"),
    ("totp.on_hint", "登录时需输入验证器应用中的验证码。", "Signing in asks for a code from your authenticator app."),
    (
        "totp.required",
        "平台要求您的角色使用两步验证，不能关闭。",
        "The platform requires two-step verification for your role; it cannot be switched off.",
    ),
    (
        "totp.required_notice",
        "管理员要求您的账号开启两步验证。请完成绑定后继续使用平台。",
        "An administrator requires two-step verification for your account. Enrol an authenticator to continue.",
    ),
    (
        "totp.step_add",
        "在应用中添加账号，输入以下密钥（或使用下方链接）：",
        "Add an account in the app with this secret (or the link below):",
    ),
    ("totp.step_confirm", "输入应用显示的 6 位验证码确认绑定。", "Enter the 6-digit code the app shows to confirm."),
    (
        "totp.step_install",
        "在手机上安装验证器应用（如 Microsoft Authenticator、Google Authenticator 或各类国产验证器）。",
        "Install an authenticator app on your phone (Microsoft Authenticator, Google Authenticator or similar).",
    ),
    ("totp.title", "两步验证", "Two-step verification"),
    ("totp.verify", "验证", "Verify"),
    (
        "totp.wrong_code",
        "验证码不正确或已过期。请输入应用中当前显示的验证码。",
        "The code is wrong or expired. Enter the code the app shows now.",
    ),
    ("unit.wan_yuan", "万元", "10k yuan"),
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
    ("uscc.empty", "请填写统一社会信用代码。", "Enter the unified social credit code."),
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
