//! The users and SKUs a seed gives each customer it makes, when asked (`"users": N`): the
//! admin user (Company Administrator), N more users, and the SKUs of Partner Center's license
//! examples with 25 units each (its sandbox's license limit). Everything follows from the seed
//! and the customer, so the same seed gives the same directory on any store.

use partnerd_model::directory::COMPANY_ADMINISTRATOR;
use partnerd_model::user::admin_user;
use partnerd_model::{Customer, CustomerUser};
use partnerd_store::directory_snapshot::{CustomerDirectory, Directory, DirectorySku, DirectoryUser};
use sha2::{Digest, Sha256};

/// The SKUs a seeded customer subscribes to (users-api §9): EMS E3, Power BI Pro, Azure AD
/// Premium P1, Dynamics AX Task, Windows 10 Enterprise E5, Minecraft Education Faculty.
const SEEDED_SKUS: &[&str] = &[
    "efccb6f7-5641-4e0e-bd10-b4976e1bf68e",
    "f8a1db68-be16-40ed-86d5-cb42ce701560",
    "078d2b04-f1bd-4111-bbd4-b4b1b354cef4",
    "54b84594-9c77-4499-8d65-5e0d5f410e78",
    "1e7e1070-8ccb-4aca-b470-d7cb538cb07e",
    "984df360-9a74-4647-8cf8-696749f6247a",
];
const SEEDED_UNITS: i64 = 25;
const FIRST_NAMES: &[&str] = &["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "John"];
const LAST_NAMES: &[&str] = &["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Backus"];

/// The most users a seed gives one customer besides its admin.
pub(super) const MAX_USERS: u32 = 100;

/// A GUID that follows from the seed, the customer and the user's number.
fn user_id(seed: u64, customer: &str, n: u32) -> String {
    let digest = Sha256::new()
        .chain_update(b"partnerd seed user")
        .chain_update(seed.to_le_bytes())
        .chain_update(customer.as_bytes())
        .chain_update(n.to_le_bytes())
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid().to_string()
}

fn entry(profile: &CustomerUser, created_at: &str, roles: Vec<String>) -> DirectoryUser {
    DirectoryUser {
        created_at: created_at.to_string(),
        deleted_at: None,
        roles,
        licenses: Vec::new(),
        user: serde_json::to_value(profile).expect("users serialise"),
    }
}

/// The directory of a seeded customer with `users` users besides its admin.
pub(super) fn directory(
    seed: u64,
    customer: &Customer,
    users: u32,
    created_at: i64,
) -> Result<CustomerDirectory, String> {
    let id = customer.id.clone().unwrap_or_default();
    let domain = customer.domain();
    let created = crate::routes::rfc3339(created_at);
    let billing = customer.billing_profile.clone().unwrap_or_default();
    let admin =
        admin_user(user_id(seed, &id, 0), domain, customer.company_name(), billing.first_name, billing.last_name);
    let mut entries = vec![entry(admin.user(), &created, vec![COMPANY_ADMINISTRATOR.to_string()])];
    let country = billing.default_address.and_then(|a| a.country);
    for n in 1..=users {
        let (first, last) =
            (FIRST_NAMES[(n as usize - 1) % FIRST_NAMES.len()], LAST_NAMES[(n as usize * 3) % LAST_NAMES.len()]);
        let user = CustomerUser {
            usage_location: country.clone(),
            id: Some(user_id(seed, &id, n)),
            user_principal_name: Some(format!("{}.{}{n}@{domain}", first.to_lowercase(), last.to_lowercase())),
            first_name: Some(first.into()),
            last_name: Some(last.into()),
            display_name: Some(format!("{first} {last} {n}")),
            user_domain_type: Some("none".into()),
            ..CustomerUser::default()
        };
        entries.push(entry(&user, &created, Vec::new()));
    }
    let skus = SEEDED_SKUS
        .iter()
        .map(|sku| DirectorySku {
            sku_id: sku.to_string(),
            active_units: SEEDED_UNITS,
            suspended_units: 0,
            warning_units: 0,
        })
        .collect();
    Directory { users: entries, skus }.check()
}
