//! export → import round-trips: `customers export --full` (and a snapshot file) imported into
//! an emptied database gives back the same customers, GET for GET; list items keep their ids
//! and company profiles.

use std::path::Path;
use std::process::Command;

use partnerd_model::PartnerId;
use partnerd_testkit::fixtures::{create_body, unique_domain};
use partnerd_testkit::process::ServerProcess;
use partnerd_testkit::{new_partner, token};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_partnerd");

fn partnerd(args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = Command::new(BIN);
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("PARTNERD_")) {
        cmd.env_remove(k);
    }
    let out = cmd.args(args).envs(env.iter().copied()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "partnerd {args:?}: {stderr}");
    stderr
}

fn serve(db: &Path) -> ServerProcess {
    ServerProcess::start(BIN, &["--db".to_string(), db.display().to_string()])
}

/// Every customer of the partner, each as its own GET returns it, in id order.
async fn full_customers(server: &ServerProcess, partner: &PartnerId) -> Vec<Value> {
    let http = reqwest::Client::new();
    let page: Value = http
        .get(server.url("/v1/customers?size=500"))
        .bearer_auth(token(partner))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut ids: Vec<String> =
        page["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().into()).collect();
    ids.sort();
    let mut out = Vec::new();
    for id in ids {
        let get =
            http.get(server.url(&format!("/v1/customers/{id}"))).bearer_auth(token(partner)).send().await.unwrap();
        assert_eq!(get.status(), 200);
        out.push(get.json().await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_exports_and_snapshots_import_back_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("partnerd.db");
    let file = |name: &str| dir.path().join(name).display().to_string();
    let partner = new_partner();
    let p = partner.to_string();
    let mut server = serve(&db);
    let base = server.url("");
    let admin = [("PARTNERD_BASE_URL", base.as_str())];
    partnerd(&["admin", "seed", "--partner", &p, "--count", "30", "--seed", "5"], &admin);
    let created = reqwest::Client::new()
        .post(server.url("/v1/customers"))
        .bearer_auth(token(&partner))
        .json(&create_body(&unique_domain()))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let before = full_customers(&server, &partner).await;
    assert_eq!(before.len(), 31);

    let tok = token(&partner);
    let client = [("PARTNERD_BASE_URL", base.as_str()), ("PARTNERD_TOKEN", tok.as_str())];
    partnerd(&["customers", "export", "--full", "--size", "7", "--output", &file("full.jsonl")], &client);
    partnerd(&["customers", "export", "--output", &file("items.jsonl")], &client);
    partnerd(&["admin", "snapshot", "save", "--output", &file("snapshot.jsonl")], &admin);
    let exported = std::fs::read_to_string(file("full.jsonl")).unwrap();
    assert_eq!(exported.lines().count(), 31);
    assert!(exported.lines().all(|l| l.contains("\"billingProfile\"")), "full customers");

    // Each file into an emptied database (offline, the server stopped), then GET for GET.
    let db_args = ["--db", db.to_str().unwrap(), "--partner", p.as_str()];
    for name in ["full.jsonl", "snapshot.jsonl"] {
        partnerd(&["admin", "reset"], &[("PARTNERD_BASE_URL", server.url("").as_str())]);
        server.kill();
        let said = partnerd(&[&["import"], &db_args[..], &[&file(name)]].concat(), &[]);
        assert!(said.contains("imported 31 customers"), "{name}: {said}");
        server = serve(&db);
        assert_eq!(full_customers(&server, &partner).await, before, "{name} round-trips");
    }

    // List items keep their ids, names and domains; they carry no billing profile to keep.
    partnerd(&["admin", "reset"], &[("PARTNERD_BASE_URL", server.url("").as_str())]);
    server.kill();
    partnerd(&[&["import"], &db_args[..], &[&file("items.jsonl")]].concat(), &[]);
    server = serve(&db);
    let from_items = full_customers(&server, &partner).await;
    assert_eq!(from_items.len(), 31);
    for (got, was) in from_items.iter().zip(&before) {
        assert_eq!(got["id"], was["id"]);
        assert_eq!(got["companyProfile"], was["companyProfile"]);
        assert_eq!(got["billingProfile"]["email"], Value::Null);
    }

    // Another partner's snapshot lines are refused, naming the command that restores them.
    let other = new_partner().to_string();
    let out = Command::new(BIN)
        .args(["import", "--db", db.to_str().unwrap(), "--partner", &other, &file("snapshot.jsonl")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 1: it belongs to partner") && stderr.contains("state import"), "{stderr}");
}
