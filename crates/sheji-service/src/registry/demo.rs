//! The registry's demo data: a few hundred organizations of a realistic Chongqing, the same on
//! every run (seeded), with five years of figures and a share in the library. Names are built
//! from component lists the way local companies are named (place or brand word + trade + legal
//! form); USCCs carry valid check characters. The synthetic-city generator reuses the builders.

use std::collections::HashSet;

use chrono::NaiveDate;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;
use sheji_core::ids::ClusterId;
use sheji_core::page::PageRequest;
use sheji_core::reference::{Cluster, District, DistrictKind};
use sheji_core::registry::uscc::{self, Uscc};
use sheji_core::registry::{OrgKind, normalize_name};
use sheji_store::reference as reference_store;
use sheji_store::registry::{self as registry_store, NewOrganization};

use crate::audit::{self, Actor, Change};
use crate::demo::DEMO_SEED;
use crate::{ServiceError, Services};

/// How many organizations of each kind the demo holds.
const DEMO_MIX: [(OrgKind, usize); 8] = [
    (OrgKind::Manufacturer, 150),
    (OrgKind::DesignFirm, 40),
    (OrgKind::ResearchInstitute, 12),
    (OrgKind::University, 8),
    (OrgKind::IndustrialPark, 10),
    (OrgKind::ServicePlatform, 10),
    (OrgKind::Association, 6),
    (OrgKind::Other, 4),
];

/// Adds the demo organizations with their figures; how many were added (zero when the demo
/// was loaded before: records with the same USCC are left alone).
pub(crate) async fn load(services: &Services) -> Result<u64, ServiceError> {
    let store = services.store();
    let districts = reference_store::list_active_districts(store).await?;
    let clusters = reference_store::list_clusters(store, None, PageRequest::new(Some(1), Some(200))).await?.items;
    let industries = reference_store::list_industry_division_codes(store).await?;
    let mut rng = ChaCha8Rng::seed_from_u64(DEMO_SEED);
    let mut orgs = Vec::new();
    for (mut org, phone) in organizations(&mut rng, &districts, &clusters, &industries) {
        org.contact_phone_enc = Some(services.secrets().encrypt(&phone).map_err(ServiceError::internal)?);
        orgs.push(org);
    }
    let organizations = registry_store::insert_organizations(store, &orgs, services.now()).await?;
    if organizations == 0 {
        return Ok(0);
    }
    // Five years of figures for every organization, and a share of the city in the library.
    let now = services.now();
    let codes: Vec<&str> = orgs.iter().map(|o| o.uscc.as_str()).collect();
    let mut ids = sheji_store::registry::library::ids_by_uscc(store, &codes).await?;
    // In code order, so the figures drawn do not depend on the order the database returns.
    ids.sort();
    let kind_of: std::collections::HashMap<&str, OrgKind> = orgs.iter().map(|o| (o.uscc.as_str(), o.kind)).collect();
    let mut rows = Vec::new();
    let mut in_library = Vec::new();
    for (code, id) in &ids {
        let kind = kind_of.get(code.as_str()).copied().unwrap_or(OrgKind::Other);
        rows.extend(crate::generator::figures(&mut rng, kind).into_iter().map(|(y, i)| (*id, y, i)));
        if matches!(kind, OrgKind::Manufacturer | OrgKind::DesignFirm) && rng.random_range(0..100) < 30 {
            in_library.push(*id);
        }
    }
    let tx = store.begin().await?;
    let by = sheji_store::registry::library::EnteredBy { name: "system", via: "demo" };
    sheji_store::registry::library::insert_indicators_bulk(&tx, &rows, by, now).await?;
    sheji_store::registry::library::set_library_status_bulk(
        &tx,
        &in_library,
        sheji_core::registry::LibraryStatus::InLibrary,
        now,
    )
    .await?;
    tx.commit().await?;
    let change = Change {
        action: "demo.load",
        target_type: "organization",
        target_id: "*".to_owned(),
        before: json!(null),
        after: json!({"organizations": organizations, "seed": DEMO_SEED}),
    };
    audit::record_alone(services, &Actor::system(), change).await?;
    Ok(organizations)
}

/// Builds the demo organizations, each with its contact's phone in clear (the caller encrypts
/// it). Pure: the same inputs and seed give the same list.
pub fn organizations(
    rng: &mut impl Rng,
    districts: &[District],
    clusters: &[Cluster],
    industries: &[String],
) -> Vec<(NewOrganization, String)> {
    let mut names = HashSet::new();
    let mut codes = HashSet::new();
    organizations_mix(rng, &DEMO_MIX, districts, clusters, industries, &mut names, &mut codes)
}

/// Builds `mix` organizations (kind, how many), unique by name and USCC against `names` and
/// `codes` (which the caller keeps across batches). Pure but for the sets.
pub fn organizations_mix(
    rng: &mut impl Rng,
    mix: &[(OrgKind, usize)],
    districts: &[District],
    clusters: &[Cluster],
    industries: &[String],
    names: &mut HashSet<String>,
    codes: &mut HashSet<String>,
) -> Vec<(NewOrganization, String)> {
    let mut out = Vec::new();
    let weighted: Vec<(&District, u32)> = districts.iter().map(|d| (d, district_weight(&d.name))).collect();
    for &(kind, n) in mix {
        for _ in 0..n {
            let Ok((district, _)) = weighted.choose_weighted(rng, |(_, w)| *w) else {
                return out;
            };
            let Some((name, trade)) = unique_name(rng, kind, district, names) else {
                continue;
            };
            let Some(code) = unique_uscc(rng, kind, district, codes) else {
                continue;
            };
            let clusters = pick_clusters(rng, kind, clusters);
            let industry_code =
                (kind == OrgKind::Manufacturer).then(|| trade.industry.to_owned()).filter(|c| industries.contains(c));
            let founded_on = NaiveDate::from_ymd_opt(
                rng.random_range(1985..=2023),
                rng.random_range(1..=12),
                rng.random_range(1..=28),
            );
            let contact_name = person_name(rng);
            let phone = format!("1{}{:09}", rng.random_range(3..=9), rng.random_range(0..1_000_000_000u32));
            out.push((
                NewOrganization {
                    uscc: code,
                    description: describe(rng, kind, trade),
                    address: address(rng, district),
                    name,
                    kind,
                    district_id: district.id,
                    industry_code,
                    founded_on,
                    clusters,
                    contact_name: Some(contact_name),
                    contact_phone_enc: None,
                },
                phone,
            ));
        }
    }
    out
}

/// Manufacturing concentrates in a few districts; the weights make the demo look like it.
fn district_weight(name: &str) -> u32 {
    match name {
        "两江新区" => 14,
        "九龙坡区" | "沙坪坝区" | "璧山区" => 8,
        "江津区" | "永川区" | "巴南区" | "大足区" | "涪陵区" | "长寿区" => 5,
        "北碚区" | "南岸区" | "渝中区" | "綦江区" | "合川区" | "荣昌区" | "铜梁区" | "垫江县" => {
            3
        }
        "西部科学城重庆高新区" | "万盛经开区" => 3,
        _ => 1,
    }
}

struct Trade {
    word: &'static str,
    product: &'static str,
    industry: &'static str,
    cluster_hint: &'static str,
}

const TRADES: &[Trade] = &[
    Trade {
        word: "汽车零部件",
        product: "汽车内外饰件与底盘零部件",
        industry: "36",
        cluster_hint: "智能网联新能源汽车",
    },
    Trade {
        word: "新能源汽车", product: "新能源乘用车与商用车", industry: "36", cluster_hint: "智能网联新能源汽车"
    },
    Trade {
        word: "摩托车", product: "中大排量摩托车与电动两轮车", industry: "37", cluster_hint: "高端摩托车"
    },
    Trade {
        word: "电子科技",
        product: "笔记本电脑结构件与消费电子外观件",
        industry: "39",
        cluster_hint: "新一代电子信息制造业",
    },
    Trade { word: "光电", product: "显示模组与背光组件", industry: "39", cluster_hint: "新型显示" },
    Trade {
        word: "智能装备", product: "工业机器人与自动化产线", industry: "34", cluster_hint: "智能装备及智能制造"
    },
    Trade {
        word: "精密机械", product: "数控机床与精密传动部件", industry: "34", cluster_hint: "智能制造装备"
    },
    Trade {
        word: "铝业", product: "轻量化铝合金型材与压铸件", industry: "32", cluster_hint: "轻合金材料"
    },
    Trade {
        word: "新材料", product: "复合材料与功能性薄膜", industry: "29", cluster_hint: "先进材料"
    },
    Trade {
        word: "食品", product: "火锅底料、调味品与休闲食品", industry: "14", cluster_hint: "食品及农产品加工"
    },
    Trade {
        word: "医疗器械", product: "康复器具与家用医疗设备", industry: "35", cluster_hint: "医疗器械"
    },
    Trade { word: "家居", product: "智能家电与整体家居", industry: "38", cluster_hint: "智能家居" },
    Trade { word: "服饰", product: "功能性面料与品牌服饰", industry: "18", cluster_hint: "轻纺" },
    Trade {
        word: "储能科技", product: "动力电池包与储能系统", industry: "38", cluster_hint: "新能源及新型储能"
    },
    Trade {
        word: "仪器仪表", product: "智能传感器与工业仪表", industry: "40", cluster_hint: "传感器及仪器仪表"
    },
    Trade { word: "农机", product: "丘陵山地农业机械", industry: "35", cluster_hint: "农机装备" },
];

const BRANDS: &[&str] = &[
    "长鑫", "博联", "渝达", "瑞驰", "华岳", "蓝海", "山城", "嘉陵", "巴渝", "金渝", "鸿宇", "致远", "恒通", "宏图",
    "天泽", "两江", "缙云", "歌乐", "南山", "朝天", "鹅岭", "龙兴", "水土", "西永", "双福", "渝丰", "川维", "德润",
    "中梁", "凯斯", "云帆", "睿行", "极米", "青木", "赛力", "锐捷", "星辰", "远景", "润泽", "弘毅", "立信", "宏帆",
    "众诚", "汇川", "鼎泰",
];

const LEGAL_FORMS: &[&str] = &["有限公司", "股份有限公司", "（集团）有限公司", "科技有限公司"];

const ROADS: &[&str] = &[
    "金开大道",
    "星光大道",
    "科学大道",
    "璧南大道",
    "渝北大道",
    "经开大道",
    "西永大道",
    "双福大道",
    "兴业大道",
    "工业园路",
    "创新路",
    "龙腾大道",
];

/// The short form of a district name as companies put it in their names (璧山区 → 璧山).
fn place_word(district: &District) -> String {
    let name = district.name.as_str();
    if district.kind == DistrictKind::FunctionalZone {
        return name.chars().take(2).collect();
    }
    let trimmed = name.trim_end_matches(['区', '县']);
    let trimmed = trimmed.split("土家族").next().unwrap_or(trimmed);
    trimmed.split("苗族").next().unwrap_or(trimmed).to_owned()
}

fn unique_name(
    rng: &mut impl Rng,
    kind: OrgKind,
    district: &District,
    taken: &mut HashSet<String>,
) -> Option<(String, &'static Trade)> {
    for attempt in 0..MAX_NAME_ATTEMPTS {
        // The listed brands run out at city scale; then brands are coined from two characters,
        // and from three once those crowd too (at scale 100 the 3 600 two-character brands
        // cannot name 15 000 colleges four ways each).
        let coined: String;
        let brand = if attempt < 20 {
            BRANDS.choose(rng).copied().unwrap_or("渝达")
        } else {
            let len = if attempt < 60 { 2 } else { 3 };
            coined = (0..len).map(|_| BRAND_CHARS.choose(rng).copied().unwrap_or('渝')).collect();
            coined.as_str()
        };
        let trade = TRADES.choose(rng)?;
        let place = if rng.random_bool(0.5) { "重庆".to_owned() } else { format!("重庆{}", place_word(district)) };
        let name = match kind {
            OrgKind::Manufacturer => {
                let form = LEGAL_FORMS.choose(rng).copied().unwrap_or("有限公司");
                // "储能科技科技有限公司" reads wrong: a trade that ends in 科技 takes the plain form.
                let form =
                    if trade.word.ends_with("科技") && form.starts_with("科技") { "有限公司" } else { form };
                format!("{place}{brand}{}{form}", trade.word)
            }
            OrgKind::DesignFirm => {
                let form = ["工业设计有限公司", "产品设计有限公司", "设计咨询有限公司", "创意设计有限公司"]
                    .choose(rng)
                    .copied()
                    .unwrap_or("工业设计有限公司");
                format!("{place}{brand}{form}")
            }
            OrgKind::ResearchInstitute => format!(
                "重庆{brand}{}研究院",
                ["工业设计", "智能制造", "先进材料", "汽车设计"].choose(rng).copied().unwrap_or("工业设计")
            ),
            OrgKind::University => format!(
                "重庆{brand}{}",
                ["职业技术学院", "科技学院", "工程学院", "工商职业学院"].choose(rng).copied().unwrap_or("科技学院")
            ),
            OrgKind::IndustrialPark => format!(
                "重庆{}{brand}{}",
                place_word(district),
                ["工业设计产业园", "智能制造产业园", "创意产业园"].choose(rng).copied().unwrap_or("产业园")
            ),
            OrgKind::ServicePlatform => format!(
                "重庆{brand}{}",
                ["工业设计公共服务平台有限公司", "中试验证服务有限公司", "检验检测技术有限公司"]
                    .choose(rng)
                    .copied()
                    .unwrap_or("服务有限公司")
            ),
            OrgKind::Association if attempt >= 20 => format!(
                "重庆{}{brand}{}协会",
                place_word(district),
                ["工业设计", "产品设计", "包装设计"].choose(rng).copied().unwrap_or("工业设计")
            ),
            OrgKind::Association => format!(
                "重庆市{}协会",
                ["工业设计", "汽车摩托车设计", "包装设计", "服务设计", "家居设计", "电子信息设计"]
                    .choose(rng)
                    .copied()
                    .unwrap_or("工业设计")
            ),
            OrgKind::Other => format!(
                "重庆{brand}{}",
                ["文化传播有限公司", "品牌管理有限公司"].choose(rng).copied().unwrap_or("有限公司")
            ),
        };
        let name = normalize_name(&name);
        if taken.insert(name.clone()) {
            return Some((name, trade));
        }
    }
    None
}

/// Characters for coined brand names (auspicious and common in company names).
/// Tries for a name that is not taken before the organization is left out (never reached in
/// practice: three-character brands leave room for millions of names).
const MAX_NAME_ATTEMPTS: usize = 10_000;

const BRAND_CHARS: &[char] = &[
    '华', '渝', '达', '盛', '泰', '恒', '鑫', '宏', '瑞', '丰', '嘉', '兴', '隆', '源', '通', '远', '博', '创', '新',
    '智', '精', '诚', '信', '德', '和', '安', '康', '宇', '航', '辉', '峰', '川', '江', '山', '城', '巴', '锦', '汇',
    '联', '众', '腾', '飞', '宸', '睿', '星', '海', '云', '晟', '鼎', '誉', '凯', '卓', '越', '铭', '昊', '启', '明',
    '昌', '佳', '美',
];

fn unique_uscc(rng: &mut impl Rng, kind: OrgKind, district: &District, taken: &mut HashSet<String>) -> Option<Uscc> {
    // Registration department and category (GB 32100 positions 1–2): companies are 91
    // (市场监管, 企业), institutes and colleges 12 (机构编制, 事业单位), associations 51 (民政, 社会团体).
    let prefix = match kind {
        OrgKind::ResearchInstitute | OrgKind::University => "12",
        OrgKind::Association => "51",
        _ => "91",
    };
    let division = district.code.as_ref().map_or("500000", |c| c.as_str());
    for _ in 0..100 {
        // Six characters from the whole alphabet: 31^6 codes per district and category.
        let body: String = (0..6)
            .map(|_| char::from(*uscc::ALPHABET.get(rng.random_range(0..uscc::ALPHABET.len())).unwrap_or(&b'0')))
            .collect();
        let org8 = format!("MA{body}");
        let org_check = uscc::org_code_check_char(&org8)?;
        let first17 = format!("{prefix}{division}{org8}{org_check}");
        let check = uscc::check_char(&first17)?;
        if let Ok(code) = Uscc::parse(&format!("{first17}{check}"))
            && taken.insert(code.to_string())
        {
            return Some(code);
        }
    }
    None
}

fn pick_clusters(rng: &mut impl Rng, kind: OrgKind, clusters: &[Cluster]) -> Vec<ClusterId> {
    let how_many = match kind {
        OrgKind::Manufacturer => rng.random_range(1..=2),
        OrgKind::DesignFirm | OrgKind::ResearchInstitute | OrgKind::IndustrialPark => rng.random_range(1..=3),
        _ => rng.random_range(0..=1),
    };
    // Higher tiers are bigger clusters: weight 5 for tier 1 down to 2 for tier 4.
    let mut picked = Vec::new();
    for _ in 0..how_many {
        if let Ok(c) = clusters.choose_weighted(rng, |c| 6 - u32::from(c.tier.get()))
            && !picked.contains(&c.id)
        {
            picked.push(c.id);
        }
    }
    picked
}

fn describe(rng: &mut impl Rng, kind: OrgKind, trade: &Trade) -> String {
    let staff = rng.random_range(3..=60);
    match kind {
        OrgKind::Manufacturer => format!(
            "主要从事{}的研发、设计与制造，设有独立设计部门，设计人员 {staff} 人，产品服务于{}产业链。",
            trade.product, trade.cluster_hint
        ),
        OrgKind::DesignFirm => format!(
            "提供产品策划、外观与结构设计、CMF 及样机验证等全流程工业设计服务，重点服务{}领域客户，设计师 {staff} 人。",
            trade.cluster_hint
        ),
        OrgKind::ResearchInstitute => format!("围绕{}开展共性设计技术研究、标准制定与成果转化。", trade.cluster_hint),
        OrgKind::University => "开设工业设计、产品设计等专业，与区内企业共建设计实践基地。".to_owned(),
        OrgKind::IndustrialPark => "集聚工业设计、样机制作与中试验证机构，为入驻企业提供设计对接服务。".to_owned(),
        OrgKind::ServicePlatform => "面向中小制造企业提供设计诊断、样机制作、检验检测等公共服务。".to_owned(),
        OrgKind::Association => "组织行业交流、设计竞赛与人才培训，协助开展设计评价工作。".to_owned(),
        OrgKind::Other => "提供品牌策划与视觉传达服务。".to_owned(),
    }
}

const SURNAMES: &[&str] = &[
    "张", "王", "李", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "何", "郭", "罗", "谭",
    "冉",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "洋", "静", "磊", "敏", "涛", "杰", "婷", "勇", "艳", "军", "丽", "强", "霞", "鹏", "琳", "建国",
    "晓梅", "志强", "雪", "海燕", "文博",
];

/// A plausible Chinese personal name.
pub fn person_name(rng: &mut impl Rng) -> String {
    format!("{}{}", SURNAMES.choose(rng).copied().unwrap_or("张"), GIVEN.choose(rng).copied().unwrap_or("伟"))
}

fn address(rng: &mut impl Rng, district: &District) -> String {
    let road = ROADS.choose(rng).copied().unwrap_or("创新路");
    format!("重庆市{}{road}{}号", district.name, rng.random_range(1..=999))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sheji_core::ids::DistrictId;
    use sheji_core::reference::{ClusterTier, Confirmation, DistrictStatus, DivisionCode};

    fn districts() -> Vec<District> {
        ["璧山区", "秀山土家族苗族自治县", "两江新区"]
            .iter()
            .enumerate()
            .map(|(i, name)| District {
                id: DistrictId(i as i32 + 1),
                code: DivisionCode::parse(&format!("50012{i}")).ok(),
                name: (*name).to_owned(),
                kind: DistrictKind::District,
                status: DistrictStatus::Active,
                valid_to: None,
                source: String::new(),
                note: None,
            })
            .collect()
    }

    fn clusters() -> Vec<Cluster> {
        (1..=4u8)
            .map(|t| Cluster {
                id: ClusterId(i32::from(t)),
                tier: ClusterTier::new(t).unwrap(),
                tier_name: String::new(),
                name: format!("c{t}"),
                confirmation: Confirmation::Confirmed,
                source: String::new(),
                note: None,
            })
            .collect()
    }

    #[test]
    fn demo_is_deterministic_valid_and_unique() {
        let industries = vec!["36".to_owned(), "39".to_owned()];
        let a: Vec<_> =
            organizations(&mut ChaCha8Rng::seed_from_u64(DEMO_SEED), &districts(), &clusters(), &industries)
                .into_iter()
                .map(|(o, phone)| {
                    assert!(sheji_core::identity::normalize_phone(&phone).is_some(), "{phone}");
                    o
                })
                .collect();
        let b: Vec<_> =
            organizations(&mut ChaCha8Rng::seed_from_u64(DEMO_SEED), &districts(), &clusters(), &industries)
                .into_iter()
                .map(|(o, _)| o)
                .collect();
        assert_eq!(a.len(), DEMO_MIX.iter().map(|(_, n)| n).sum::<usize>());
        assert_eq!(a.iter().map(|o| &o.name).collect::<Vec<_>>(), b.iter().map(|o| &o.name).collect::<Vec<_>>());
        let names: HashSet<_> = a.iter().map(|o| &o.name).collect();
        let codes: HashSet<_> = a.iter().map(|o| o.uscc.as_str()).collect();
        assert_eq!(names.len(), a.len());
        assert_eq!(codes.len(), a.len());
        for o in &a {
            assert!(Uscc::parse(o.uscc.as_str()).is_ok());
            assert!(o.name.starts_with("重庆"), "{}", o.name);
        }
        for kind in OrgKind::ALL {
            assert!(a.iter().any(|o| o.kind == kind), "no {kind:?}");
        }
    }

    /// Scale 100 asks for 15 000 colleges; two-character brands name only 14 400 of them (four
    /// forms each). Generation once looped forever here.
    #[test]
    fn names_stay_unique_past_the_two_character_brands() {
        let (mut names, mut codes) = (HashSet::new(), HashSet::new());
        let made = organizations_mix(
            &mut ChaCha8Rng::seed_from_u64(7),
            &[(OrgKind::University, 16_000)],
            &districts(),
            &clusters(),
            &[],
            &mut names,
            &mut codes,
        );
        assert_eq!(made.len(), 16_000);
        assert_eq!(made.iter().map(|(o, _)| &o.name).collect::<HashSet<_>>().len(), 16_000);
    }

    #[test]
    fn place_words_drop_the_administrative_suffix() {
        let d = districts();
        assert_eq!(place_word(&d[0]), "璧山");
        assert_eq!(place_word(&d[1]), "秀山");
    }
}
