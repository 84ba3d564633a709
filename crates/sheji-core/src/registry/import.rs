//! Reading the spreadsheets districts actually send: header spellings, units in headers,
//! numbers with thousands separators or full-width digits, dates as Excel serials or text,
//! district names with or without their 区/县 suffix. Pure functions over cell text; the
//! service reads the files.

use chrono::NaiveDate;

use crate::registry::to_half_width;

/// A column the organization import understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OrgColumn {
    /// 统一社会信用代码
    Uscc,
    /// 单位名称
    Name,
    /// 简称 (several, separated by 、 , ; or /)
    ShortNames,
    /// 单位类型
    Kind,
    /// 所属区县
    District,
    /// 地址
    Address,
    /// 所属产业集群 (several)
    Clusters,
    /// 行业代码 (GB/T 4754 大类)
    Industry,
    /// 资质 (several)
    Qualifications,
    /// 网址
    Website,
    /// 简介
    Description,
    /// 成立日期
    Founded,
    /// 联系人
    ContactName,
    /// 联系电话
    ContactPhone,
    /// 指标年度
    Year,
    /// 营业收入（万元）
    Revenue,
    /// 研发投入（万元）
    RdSpend,
    /// 设计投入（万元）
    DesignInvestment,
    /// 从业人员
    StaffTotal,
    /// 设计人员
    DesignStaff,
    /// 高级设计人员
    SeniorDesignStaff,
    /// 设计专利
    DesignPatents,
    /// 新产品销售收入（万元）
    NewProductSales,
    /// 设计服务收入（万元）
    DesignServiceRevenue,
    /// 设计奖项
    Awards,
}

impl OrgColumn {
    /// Every column, in the order of the template.
    pub const ALL: [Self; 25] = [
        Self::Uscc,
        Self::Name,
        Self::ShortNames,
        Self::Kind,
        Self::District,
        Self::Address,
        Self::Clusters,
        Self::Industry,
        Self::Qualifications,
        Self::Website,
        Self::Description,
        Self::Founded,
        Self::ContactName,
        Self::ContactPhone,
        Self::Year,
        Self::Revenue,
        Self::RdSpend,
        Self::DesignInvestment,
        Self::StaffTotal,
        Self::DesignStaff,
        Self::SeniorDesignStaff,
        Self::DesignPatents,
        Self::NewProductSales,
        Self::DesignServiceRevenue,
        Self::Awards,
    ];

    /// The header the template writes.
    pub fn header(self) -> &'static str {
        self.spellings().first().copied().unwrap_or_default()
    }

    /// Accepted header spellings after normalisation (first is the template's).
    pub fn spellings(self) -> &'static [&'static str] {
        match self {
            Self::Uscc => &["统一社会信用代码", "信用代码", "社会信用代码", "统一代码", "uscc"],
            Self::Name => &["单位名称", "企业名称", "名称", "机构名称", "企业(机构)名称", "单位全称"],
            Self::ShortNames => &["简称", "企业简称", "单位简称"],
            Self::Kind => &["单位类型", "企业类型", "类型", "机构类型"],
            Self::District => &["所属区县", "区县", "所在区县", "区县(功能区)"],
            Self::Address => &["地址", "注册地址", "通讯地址", "单位地址"],
            Self::Clusters => &["所属产业集群", "产业集群", "集群"],
            Self::Industry => &["行业代码", "所属行业代码", "国民经济行业代码"],
            Self::Qualifications => &["资质", "企业资质", "荣誉资质"],
            Self::Website => &["网址", "网站", "官网"],
            Self::Description => &["简介", "企业简介", "单位简介"],
            Self::Founded => &["成立日期", "成立时间", "注册日期"],
            Self::ContactName => &["联系人", "联系人姓名"],
            Self::ContactPhone => &["联系电话", "电话", "联系人电话", "手机"],
            Self::Year => &["指标年度", "年度", "统计年度"],
            Self::Revenue => &["营业收入", "营收", "主营业务收入"],
            Self::RdSpend => &["研发投入", "研发费用"],
            Self::DesignInvestment => &["设计投入", "工业设计投入"],
            Self::StaffTotal => &["从业人员", "职工人数", "员工人数"],
            Self::DesignStaff => &["设计人员", "设计人员数", "设计团队人数"],
            Self::SeniorDesignStaff => &["高级设计人员", "其中高级设计人员", "高级职称设计人员"],
            Self::DesignPatents => &["设计专利", "设计类专利授权", "外观设计专利"],
            Self::NewProductSales => &["新产品销售收入", "新产品销售额"],
            Self::DesignServiceRevenue => &["设计服务收入"],
            Self::Awards => &["设计奖项", "获奖数", "设计获奖"],
        }
    }

    /// Whether the template marks the column as required.
    pub fn required(self) -> bool {
        matches!(self, Self::Uscc | Self::Name | Self::Kind | Self::District)
    }

    /// The catalogue key of the column's explanation (second sheet of the template).
    pub fn hint_key(self) -> String {
        format!("import.col.{}", format!("{self:?}").to_lowercase())
    }

    /// Recognises a header cell: spaces and full-width forms folded, a unit in brackets
    /// (（万元）, (人)) and a trailing required mark (*) dropped.
    pub fn recognise(header: &str) -> Option<Self> {
        let key = normalize_header(header);
        if key.is_empty() {
            return None;
        }
        Self::ALL.into_iter().find(|c| c.spellings().iter().any(|s| normalize_header(s) == key))
    }
}

/// A header with its noise removed, for matching.
pub fn normalize_header(header: &str) -> String {
    let folded: String = header.chars().map(to_half_width).filter(|c| !c.is_whitespace() && *c != '*').collect();
    let without_unit = match folded.find(['(', '（']) {
        Some(i) if folded.ends_with([')', '）']) && i > 0 => folded.get(..i).unwrap_or(&folded).to_owned(),
        _ => folded,
    };
    without_unit.to_lowercase()
}

/// A cell that does not hold what its column needs (a number, a count, a date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the cell cannot be read as the column's type")]
pub struct Unreadable;

/// Cell text with full-width characters folded and outer spaces trimmed.
pub fn clean(cell: &str) -> String {
    cell.chars().map(to_half_width).collect::<String>().trim().to_owned()
}

/// A number as spreadsheets hold it: "1,234.5", "１２３４", " 12 ", "—" (empty).
pub fn parse_number(cell: &str) -> Result<Option<f64>, Unreadable> {
    let text: String = clean(cell).chars().filter(|c| *c != ',' && *c != '，' && !c.is_whitespace()).collect();
    if text.is_empty() || matches!(text.as_str(), "-" | "—" | "/" | "无") {
        return Ok(None);
    }
    text.parse::<f64>().map(Some).map_err(|_| Unreadable)
}

/// A whole count: "12", "12.0", "1,200".
pub fn parse_count(cell: &str) -> Result<Option<i64>, Unreadable> {
    match parse_number(cell)? {
        None => Ok(None),
        Some(v) if v.fract() == 0.0 && v.abs() < 1e15 => Ok(Some(v as i64)),
        Some(_) => Err(Unreadable),
    }
}

/// A date: an Excel serial (45000), 2024-03-01, 2024/3/1, 2024.3.1, 2024年3月1日, or 20240301.
pub fn parse_date(cell: &str) -> Result<Option<NaiveDate>, Unreadable> {
    let text = clean(cell);
    if text.is_empty() {
        return Ok(None);
    }
    if let Ok(serial) = text.parse::<f64>()
        && (1.0..200_000.0).contains(&serial)
        && !(text.len() == 8 && text.starts_with(['1', '2']))
    {
        // Excel's day 1 is 1900-01-01, and it counts a 29 February 1900 that never was.
        let base = NaiveDate::from_ymd_opt(1899, 12, 30).ok_or(Unreadable)?;
        return base.checked_add_days(chrono::Days::new(serial.trunc() as u64)).map(Some).ok_or(Unreadable);
    }
    let unified: String = text.replace(['年', '月', '/', '.'], "-").replace('日', "");
    if let Ok(d) = NaiveDate::parse_from_str(&unified, "%Y-%m-%d") {
        return Ok(Some(d));
    }
    NaiveDate::parse_from_str(&text, "%Y%m%d").map(Some).map_err(|_| Unreadable)
}

/// Several values in one cell: 、 , ， ; ； / and line breaks separate them.
pub fn split_list(cell: &str) -> Vec<String> {
    clean(cell)
        .split(['、', ',', '，', ';', '；', '/', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Whether a typed district name names `official`: 璧山区 matches 璧山, 璧山区 and 璧山区 ;
/// 秀山 matches 秀山土家族苗族自治县.
pub fn district_matches(typed: &str, official: &str) -> bool {
    let t = clean(typed);
    if t.is_empty() {
        return false;
    }
    let t = t.strip_prefix("重庆市").unwrap_or(&t);
    // Cleaned alike: full-width brackets in an official name match the typed ones.
    let official = clean(official);
    let official = official.as_str();
    if t == official {
        return true;
    }
    let base = official.trim_end_matches(['区', '县']);
    let short = base.split("土家族").next().unwrap_or(base);
    let short = short.split("苗族").next().unwrap_or(short);
    t == base || t == short || t.trim_end_matches(['区', '县']) == short
}

/// The year a sheet's title names ("2026年度设计驱动型企业汇总表" → 2026): the first
/// four-digit year from 2000 to 2100 followed by 年 (spaces between ignored). A title without
/// one names none.
pub fn year_in_title(title: &str) -> Option<i32> {
    let chars: Vec<char> = title.chars().filter(|c| !c.is_whitespace()).collect();
    chars.windows(5).find_map(|w| {
        let digits: String = w.get(..4)?.iter().collect();
        let year: i32 = digits.parse().ok()?;
        (w.get(4) == Some(&'年') && digits.chars().all(|c| c.is_ascii_digit()) && (2000..=2100).contains(&year))
            .then_some(year)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_names_its_year() {
        assert_eq!(year_in_title("2026年度设计驱动型企业汇总表"), Some(2026));
        assert_eq!(year_in_title("璧山区 2025 年 工业设计企业名单"), Some(2025));
        assert_eq!(year_in_title("璧山区2025年工业设计企业名单（截至12月）"), Some(2025));
        assert_eq!(year_in_title("第1999年"), None);
        assert_eq!(year_in_title("汇总表"), None);
    }

    #[test]
    fn headers_in_their_common_spellings() {
        assert_eq!(OrgColumn::recognise("企业名称"), Some(OrgColumn::Name));
        assert_eq!(OrgColumn::recognise(" 营业收入（万元） "), Some(OrgColumn::Revenue));
        assert_eq!(OrgColumn::recognise("营业收入(万元)"), Some(OrgColumn::Revenue));
        assert_eq!(OrgColumn::recognise("统一社会信用代码*"), Some(OrgColumn::Uscc));
        assert_eq!(OrgColumn::recognise("信用代码"), Some(OrgColumn::Uscc));
        assert_eq!(OrgColumn::recognise("区 县"), Some(OrgColumn::District));
        assert_eq!(OrgColumn::recognise("备注"), None);
        assert_eq!(OrgColumn::recognise(""), None);
    }

    #[test]
    fn numbers_dates_and_lists_as_typed() {
        assert_eq!(parse_number("1,234.5"), Ok(Some(1234.5)));
        assert_eq!(parse_number("１２３４"), Ok(Some(1234.0)));
        assert_eq!(parse_number(" — "), Ok(None));
        assert_eq!(parse_number("十万"), Err(Unreadable));
        assert_eq!(parse_count("12.0"), Ok(Some(12)));
        assert_eq!(parse_count("12.5"), Err(Unreadable));
        let d = NaiveDate::from_ymd_opt(2023, 3, 15);
        assert_eq!(parse_date("45000"), Ok(d));
        assert_eq!(parse_date("2023-03-15"), Ok(d));
        assert_eq!(parse_date("2023/3/15"), Ok(d));
        assert_eq!(parse_date("2023年3月15日"), Ok(d));
        assert_eq!(parse_date("20230315"), Ok(d));
        assert_eq!(parse_date("下个月"), Err(Unreadable));
        assert_eq!(
            split_list("智能网联新能源汽车、先进材料; 软件信息服务"),
            ["智能网联新能源汽车", "先进材料", "软件信息服务"]
        );
    }

    #[test]
    fn district_names_with_or_without_suffix() {
        assert!(district_matches("璧山", "璧山区"));
        assert!(district_matches("璧山区 ", "璧山区"));
        assert!(district_matches("重庆市璧山区", "璧山区"));
        assert!(district_matches("秀山", "秀山土家族苗族自治县"));
        assert!(district_matches("秀山县", "秀山土家族苗族自治县"));
        assert!(!district_matches("璧", "璧山区"));
        assert!(!district_matches("", "璧山区"));
    }
}
