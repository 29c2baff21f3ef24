//! `partnerd import` against a real database file: valid records land, invalid and taken ones
//! are reported with their position and skipped, `--atomic` imports all or nothing.

use std::io::Write;
use std::process::{Command, Stdio};

use partnerd_testkit::fixtures::{create_body, unique_domain};
use partnerd_testkit::{new_partner, Kind, TestDb};
use serde_json::json;

fn import(db: &TestDb, partner: &str, extra: &[&str], input: &str) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_partnerd"))
        .arg("import")
        .args(db.cli_args())
        .args(["--partner", partner])
        .args(extra)
        .arg("-")
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn partnerd");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

async fn count(db: &TestDb, partner: &partnerd_model::PartnerId) -> usize {
    let store = db.open().await.offline();
    let query = partnerd_store::ListQuery { filter: None, size: 500, seek: partnerd_store::Seek::First };
    store.for_partner(partner).list(&query).await.unwrap().len()
}

#[tokio::test]
async fn lines_with_bad_records_import_the_good_ones() {
    let db = TestDb::new(Kind::Sqlite).await.unwrap();
    let partner = new_partner();
    let taken = unique_domain();
    let mut invalid = create_body(&unique_domain());
    invalid["billingProfile"]["defaultAddress"]["country"] = json!("Narnia");
    let lines = [
        create_body(&unique_domain()).to_string(),
        create_body(&taken).to_string(),
        "{not json".to_string(),
        invalid.to_string(),
        create_body(&taken.to_uppercase()).to_string(),
        String::new(),
        create_body(&unique_domain()).to_string(),
    ];
    let (code, stderr) = import(&db, partner.as_str(), &[], &lines.join("\n"));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("line 3: not valid JSON"), "{stderr}");
    assert!(stderr.contains("line 4: billingProfile.defaultAddress.country"), "{stderr}");
    assert!(stderr.contains("line 5: skipped"), "{stderr}");
    assert!(stderr.contains("imported 3 customers"), "{stderr}");
    assert_eq!(count(&db, &partner).await, 3);
    // Imported customers are complete and have no credentials.
    let store = db.open().await.offline();
    let query = partnerd_store::ListQuery { filter: None, size: 10, seek: partnerd_store::Seek::First };
    let page = store.for_partner(&partner).list(&query).await.unwrap();
    let id = page.first().unwrap().id;
    let full = store.for_partner(&partner).get(id).await.unwrap().unwrap();
    let doc: serde_json::Value = serde_json::from_str(&full.doc).unwrap();
    assert_eq!(doc["relationshipToPartner"], "reseller");
    assert!(doc.get("userCredentials").is_none());
}

#[tokio::test]
async fn arrays_and_atomic_imports() {
    let db = TestDb::new(Kind::Sqlite).await.unwrap();
    let partner = new_partner();
    let good: Vec<_> = (0..5).map(|_| create_body(&unique_domain())).collect();
    let mut with_bad = good.clone();
    with_bad[3]["billingProfile"]["email"] = serde_json::Value::Null;
    let (code, stderr) = import(&db, partner.as_str(), &["--atomic"], &serde_json::to_string(&with_bad).unwrap());
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("record 4: billingProfile.email is required"), "{stderr}");
    assert!(stderr.contains("nothing was imported"), "{stderr}");
    assert_eq!(count(&db, &partner).await, 0);
    let (code, stderr) = import(&db, partner.as_str(), &["--atomic"], &serde_json::to_string(&good).unwrap());
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(count(&db, &partner).await, 5);
    // The same file again: every domain is taken, so an atomic import changes nothing.
    let more: Vec<_> = good.iter().cloned().chain([create_body(&unique_domain())]).collect();
    let (code, stderr) = import(&db, partner.as_str(), &["--atomic"], &serde_json::to_string(&more).unwrap());
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(count(&db, &partner).await, 5);
    let (code, stderr) = import(&db, partner.as_str(), &[], "[{\"a\": 1}, {broken");
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("cannot be read past this point"), "{stderr}");
}
