//! In-process benchmarks of the domain's hot paths: the checks every imported row and every
//! form goes through. `cargo bench -p sheji-core` prints the median and spread of each.

use divan::black_box;
use sheji_core::identity::{Affiliation, Permission, Principal, Role};
use sheji_core::ids::{AccountId, DistrictId, OrganizationId};
use sheji_core::registry::import::{OrgColumn, parse_date, parse_number};
use sheji_core::registry::uscc::Uscc;
use sheji_core::registry::{Indicators, LibraryCriteria, library_checklist, normalize_name};

fn main() {
    divan::main();
}

#[divan::bench]
fn uscc_parse() -> bool {
    Uscc::parse(black_box("91500120MA5UAAAA1X")).is_ok()
}

#[divan::bench]
fn name_normalisation() -> String {
    normalize_name(black_box("  重庆长安汽车(集团)有限公司 "))
}

#[divan::bench]
fn header_recognition() -> Option<OrgColumn> {
    OrgColumn::recognise(black_box(" 营业收入（万元）"))
}

#[divan::bench]
fn cell_parsing() -> (Option<f64>, bool) {
    (parse_number(black_box("1,234.5")).ok().flatten(), parse_date(black_box("2023年3月15日")).is_ok())
}

#[divan::bench]
fn library_checklist_five_years() -> usize {
    let years: Vec<(i32, Indicators)> = (2021..=2025)
        .map(|y| {
            (
                y,
                Indicators {
                    design_investment: Some(80.0),
                    design_staff: Some(9),
                    new_product_sales: Some(900.0),
                    ..Default::default()
                },
            )
        })
        .collect();
    library_checklist(&LibraryCriteria::default(), black_box(&years)).len()
}

#[divan::bench]
fn scope_of_a_multi_role_caller() -> bool {
    let p = Principal {
        account: AccountId(1),
        username: "u".into(),
        display_name: "u".into(),
        affiliations: vec![
            Affiliation { role: Role::BranchStaff, district: Some(DistrictId(3)), organization: None, until: None },
            Affiliation { role: Role::OrgAdmin, district: None, organization: Some(OrganizationId(9)), until: None },
            Affiliation { role: Role::Expert, district: None, organization: None, until: None },
        ],
        token_permissions: None,
        must_change_password: false,
    };
    let now = chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default();
    black_box(&p).scope(Permission::RegistryReadPrivate, now).covers(Some(DistrictId(3)), None)
}
