//! `partnerd serve` and `partnerd token` as a user runs them: demo data on an empty database
//! only, a ready token and curl line, and a clean exit on SIGTERM.

use std::process::Command;

use partnerd_testkit::process::ServerProcess;
use partnerd_testkit::walk::walk;
use partnerd_testkit::{Kind, TestApp, TestDb};

const BIN: &str = env!("CARGO_BIN_EXE_partnerd");
const DEMO_PARTNER: &str = "c0ffee00-0000-4000-8000-000000000001";

fn token(args: &[&str]) -> String {
    let out = Command::new(BIN).arg("token").args(args).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "one line: {text}");
    text.trim().to_string()
}

/// The file of a SQLite test database.
fn sqlite_path(db: &TestDb) -> String {
    match &db.location {
        partnerd_store::Location::SqliteFile(p) => p.display().to_string(),
        _ => unreachable!("a SQLite test database"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_data_once_then_a_graceful_stop() {
    let db = TestDb::new(Kind::Sqlite).await.unwrap();
    let path = sqlite_path(&db);
    for _ in 0..2 {
        let mut child = Command::new(BIN)
            .args(["serve", "--listen", "127.0.0.1:0", "--db", &path, "--demo-customers", "37"])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stderr));
        let mut banner = Vec::new();
        for line in lines.by_ref() {
            let line = line.unwrap();
            let done = line.starts_with("try: curl");
            banner.push(line);
            if done {
                break;
            }
        }
        let addr = banner.iter().find_map(|l| l.strip_prefix("partnerd listening on http://")).unwrap().to_string();
        let curl = banner.last().unwrap();
        assert!(
            curl.contains("Authorization: Bearer ey") && curl.contains(&format!("http://{addr}/v1/customers")),
            "{curl}"
        );
        // The printed token works: the demo partner has exactly 37 customers, each time.
        let bearer = token(&[]);
        let body: serde_json::Value = reqwest::Client::new()
            .get(format!("http://{addr}/v1/customers?size=500"))
            .bearer_auth(&bearer)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["totalCount"], 37, "{banner:?}");
        let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
        assert!(status.success());
        let exit = child.wait().unwrap();
        assert!(exit.success(), "SIGTERM ends partnerd cleanly: {exit:?}");
        let rest: Vec<String> = lines.map_while(Result::ok).collect();
        assert!(rest.iter().any(|l| l == "partnerd stopped"), "{rest:?}");
    }
}

/// `partnerd token --partner X` mints a token for X, and X sees only X's customers: one made
/// by the default (demo) partner is neither listed nor readable with X's token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_for_other_partners_see_only_their_own() {
    let db = TestDb::new(Kind::Sqlite).await.unwrap();
    let server = ServerProcess::start(BIN, &db.cli_args());
    let http = reqwest::Client::new();
    let body = partnerd_testkit::fixtures::create_body(&partnerd_testkit::fixtures::unique_domain());
    let res = http.post(server.url("/v1/customers")).bearer_auth(token(&[])).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 201);
    let created: serde_json::Value = res.json().await.unwrap();
    let id = created["id"].as_str().unwrap();

    let other = token(&["--partner", "5eed0000-0000-4000-8000-0000000000aa", "--ttl", "5m"]);
    let list: serde_json::Value =
        http.get(server.url("/v1/customers")).bearer_auth(&other).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["totalCount"], 0, "{list}");
    let res = http.get(server.url(&format!("/v1/customers/{id}"))).bearer_auth(&other).send().await.unwrap();
    assert_eq!(res.status(), 404);

    let app = TestApp::start(&db).await;
    let (ids, _) = walk(&app, &partnerd_model::PartnerId::parse(DEMO_PARTNER).unwrap(), "/v1/customers").await;
    assert_eq!(ids, [id.to_string()], "the default token speaks for the demo partner");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_mode_reads_its_own_writes() {
    let server = ServerProcess::start(BIN, &["--memory".to_string()]);
    let http = reqwest::Client::new();
    let bearer = token(&[]);
    let body = partnerd_testkit::fixtures::create_body(&partnerd_testkit::fixtures::unique_domain());
    let res = http.post(server.url("/v1/customers")).bearer_auth(&bearer).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 201);
    let list: serde_json::Value =
        http.get(server.url("/v1/customers")).bearer_auth(&bearer).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["totalCount"], 1, "--no-demo, then one create: {list}");
}

/// `serve --mode production` on an empty database creates no demo partner: its customers'
/// domains would be taken for everyone, and production cannot delete them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_starts_without_demo_data() {
    let db = TestDb::new(Kind::Sqlite).await.unwrap();
    let path = sqlite_path(&db);
    let ready = tempfile::tempdir().unwrap();
    let ready_file = ready.path().join("ready.json");
    let secret = "a-production-secret-of-at-least-32-bytes!";
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--db", &path, "--mode", "production"])
        .args(["--jwt-secret", secret, "--jwt-issuer", "https://login.example/issuer"])
        .arg("--ready-file")
        .arg(&ready_file)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut waited = 0;
    while !ready_file.exists() {
        assert!(waited < 300, "partnerd did not get ready");
        std::thread::sleep(std::time::Duration::from_millis(100));
        waited += 1;
    }
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(child.wait().unwrap().success());
    assert!(db.open().await.offline().is_empty().await.unwrap(), "no demo partner in production");
}
