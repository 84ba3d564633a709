//! Identity's demo data: one login per role, anchored in 璧山区 (a district with a branch
//! center), and an enterprise registration waiting for the branch to verify it.

use crate::registry::OrgFilter;
use sheji_core::identity::Role;
use sheji_core::ids::{DistrictId, OrganizationId};
use sheji_core::page::PageRequest;
use sheji_core::registry::OrgKind;

use super::{AffiliationInput, EnterpriseRegistration, register_enterprise, shell};
use crate::demo::DEMO_PASSWORD;
use crate::{ServiceError, Services};

/// A demo login: username, display name, role, district, organization, where it applies.
type DemoLogin<'a> = (&'a str, &'a str, Role, Option<DistrictId>, Option<OrganizationId>, &'a str);

/// One login per role, anchored in 璧山区 (a district with a branch center), each with
/// [`DEMO_PASSWORD`]; plus an enterprise registration waiting for the branch to verify it.
pub(crate) async fn load(services: &Services) -> Result<Vec<(String, Role, String)>, ServiceError> {
    let districts = sheji_store::reference::list_active_districts(services.store()).await?;
    let Some(bishan) = districts.iter().find(|d| d.name == "璧山区") else { return Ok(Vec::new()) };
    let in_bishan = OrgFilter { district: Some(bishan.id), kind: Some(OrgKind::Manufacturer), ..Default::default() };
    let orgs = crate::registry::list_public(services, &in_bishan, PageRequest::new(Some(1), Some(2))).await?.items;
    let (Some(company), Some(other)) = (orgs.first(), orgs.get(1)) else { return Ok(Vec::new()) };
    let none = String::new();
    let plan: [DemoLogin<'_>; 8] = [
        ("sysadmin", "演示管理员", Role::Admin, None, None, "全市"),
        ("city", "市经信委 李处长", Role::CityOfficer, None, None, "重庆市"),
        ("hqstaff", "促进中心 王主任", Role::HqStaff, None, None, "总部"),
        ("bishan", "璧山分中心 陈专员", Role::BranchStaff, Some(bishan.id), None, &bishan.name),
        ("expert", "评审专家 赵教授", Role::Expert, None, None, "专家库"),
        ("orgadmin", "企业管理员 刘经理", Role::OrgAdmin, None, Some(company.id), &company.name),
        ("member", "企业成员 周工", Role::OrgMember, None, Some(company.id), &company.name),
        ("designer", "设计师 吴设计", Role::Designer, None, None, &none),
    ];
    let mut added = Vec::new();
    for (username, display, role, district, organization, place) in plan {
        let affiliation = AffiliationInput {
            role: role.code().to_owned(),
            district_id: district.map(|d| d.to_string()).unwrap_or_default(),
            organization_id: organization.map(|o| o.to_string()).unwrap_or_default(),
            until: String::new(),
        };
        match shell::create(services, username, display, &affiliation).await {
            Ok(_) => {
                shell::set_password(services, username, DEMO_PASSWORD).await?;
                added.push((username.to_owned(), role, place.to_owned()));
            }
            // Already there from an earlier run: leave it as it is.
            Err(ServiceError::Fields(f)) if f.iter().any(|e| e.key == "account.username_taken") => {}
            Err(e) => return Err(e),
        }
    }
    let pending = EnterpriseRegistration {
        uscc: other.uscc.clone(),
        org_name: other.name.clone(),
        username: "newcomer".to_owned(),
        display_name: "待审核企业 孙经理".to_owned(),
        password: DEMO_PASSWORD.to_owned(),
        ..Default::default()
    };
    match register_enterprise(services, &pending, "demo").await {
        Ok(_) => added.push(("newcomer".to_owned(), Role::OrgAdmin, format!("{}（待审核）", other.name))),
        Err(ServiceError::Fields(f)) if f.iter().any(|e| e.key == "account.username_taken") => {}
        Err(e) => return Err(e),
    }
    Ok(added)
}
