//! Licenses (users-api §3.5–3.7, §6, §9): the product SKUs a customer subscribes to, the
//! licenses assigned to its users, and the license update request and answer.

use serde::{Deserialize, Serialize};

use crate::links::Attributes;

/// A service plan of a product SKU.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ServicePlan {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capability_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_type: Option<String>,
}

/// A product SKU.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProductSku {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku_part_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_group_id: Option<String>,
}

/// A SKU the customer subscribes to, with its unit counts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SubscribedSku {
    pub available_units: i64,
    pub active_units: i64,
    pub consumed_units: i64,
    pub suspended_units: i64,
    pub total_units: i64,
    pub warning_units: i64,
    pub product_sku: ProductSku,
    pub service_plans: Vec<ServicePlan>,
    pub capability_status: String,
    pub attributes: Attributes,
}

/// A license assigned to a user.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct License {
    pub service_plans: Vec<ServicePlan>,
    pub product_sku: ProductSku,
    pub attributes: Attributes,
}

/// One SKU to assign, optionally without some of its plans.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LicenseAssignment {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded_plans: Option<Vec<String>>,
}

/// A warning about an applied license update.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LicenseWarning {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_plans: Option<Vec<String>>,
}

/// The license update request, and (with `license_warnings`) its answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LicenseUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licenses_to_assign: Option<Vec<LicenseAssignment>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licenses_to_remove: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_warnings: Option<Vec<LicenseWarning>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Attributes>,
}

/// One product of the built-in catalogue: id, part number, name, license group, and its
/// service plans (id, service name, display name, target type).
pub struct CatalogueSku {
    pub id: &'static str,
    pub part_number: &'static str,
    pub name: &'static str,
    pub group: &'static str,
    pub plans: &'static [(&'static str, &'static str, &'static str, &'static str)],
}

const EXCHANGE_FOUNDATION: (&str, &str, &str, &str) =
    ("113feb6c-3fe4-4440-bddc-54d774bf0318", "EXCHANGE_S_FOUNDATION", "Exchange Foundation", "Tenant");
const AAD_PREMIUM_PLAN: (&str, &str, &str, &str) =
    ("41781fb2-bc02-4b7c-bd55-b576c07bb09d", "AAD_PREMIUM", "Azure Active Directory Premium P1", "User");
const MFA_PREMIUM: (&str, &str, &str, &str) =
    ("8a256a2b-b617-496d-b51b-e76466e88db0", "MFA_PREMIUM", "Microsoft Azure Multi-Factor Authentication", "User");
const EXCHANGE_PLAN1: (&str, &str, &str, &str) =
    ("9aaf7827-d63c-4b61-89c3-182f06f82e5c", "EXCHANGE_S_STANDARD", "Exchange Online (Plan 1)", "User");
const EXCHANGE_PLAN2: (&str, &str, &str, &str) =
    ("efb87545-963c-4e0d-99df-69c6916d9eb0", "EXCHANGE_S_ENTERPRISE", "Exchange Online (Plan 2)", "User");
const TEAMS: (&str, &str, &str, &str) = ("57ff2da0-773e-42df-b2af-ffb7a2317929", "TEAMS1", "Microsoft Teams", "User");
const SHAREPOINT_PLAN1: (&str, &str, &str, &str) =
    ("c7699d2e-19aa-44de-8edf-1736da088ca1", "SHAREPOINTSTANDARD", "SharePoint (Plan 1)", "User");
const SHAREPOINT_PLAN2: (&str, &str, &str, &str) =
    ("5dbe027f-2339-4123-9542-606e4d348a72", "SHAREPOINTENTERPRISE", "SharePoint (Plan 2)", "User");
const OFFICE_APPS: (&str, &str, &str, &str) =
    ("43de0ff5-c92c-492b-9116-175376d08c38", "OFFICESUBSCRIPTION", "Microsoft 365 Apps for enterprise", "User");

/// Real product SKUs, with the ids and part numbers Microsoft's own examples and licensing
/// reference use. The first six are the ones Partner Center's license pages show.
pub const CATALOGUE: &[CatalogueSku] = &[
    CatalogueSku {
        id: "efccb6f7-5641-4e0e-bd10-b4976e1bf68e",
        part_number: "EMS",
        name: "Enterprise Mobility + Security E3",
        group: "group1",
        plans: &[
            (
                "6c57d4b6-3b23-47a5-9bc9-69f17b4947b3",
                "RMS_S_PREMIUM",
                "Azure Information Protection Premium P1",
                "User",
            ),
            ("c1ec4a95-1f05-45b3-a911-aa3fa01094f5", "INTUNE_A", "Microsoft Intune", "User"),
            ("bea4c11e-220a-4e6d-8eb8-8ea15d019f90", "RMS_S_ENTERPRISE", "Azure Rights Management", "User"),
            AAD_PREMIUM_PLAN,
            MFA_PREMIUM,
        ],
    },
    CatalogueSku {
        id: "f8a1db68-be16-40ed-86d5-cb42ce701560",
        part_number: "POWER_BI_PRO",
        name: "Power BI Pro",
        group: "group1",
        plans: &[EXCHANGE_FOUNDATION, ("70d33638-9c74-4d01-bfd3-562de28bd4ba", "BI_AZURE_P2", "Power BI Pro", "User")],
    },
    CatalogueSku {
        id: "078d2b04-f1bd-4111-bbd4-b4b1b354cef4",
        part_number: "AAD_PREMIUM",
        name: "Azure Active Directory Premium P1",
        group: "group1",
        plans: &[EXCHANGE_FOUNDATION, AAD_PREMIUM_PLAN, MFA_PREMIUM],
    },
    CatalogueSku {
        id: "54b84594-9c77-4499-8d65-5e0d5f410e78",
        part_number: "AX_TASK_USER",
        name: "Dynamics AX Task",
        group: "group1",
        plans: &[],
    },
    CatalogueSku {
        id: "1e7e1070-8ccb-4aca-b470-d7cb538cb07e",
        part_number: "WIN_ENT_E5",
        name: "Windows 10 Enterprise E5",
        group: "group1",
        plans: &[
            ("871d91ec-ec1a-452b-a83f-bd76c7d770ef", "WINDEFATP", "Microsoft Defender for Endpoint", "User"),
            ("21b439ba-a0ca-424f-a6cc-52f954a5b111", "WIN10_PRO_ENT_SUB", "Windows 10 Enterprise", "User"),
        ],
    },
    CatalogueSku {
        id: "984df360-9a74-4647-8cf8-696749f6247a",
        part_number: "CFQ7TTC0K5DR/0002",
        name: "Minecraft Education Edition Faculty",
        group: "group2",
        plans: &[],
    },
    CatalogueSku {
        id: "3b555118-da6a-4418-894f-7df1e2096870",
        part_number: "O365_BUSINESS_ESSENTIALS",
        name: "Microsoft 365 Business Basic",
        group: "group1",
        plans: &[EXCHANGE_PLAN1, TEAMS, SHAREPOINT_PLAN1],
    },
    CatalogueSku {
        id: "f245ecc8-75af-4f8e-b61f-27d8114de5f3",
        part_number: "O365_BUSINESS_PREMIUM",
        name: "Microsoft 365 Business Standard",
        group: "group1",
        plans: &[EXCHANGE_PLAN1, TEAMS, SHAREPOINT_PLAN1],
    },
    CatalogueSku {
        id: "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46",
        part_number: "SPB",
        name: "Microsoft 365 Business Premium",
        group: "group1",
        plans: &[EXCHANGE_PLAN1, TEAMS, SHAREPOINT_PLAN1, AAD_PREMIUM_PLAN, MFA_PREMIUM],
    },
    CatalogueSku {
        id: "18181a46-0d4e-45cd-891e-60aabd171b4e",
        part_number: "STANDARDPACK",
        name: "Office 365 E1",
        group: "group1",
        plans: &[EXCHANGE_PLAN1, TEAMS, SHAREPOINT_PLAN1],
    },
    CatalogueSku {
        id: "6fd2c87f-b296-42f0-b197-1e91e994b900",
        part_number: "ENTERPRISEPACK",
        name: "Office 365 E3",
        group: "group1",
        plans: &[EXCHANGE_PLAN2, TEAMS, SHAREPOINT_PLAN2, OFFICE_APPS],
    },
    CatalogueSku {
        id: "4b9405b0-7788-4568-add1-99614e613b69",
        part_number: "EXCHANGESTANDARD",
        name: "Exchange Online (Plan 1)",
        group: "group1",
        plans: &[EXCHANGE_PLAN1],
    },
];

/// The catalogue product with this id or part number (any case).
pub fn catalogue_sku(key: &str) -> Option<&'static CatalogueSku> {
    CATALOGUE.iter().find(|s| s.id.eq_ignore_ascii_case(key) || s.part_number.eq_ignore_ascii_case(key))
}

impl CatalogueSku {
    /// The product as a subscribed SKU shows it (with `targetType`) or as a license does
    /// (without).
    pub fn product(&self, with_target: bool) -> ProductSku {
        ProductSku {
            id: Some(self.id.into()),
            name: Some(self.name.into()),
            sku_part_number: Some(self.part_number.into()),
            target_type: with_target.then(|| "User".into()),
            license_group_id: Some(self.group.into()),
        }
    }

    /// Its plans with `status` (`Enabled` for a subscribed SKU, `Assigned` for a license),
    /// `excluded` ones `Disabled`.
    pub fn plans(&self, status: &str, excluded: &[String]) -> Vec<ServicePlan> {
        self.plans
            .iter()
            .map(|(id, service, display, target)| ServicePlan {
                display_name: Some((*display).into()),
                service_name: Some((*service).into()),
                id: Some((*id).into()),
                capability_status: Some(if excluded.iter().any(|e| e == id) { "Disabled" } else { status }.into()),
                target_type: Some((*target).into()),
            })
            .collect()
    }
}
