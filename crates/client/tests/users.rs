//! A customer's users and licenses through the client, against a real server: the onboarding
//! walk (create, list as a stream across pages, licenses, delete, find deleted, restore).

mod support;

use futures::TryStreamExt;
use partnerd_model::license::{LicenseAssignment, LicenseUpdate};
use partnerd_model::{Customer, CustomerUser, PasswordProfile};
use partnerd_testkit::fixtures::{create_body, unique_domain};
use partnerd_testkit::new_partner;

const BUSINESS_STANDARD: &str = "f245ecc8-75af-4f8e-b61f-27d8114de5f3";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onboarding_through_the_client() {
    let server = support::server().await;
    let partner = new_partner();
    let client = support::client(&server.app.url(""), &partner);
    let domain = unique_domain();
    let customer: Customer = serde_json::from_value(create_body(&domain)).unwrap();
    let c = client.create(&customer).await.unwrap().id.unwrap();
    let admins: Vec<CustomerUser> = client.users(&c, false, None).try_collect().await.unwrap();
    assert_eq!(admins.len(), 1);
    assert_eq!(admins[0].user_principal_name.as_deref(), Some(format!("admin@{domain}").as_str()));

    let mut ids = Vec::new();
    for i in 0..3 {
        let user = CustomerUser {
            user_principal_name: Some(format!("user{i}@{domain}")),
            display_name: Some(format!("User {i}")),
            usage_location: Some("US".into()),
            password_profile: Some(PasswordProfile {
                password: Some("Passw0rd-long".into()),
                force_change_password: None,
            }),
            ..CustomerUser::default()
        };
        let created = client.create_user(&c, &user).await.unwrap();
        assert_eq!(created.password_profile.unwrap().password.as_deref(), Some("Passw0rd-long"));
        ids.push(created.id.unwrap());
    }
    // Pages of 3: the stream follows the next link to the second page.
    let all: Vec<CustomerUser> = client.users(&c, false, Some(3)).try_collect().await.unwrap();
    let names: Vec<_> = all.iter().map(|u| u.display_name.clone().unwrap()).collect();
    assert_eq!(names, ["Lovelace Analytical", "User 0", "User 1", "User 2"]);

    let res = server
        .app
        .http
        .put(server.app.url(&format!("/_partnerd/partners/{partner}/customers/{c}/subscribedskus")))
        .json(&serde_json::json!({"skus": [{"sku": BUSINESS_STANDARD, "activeUnits": 5}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let update = LicenseUpdate {
        licenses_to_assign: Some(vec![LicenseAssignment {
            sku_id: Some(BUSINESS_STANDARD.into()),
            excluded_plans: None,
        }]),
        ..LicenseUpdate::default()
    };
    let applied = client.update_licenses(&c, &ids[0], &update).await.unwrap();
    assert_eq!(applied.license_warnings, Some(Vec::new()));
    let skus = client.subscribed_skus(&c).await.unwrap();
    assert_eq!((skus[0].consumed_units, skus[0].available_units), (1, 4));

    let renamed = CustomerUser { display_name: Some("Renamed".into()), ..CustomerUser::default() };
    assert_eq!(client.update_user(&c, &ids[1], &renamed).await.unwrap().display_name.as_deref(), Some("Renamed"));
    client.delete_user(&c, &ids[2]).await.unwrap();
    assert!(client.get_user(&c, &ids[2]).await.is_err());
    let deleted: Vec<CustomerUser> = client.users(&c, true, None).try_collect().await.unwrap();
    assert_eq!(deleted.iter().map(|u| u.id.clone().unwrap()).collect::<Vec<_>>(), [ids[2].clone()]);
    assert!(deleted[0].soft_deletion_time.is_some());
    let restored = client.restore_user(&c, &ids[2]).await.unwrap();
    assert_eq!(restored.state, Some(partnerd_model::UserState::Active));
    assert_eq!(client.get_user(&c, &ids[2]).await.unwrap().display_name.as_deref(), Some("User 2"));
    assert!(client.get_user(&c, "not-a-guid").await.is_err(), "refused before sending");
}
