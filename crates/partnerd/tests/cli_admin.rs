//! `partnerd admin ...` against a real `partnerd serve`: reset, seed, snapshots, the journal
//! (listed and followed live), faults from flags and files, the clock, and the errors that
//! name the fix (admin token, absent control plane, nothing listening).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use partnerd_testkit::process::ServerProcess;
use partnerd_testkit::{new_partner, token};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_partnerd");

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        assert_eq!(self.code, 0, "{}", self.stderr);
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }

    fn lines(&self) -> Vec<Value> {
        assert_eq!(self.code, 0, "{}", self.stderr);
        self.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }
}

fn command(server: &ServerProcess, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("admin").args(args);
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("PARTNERD_")) {
        cmd.env_remove(k);
    }
    cmd.env("PARTNERD_BASE_URL", server.url("")).envs(env.iter().copied());
    cmd
}

fn admin(server: &ServerProcess, args: &[&str], env: &[(&str, &str)]) -> Run {
    let out = command(server, args, env).output().expect("partnerd runs");
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    Run { code: out.status.code().unwrap_or(-1), stdout: text(out.stdout), stderr: text(out.stderr) }
}

fn serve(args: &[&str]) -> ServerProcess {
    let mut all = vec!["--memory".to_string()];
    all.extend(args.iter().map(|s| s.to_string()));
    ServerProcess::start(BIN, &all)
}

async fn customers(server: &ServerProcess, partner: &partnerd_model::PartnerId) -> Vec<String> {
    let page: Value = reqwest::Client::new()
        .get(server.url("/v1/customers?size=500"))
        .bearer_auth(token(partner))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    page["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn seed_snapshot_reset_load_and_the_clock() {
    let server = serve(&[]);
    let partner = new_partner();
    let p = partner.to_string();
    let seeded = admin(&server, &["seed", "--partner", &p, "--count", "6", "--seed", "9", "--format", "json"], &[]);
    assert_eq!(seeded.json()["customers"], 6);
    let before = customers(&server, &partner).await;
    assert_eq!(before.len(), 6);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.jsonl");
    let saved = admin(&server, &["snapshot", "save", "--output", file.to_str().unwrap()], &[]);
    assert_eq!(saved.code, 0, "{}", saved.stderr);
    assert!(saved.stderr.contains("saved 6 customers"), "{}", saved.stderr);
    let snapshot = std::fs::read_to_string(&file).unwrap();

    let reset = admin(&server, &["reset", "--format", "json"], &[]);
    assert_eq!(reset.json()["customers"], 6);
    assert!(customers(&server, &partner).await.is_empty());

    let loaded = admin(&server, &["snapshot", "load", file.to_str().unwrap(), "--format", "json"], &[]);
    assert_eq!(loaded.json()["customers"], 6);
    assert_eq!(customers(&server, &partner).await, before);
    let again = dir.path().join("again.jsonl");
    let env = [("PARTNERD_OUTPUT", again.to_str().unwrap()), ("PARTNERD_PARTNER", p.as_str())];
    assert_eq!(admin(&server, &["snapshot", "save"], &env).code, 0);
    assert_eq!(std::fs::read_to_string(&again).unwrap(), snapshot, "the same customers, byte for byte");

    // The same seed again finds its domains taken: refused (exit 3), nothing added.
    let twice = admin(&server, &["seed", "--partner", &p, "--count", "6", "--seed", "9"], &[]);
    assert_eq!(twice.code, 3, "{}", twice.stderr);
    assert!(twice.stderr.contains("HTTP 409"), "{}", twice.stderr);

    let moved = admin(&server, &["clock", "--offset", "25h", "--format", "json"], &[]);
    assert_eq!(moved.json()["offsetSeconds"], 90000);
    let back = admin(&server, &["clock", "--advance", "-90000", "--format", "json"], &[]);
    assert_eq!(back.json()["offsetSeconds"], 0);
    let table = admin(&server, &["clock", "--offset", "-1h", "--format", "table"], &[]);
    assert!(table.stdout.starts_with("offsetSeconds  -3600\nnow "), "{}", table.stdout);
    assert_eq!(admin(&server, &["clock", "--reset", "--format", "json"], &[]).json()["offsetSeconds"], 0);
    let bad = admin(&server, &["clock", "--offset", "soon"], &[]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("like 25h"), "{}", bad.stderr);
}

#[tokio::test]
async fn the_journal_filtered_and_followed() {
    let server = serve(&[]);
    let partner = new_partner();
    let http = reqwest::Client::new();
    let get = |path: &str| http.get(server.url(path)).bearer_auth(token(&partner)).header("MS-CorrelationId", "c-1");
    get("/v1/customers?size=1").send().await.unwrap();
    get("/v1/customers/00000000-0000-4000-8000-000000000009").send().await.unwrap();

    let all = admin(&server, &["requests", "--format", "json"], &[]).lines();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0]["status"], 404, "newest first");
    let found = admin(&server, &["requests", "--status", "4xx", "--correlation-id", "c-1", "--format", "json"], &[]);
    let found = found.lines();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["route"], "/v1/customers/{id}");
    let since = all[1]["id"].to_string();
    assert_eq!(admin(&server, &["requests", "--since", &since, "--format", "json"], &[]).lines().len(), 1);
    let table = admin(&server, &["requests", "--route", "/v1/customers", "--format", "table"], &[]);
    assert!(table.stdout.starts_with("id  "), "{}", table.stdout);
    assert_eq!(table.stdout.lines().count(), 2, "a header and one row: {}", table.stdout);
    let bad = admin(&server, &["requests", "--status", "teapot"], &[]);
    assert_eq!(bad.code, 3, "the server refuses the filter: {}", bad.stderr);

    // --follow prints a request made after it subscribed, as one JSON line.
    let mut follower = command(&server, &["requests", "--follow", "--method", "POST", "--format", "json"], &[])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(follower.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(line.contains("following requests"), "{line}");
    get("/v1/customers?size=1").send().await.unwrap();
    http.post(server.url("/v1/customers"))
        .bearer_auth(token(&partner))
        .header("Content-Type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    let mut stdout = BufReader::new(follower.stdout.take().unwrap());
    let mut entry = String::new();
    stdout.read_line(&mut entry).unwrap();
    follower.kill().unwrap();
    follower.wait().unwrap();
    let entry: Value = serde_json::from_str(&entry).unwrap();
    assert_eq!(entry["method"], "POST", "the GET was filtered out");
    assert_eq!(entry["status"], 400);
}

#[tokio::test]
async fn faults_from_flags_and_files() {
    let server = serve(&[]);
    let partner = new_partner();
    let added = admin(
        &server,
        &["faults", "add", "--route", "/v1/customers", "--status", "503", "--count", "1", "--format", "json"],
        &[],
    );
    let rule = &added.lines()[0];
    assert_eq!(rule["status"], 503);
    assert_eq!(rule["remaining"], 1);
    let http = reqwest::Client::new();
    let list = || http.get(server.url("/v1/customers")).bearer_auth(token(&partner)).send();
    let struck = list().await.unwrap();
    assert_eq!(struck.status(), 503);
    assert!(struck.headers().contains_key("retry-after"));
    assert_eq!(list().await.unwrap().status(), 200, "count 1: the rule ran out");
    assert!(admin(&server, &["faults", "list", "--format", "json"], &[]).lines().is_empty());

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("faults.json");
    std::fs::write(&file, r#"[{"method": "POST", "status": 429}, {"route": "/v1/customers/{id}", "latencyMs": 5}]"#)
        .unwrap();
    let added = admin(&server, &["faults", "add", "--file", file.to_str().unwrap(), "--format", "json"], &[]).lines();
    assert_eq!(added.len(), 2);
    let id = added[0]["id"].as_str().unwrap().to_string();
    let table = admin(&server, &["faults", "list", "--format", "table"], &[]);
    assert_eq!(table.stdout.lines().count(), 3, "{}", table.stdout);
    assert!(table.stdout.contains("+5ms"), "{}", table.stdout);
    assert_eq!(admin(&server, &["faults", "clear", &id], &[]).code, 0);
    assert_eq!(admin(&server, &["faults", "list", "--format", "json"], &[]).lines().len(), 1);
    let gone = admin(&server, &["faults", "clear", &id], &[]);
    assert_eq!(gone.code, 3, "{}", gone.stderr);
    assert_eq!(admin(&server, &["faults", "clear"], &[]).code, 0);
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/faults.json");
    assert_eq!(admin(&server, &["faults", "add", "--file", example, "--format", "json"], &[]).lines().len(), 3);
    assert_eq!(admin(&server, &["faults", "clear"], &[]).code, 0);

    // A bad rule anywhere in a file adds nothing.
    std::fs::write(&file, r#"[{"status": 503}, {"status": 503, "colour": "red"}]"#).unwrap();
    let bad = admin(&server, &["faults", "add", "--file", file.to_str().unwrap()], &[]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("fault rule 2") && bad.stderr.contains("colour"), "{}", bad.stderr);
    assert!(admin(&server, &["faults", "list", "--format", "json"], &[]).lines().is_empty());
    let no_action = admin(&server, &["faults", "add", "--method", "GET"], &[]);
    assert_eq!(no_action.code, 2);
    assert!(no_action.stderr.contains("--status") && no_action.stderr.contains("--file"), "{}", no_action.stderr);
}

#[tokio::test]
async fn errors_name_the_fix() {
    let guarded = serve(&["--admin-token", "s3cret-admin"]);
    let missing = admin(&guarded, &["reset"], &[]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("pass --admin-token"), "{}", missing.stderr);
    let wrong = admin(&guarded, &["reset", "--admin-token", "nope"], &[]);
    assert_eq!(wrong.code, 2);
    assert!(wrong.stderr.contains("refused the admin token"), "{}", wrong.stderr);
    let ok = admin(&guarded, &["clock", "--format", "json"], &[("PARTNERD_ADMIN_TOKEN", "s3cret-admin")]);
    assert_eq!(ok.json()["offsetSeconds"], 0);

    let production =
        serve(&["--mode", "production", "--jwt-secret", "0123456789abcdef0123456789abcdef", "--jwt-issuer", "x"]);
    let absent = admin(&production, &["requests"], &[]);
    assert_eq!(absent.code, 1);
    assert!(
        absent.stderr.contains("control plane absent") && absent.stderr.contains("--admin-token"),
        "{}",
        absent.stderr
    );

    let mut stopped = serve(&[]);
    let url = stopped.url("");
    stopped.kill();
    let refused = admin(&stopped, &["clock"], &[]);
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains(&url) && refused.stderr.contains("--base-url"), "{}", refused.stderr);
}
