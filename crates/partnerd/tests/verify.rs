//! `partnerd verify` run as a process on loopback: a partnerd compared with itself differs in
//! nothing; behind a proxy that changes one answer, exactly that change is reported (exit 1),
//! as text and as JSON; without `--against` it starts its own partnerd with demo data, which
//! compared with `partnerd serve`'s demo data differs in nothing.

use partnerd_model::PartnerId;
use partnerd_testkit::fixtures::insert_many;
use partnerd_testkit::proxy::{Proxy, Verdict};
use partnerd_testkit::{new_partner, token, Kind, TestApp, TestDb};
use serde_json::Value;

/// A partnerd whose partner has a few customers.
async fn server() -> (TestApp, PartnerId, TestDb) {
    let db = TestDb::new(Kind::Sqlite).await.expect("sqlite");
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    insert_many(&app.store, &partner, 5).await;
    (app, partner, db)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

async fn verify(args: &[&str]) -> Run {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_partnerd"))
        .arg("verify")
        .args(args)
        .output()
        .await
        .expect("run partnerd verify");
    let text = |b: Vec<u8>| String::from_utf8(b).expect("utf-8 output");
    Run { code: out.status.code().unwrap_or(-1), stdout: text(out.stdout), stderr: text(out.stderr) }
}

/// The probes that found differences, with each difference as `kind where what upstream partnerd`.
fn differing(report: &Value) -> Vec<(String, Vec<String>)> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["differences"].as_array().unwrap().is_empty())
        .map(|r| {
            let diffs = r["differences"].as_array().unwrap().iter().map(|d| {
                format!("{} {} {} {} {}", d["kind"], d["where"], d["what"], d["upstream"], d["partnerd"])
                    .replace('"', "")
            });
            (r["probe"].as_str().unwrap().to_string(), diffs.collect())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partnerd_compared_with_itself_differs_in_nothing() {
    let (app, partner, _db) = server().await;
    let (url, token) = (app.url(""), token(&partner));
    let run =
        verify(&["--upstream", &url, "--token", &token, "--against", &url, "--against-token", &token, "--json"]).await;
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["differences"], 0);
    let results = report["results"].as_array().unwrap();
    assert_eq!(results.len(), 20, "every read-only probe");
    let skipped: Vec<&Value> = results.iter().filter(|r| r.get("skipped").is_some()).collect();
    assert!(skipped.is_empty(), "every probe ran: {skipped:?}");
    let statuses: Vec<(u64, u64)> = results
        .iter()
        .map(|r| (r["upstreamStatus"].as_u64().unwrap(), r["partnerdStatus"].as_u64().unwrap()))
        .collect();
    assert!(statuses.contains(&(404, 404)) && statuses.contains(&(401, 401)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_answer_is_reported_and_nothing_else() {
    let (app, partner, _db) = server().await;
    // The upstream: the same partnerd behind a proxy that, in a full customer's JSON, drops
    // the company name and makes the commerce id a number.
    let proxy = Proxy::start(&app.url(""), |seen| {
        let xml = seen.header("accept").is_some_and(|a| a.contains("xml"));
        let customer = seen.method == "GET" && seen.path_and_query.matches('/').count() == 3;
        if xml || !customer {
            return Verdict::Forward;
        }
        Verdict::ForwardRewriting(Box::new(|body| {
            let mut value: Value = serde_json::from_str(&body).unwrap();
            if value.get("billingProfile").is_none() {
                return body;
            }
            value["companyProfile"].as_object_mut().unwrap().remove("companyName");
            value["commerceId"] = Value::from(42);
            value.to_string()
        }))
    })
    .await;
    let token = token(&partner);
    let args = ["--upstream", &proxy.url(""), "--token", &token, "--against", &app.url(""), "--against-token", &token];

    let run = verify(&[&args[..], &["--json"]].concat()).await;
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["differences"], 2);
    assert_eq!(
        differing(&report),
        [(
            "get customer".to_string(),
            vec![
                "member commerceId type number string".to_string(),
                "member companyProfile.companyName extra absent string".to_string(),
            ]
        )]
    );

    let text = verify(&args).await;
    assert_eq!(text.code, 1);
    let diff_lines: Vec<&str> = text.stdout.lines().filter(|l| l.starts_with("DIFF")).collect();
    assert_eq!(diff_lines.len(), 1, "{}", text.stdout);
    assert!(diff_lines[0].starts_with("DIFF  get customer: GET /v1/customers/"), "{}", text.stdout);
    assert!(text.stdout.contains("      member companyProfile.companyName: extra: upstream absent, partnerd string"));
    assert!(text.stdout.contains("20 probes, 1 with differences, 2 differences in all"), "{}", text.stdout);
}

/// `partnerd serve --memory` with its demo data, as a new user starts it; killed when dropped.
struct DemoServer {
    child: tokio::process::Child,
    url: String,
    token: String,
    _dir: tempfile::TempDir,
}

impl DemoServer {
    async fn start() -> DemoServer {
        let dir = tempfile::tempdir().unwrap();
        let ready = dir.path().join("ready.json");
        let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_partnerd"))
            .args(["serve", "--memory", "--demo-customers", "20", "--listen", "127.0.0.1:0", "--ready-file"])
            .arg(&ready)
            .env("PARTNERD_LOG", "partnerd=warn,partnerd_server=warn")
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        for _ in 0..300 {
            if let Ok(text) = std::fs::read_to_string(&ready) {
                if let Ok(info) = serde_json::from_str::<Value>(&text) {
                    let (url, token) = (info["url"].as_str().unwrap().into(), info["token"].as_str().unwrap().into());
                    return DemoServer { child, url, token, _dir: dir };
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("partnerd serve did not become ready");
    }

    async fn customers(&self) -> u64 {
        let page: Value = reqwest::Client::new()
            .get(format!("{}/v1/customers", self.url))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        page["totalCount"].as_u64().unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_against_it_starts_its_own_partnerd_and_writes_only_when_allowed() {
    let mut upstream = DemoServer::start().await;
    let args = ["--upstream", upstream.url.as_str(), "--token", upstream.token.as_str(), "--json"];
    let run = verify(&args).await;
    let report: Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}\n{}", run.stdout, run.stderr));
    let own = report["partnerd"].as_str().unwrap();
    assert!(own.starts_with("http://127.0.0.1:") && own != upstream.url, "{own}");
    assert_eq!(differing(&report), [], "the same demo data on both sides");
    assert_eq!(run.code, 0);
    assert!(!run.stderr.contains("request served"), "the started partnerd's request lines stay out: {}", run.stderr);

    let run = verify(&[&args[..], &["--allow-writes"]].concat()).await;
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["results"].as_array().unwrap().len(), 22, "with the two writing probes");
    assert_eq!(differing(&report), [], "{}", run.stdout);
    assert_eq!(upstream.customers().await, 20, "the invalid create created nothing");
    upstream.child.kill().await.unwrap();
}
