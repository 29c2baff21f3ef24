//! `partnerd state export|import`: the snapshot format offline, SQLite → file → PostgreSQL,
//! the partners' own items (resellers, GCC codes) included, and a bad file changes nothing.

use std::process::Command;

use partnerd_store::{AccountItem, ItemKind};
use partnerd_testkit::fixtures::insert_many;
use partnerd_testkit::{new_partner, Kind, TestDb};

fn partnerd(args: &[String]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_partnerd")).args(args).output().expect("run partnerd");
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn args(command: &[&str], db: &TestDb, rest: &[&str]) -> Vec<String> {
    let mut all: Vec<String> = command.iter().map(|s| s.to_string()).collect();
    all.extend(db.cli_args());
    all.extend(rest.iter().map(|s| s.to_string()));
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_then_import_round_trips_from_sqlite_into_postgres() {
    let sqlite = TestDb::new(Kind::Sqlite).await.unwrap();
    let target = match TestDb::new(Kind::Postgres).await {
        Some(pg) => pg,
        None => TestDb::new(Kind::Sqlite).await.unwrap(),
    };
    let (a, b) = (new_partner(), new_partner());
    insert_many(&sqlite.open().await.offline(), &a, 12).await;
    insert_many(&sqlite.open().await.offline(), &b, 8).await;
    let reseller = serde_json::json!({"id": uuid::Uuid::new_v4().to_string(), "name": "Tailspin"});
    let code = serde_json::json!({"partnerId": a.as_str(), "organizationName": "Contoso Gov", "validationId": "9",
                                  "maxCreates": 2, "remainingCreates": 1, "eTag": "e1"});
    let store = sqlite.open().await.control();
    for (kind, key, doc) in
        [(ItemKind::Reseller, reseller["id"].as_str().unwrap(), &reseller), (ItemKind::ValidationCode, "9", &code)]
    {
        store.put_account_item(&a, AccountItem::new("", kind, key, doc.to_string(), 1_700_000_000)).await.unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.jsonl");
    let file = file.to_str().unwrap();
    let (ok, err) = partnerd(&args(&["state", "export"], &sqlite, &["--output", file]));
    assert!(ok, "{err}");
    let saved = std::fs::read_to_string(file).unwrap();
    assert_eq!(saved.lines().count(), 21, "partner a's own line and 20 customers");
    assert!(saved.lines().next().unwrap().contains("\"partnerItems\""), "{saved}");
    let (ok, err) = partnerd(&args(&["state", "import"], &target, &[file]));
    assert!(ok, "{err}");
    let again = dir.path().join("again.jsonl");
    let (ok, err) = partnerd(&args(&["state", "export"], &target, &["--output", again.to_str().unwrap()]));
    assert!(ok, "{err}");
    assert_eq!(std::fs::read_to_string(&again).unwrap(), saved, "the same state, byte for byte");
    // One partner's export imports for that partner only; another's lines are refused.
    let only_a = dir.path().join("a.jsonl");
    let partner_a = a.to_string();
    partnerd(&args(&["state", "export"], &target, &["--partner", &partner_a, "--output", only_a.to_str().unwrap()]));
    let partner_b = b.to_string();
    let (ok, err) =
        partnerd(&args(&["state", "import"], &target, &["--partner", &partner_b, only_a.to_str().unwrap()]));
    assert!(!ok && err.contains("line 1"), "{err}");
    // A broken line anywhere: nothing changes.
    let broken = dir.path().join("broken.jsonl");
    std::fs::write(&broken, format!("{}{{oops\n", saved)).unwrap();
    let (ok, err) = partnerd(&args(&["state", "import"], &target, &[broken.to_str().unwrap()]));
    assert!(!ok && err.contains("line 22"), "{err}");
    let after = dir.path().join("after.jsonl");
    partnerd(&args(&["state", "export"], &target, &["--output", after.to_str().unwrap()]));
    assert_eq!(std::fs::read_to_string(&after).unwrap(), saved);
}
