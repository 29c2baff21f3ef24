//! `partnerd customers ...` run as a process against a real server: outputs that parse back
//! to the customers the API lists, exports that match lists and resume after an
//! interruption, throttling, and exit statuses.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use partnerd_client::{Client, ListQuery};
use partnerd_model::{Customer, PartnerId};
use partnerd_testkit::fixtures::{create_body, insert_many, unique_domain};
use partnerd_testkit::proxy::{Proxy, Verdict};
use partnerd_testkit::{new_partner, token, Kind, TestApp, TestDb};

struct Server {
    app: TestApp,
    partner: PartnerId,
    _db: TestDb,
}

/// A server whose partner has `n` customers.
async fn server(n: usize) -> Server {
    server_with(n, partnerd_server::Config::default()).await.0
}

/// A server with `config` whose partner has `n` customers; also returns the customers.
async fn server_with(n: usize, config: partnerd_server::Config) -> (Server, Vec<Customer>) {
    let db = TestDb::new(Kind::Sqlite).await.expect("sqlite");
    let app = TestApp::start_with(&db, config).await;
    let partner = new_partner();
    let customers = insert_many(&app.store, &partner, n).await;
    (Server { app, partner, _db: db }, customers)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// `partnerd customers ARGS` against `base`, with the token in the environment.
async fn cli(base: &str, token: &str, args: &[&str]) -> Run {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_partnerd"))
        .arg("customers")
        .args(args)
        .env("PARTNERD_BASE_URL", base)
        .env("PARTNERD_TOKEN", token)
        .output()
        .await
        .expect("run partnerd");
    let text = |b: Vec<u8>| String::from_utf8(b).expect("utf-8 output");
    Run { code: out.status.code().unwrap_or(-1), stdout: text(out.stdout), stderr: text(out.stderr) }
}

impl Server {
    async fn cli(&self, args: &[&str]) -> Run {
        cli(&self.app.url(""), &token(&self.partner), args).await
    }

    /// What the client library lists for `query`: the reference the CLI must match.
    async fn listed(&self, query: ListQuery) -> Vec<Customer> {
        let client = Client::builder().base_url(self.app.url("")).token(token(&self.partner)).build().unwrap();
        client.list(&query).try_collect().await.unwrap()
    }
}

fn csv_records(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(header, ["id", "companyName", "domain", "relationshipToPartner", "associatedPartnerId"]);
    reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
}

fn csv_expected(customers: &[Customer]) -> Vec<Vec<String>> {
    customers
        .iter()
        .map(|c| {
            let relationship = c.relationship_to_partner.unwrap().as_str().to_string();
            vec![c.id.clone().unwrap(), c.company_name().into(), c.domain().into(), relationship, String::new()]
        })
        .collect()
}

fn jsonl(path: &Path) -> Vec<Customer> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines().map(|l| serde_json::from_str(l).expect("one customer per line")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_outputs_parse_back_to_the_customers() {
    let s = server(23).await;
    let all = s.listed(ListQuery::new()).await;

    let json = s.cli(&["list", "--all", "--size", "5", "--format", "json"]).await;
    assert_eq!(json.code, 0, "{}", json.stderr);
    assert_eq!(serde_json::from_str::<Vec<Customer>>(&json.stdout).unwrap(), all);

    let piped = s.cli(&["list", "--all", "--size", "5"]).await;
    assert_eq!(piped.stdout, json.stdout, "json is the default when piped");
    assert_eq!(piped.stderr, "", "nothing but the data");

    let csv = s.cli(&["list", "--all", "--size", "5", "--format", "csv"]).await;
    assert_eq!(csv_records(&csv.stdout), csv_expected(&all));

    let first = s.cli(&["list", "--size", "5", "--format", "json"]).await;
    assert_eq!(serde_json::from_str::<Vec<Customer>>(&first.stdout).unwrap(), all[..5]);

    let table = s.cli(&["list", "--size", "5", "--format", "table"]).await;
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines.len(), 6, "{}", table.stdout);
    assert!(lines[0].starts_with("ID  ") && lines[0].contains("COMPANY NAME"), "{}", lines[0]);
    assert!(lines[1].starts_with(all[0].id.as_deref().unwrap()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filtered_lists_and_exports_agree() {
    let s = server(40).await;
    let dir = tempfile::tempdir().unwrap();
    for (flag, value, query) in [
        ("--name", "contoso", ListQuery::new().company_name_starts_with("contoso")),
        ("--name", "ärz", ListQuery::new().company_name_starts_with("ärz")),
        ("--domain", "t", ListQuery::new().domain_starts_with("t")),
        ("--name", "nobody", ListQuery::new().company_name_starts_with("nobody")),
    ] {
        let expected = s.listed(query).await;
        let listed = s.cli(&["list", "--all", "--size", "3", flag, value, "--format", "json"]).await;
        assert_eq!(serde_json::from_str::<Vec<Customer>>(&listed.stdout).unwrap(), expected, "{flag} {value}");

        let jsonl_path = dir.path().join("export.jsonl");
        let out = s.cli(&["export", "--output", jsonl_path.to_str().unwrap(), "--size", "4", flag, value]).await;
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(jsonl(&jsonl_path), expected, "{flag} {value}: export and list differ");
        assert_eq!(
            out.stderr,
            format!("exported {} customers to {}\n", expected.len(), jsonl_path.display()),
            "no progress bar when piped"
        );

        let csv_path = dir.path().join("export.csv");
        let out = s.cli(&["export", "--output", csv_path.to_str().unwrap(), flag, value]).await;
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(
            csv_records(&std::fs::read_to_string(&csv_path).unwrap()),
            csv_expected(&expected),
            "{flag} {value}"
        );
        assert!(!dir.path().join("export.csv.partnerd-export").exists(), "checkpoint removed when done");
    }
}

/// The first run loses its token after two pages (the server starts answering 401) and
/// stops with a non-zero status; a crash is simulated by a half-written line. The rerun
/// continues from the checkpoint: it fetches only the remaining pages, and the file holds
/// every customer exactly once, in list order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_export_resumes() {
    let s = server(23).await;
    let all = s.listed(ListQuery::new()).await;
    let broken = Arc::new(AtomicBool::new(false));
    let flag = broken.clone();
    let unauthorized = r#"{"code":800001,"description":"The bearer token has expired.","data":[],"source":"partnerd"}"#;
    let proxy = Proxy::start(&s.app.url(""), move |seen| {
        if seen.index >= 2 && flag.load(Ordering::SeqCst) {
            return Verdict::Answer { status: 401, headers: vec![], body: unauthorized.into() };
        }
        Verdict::Forward
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("all.jsonl");
    let args = ["export", "--output", path.to_str().unwrap(), "--size", "5"];
    let tok = token(&s.partner);

    broken.store(true, Ordering::SeqCst);
    let first = cli(&proxy.url(""), &tok, &args).await;
    assert_eq!(first.code, 3, "{}", first.stderr);
    assert_eq!(
        first.stderr,
        "error: export interrupted after 10 customers (run the same command again to resume): \
         HTTP 401, code 800001: The bearer token has expired. (the server refused the token: pass one with \
         --token or PARTNERD_TOKEN; a development partnerd's comes from `partnerd token`)\n"
    );
    assert_eq!(jsonl(&path), all[..10]);
    std::fs::OpenOptions::new().append(true).open(&path).unwrap().write_all(b"{\"id\":\"half-writ").unwrap();

    let other = cli(&proxy.url(""), &tok, &["export", "--output", path.to_str().unwrap(), "--size", "7"]).await;
    assert_eq!(other.code, 2, "other options do not resume: {}", other.stderr);

    broken.store(false, Ordering::SeqCst);
    let before = proxy.seen().len();
    let second = cli(&proxy.url(""), &tok, &args).await;
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(second.stderr.starts_with("resuming the export"), "{}", second.stderr);
    let resumed: Vec<_> = proxy.seen().into_iter().skip(before).collect();
    assert_eq!(resumed.len(), 3, "pages 3 to 5 only");
    assert!(
        resumed[0].path_and_query.contains("seekOperation=Next") && resumed[0].header("ms-continuationtoken").is_some()
    );
    assert_eq!(jsonl(&path), all, "every customer once, in order");

    let again = cli(&proxy.url(""), &tok, &args).await;
    assert_eq!((again.code, jsonl(&path)), (0, all), "a finished export runs afresh");
}

/// Ctrl-C while the export waits (here on a long `Retry-After`) stops it between pages: a
/// non-zero status, the pages so far on disk, and a rerun that finishes the job.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_an_export_that_a_rerun_finishes() {
    let s = server(12).await;
    let all = s.listed(ListQuery::new()).await;
    let body = r#"{"statusCode": 429, "message": "Rate limit is exceeded. Try again in 240 seconds."}"#;
    let proxy = Proxy::start(&s.app.url(""), move |seen| match seen.index {
        2 => Verdict::Answer { status: 429, headers: vec![("Retry-After", "240".into())], body: body.into() },
        _ => Verdict::Forward,
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("all.jsonl");
    let args = ["export", "--output", path.to_str().unwrap(), "--size", "5"];
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_partnerd"))
        .arg("customers")
        .args(args)
        .env("PARTNERD_BASE_URL", proxy.url(""))
        .env("PARTNERD_TOKEN", token(&s.partner))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    for _ in 0..3000 {
        if proxy.seen().len() == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(proxy.seen().len(), 3, "the export never reached its third page");
    let pid = child.id().unwrap().to_string();
    assert!(std::process::Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    let out = child.wait_with_output().await.unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr,
        "error: export interrupted after 10 customers (run the same command again to resume): stopped by Ctrl-C\n"
    );
    assert_eq!(jsonl(&path), all[..10]);

    let rerun = cli(&proxy.url(""), &token(&s.partner), &args).await;
    assert_eq!(rerun.code, 0, "{}", rerun.stderr);
    assert_eq!(jsonl(&path), all);
}

/// A server that throttles every fourth request for one second; the export finishes, and
/// no request arrives while it is blocked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_waits_out_throttling() {
    let s = server(30).await;
    let state = Arc::new(Mutex::new((0usize, None::<Instant>, 0usize, 0usize))); // since, until, throttled, hammered
    let limiter = state.clone();
    let proxy = Proxy::start(&s.app.url(""), move |_| {
        let mut l = limiter.lock().unwrap();
        let blocked = l.1.is_some_and(|until| Instant::now() < until);
        if blocked || l.0 == 3 {
            if blocked {
                l.3 += 1;
            } else {
                (l.0, l.1, l.2) = (0, Some(Instant::now() + Duration::from_secs(1)), l.2 + 1);
            }
            let body = r#"{"statusCode": 429, "message": "Rate limit is exceeded. Try again in 1 seconds."}"#;
            return Verdict::Answer { status: 429, headers: vec![("Retry-After", "1".into())], body: body.into() };
        }
        l.0 += 1;
        Verdict::Forward
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("all.csv");
    let out =
        cli(&proxy.url(""), &token(&s.partner), &["export", "--output", path.to_str().unwrap(), "--size", "6"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(csv_records(&std::fs::read_to_string(&path).unwrap()), csv_expected(&s.listed(ListQuery::new()).await));
    let (_, _, throttled, hammered) = *state.lock().unwrap();
    assert_eq!((throttled, hammered), (1, 0), "5 pages: one throttling, waited out");
    assert_eq!(proxy.seen().len(), 6, "5 pages and one 429");
}

/// partnerd's own limit (three requests a window; a 3-second window here so the test does
/// not wait a minute): the export of five pages is throttled once, waits out the
/// `Retry-After`, and completes. A counting proxy shows that exactly one request was refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_completes_under_the_servers_rate_limit() {
    let config = partnerd_server::Config {
        rate_limit_per_minute: Some(3),
        rate_limit_window: std::time::Duration::from_secs(3),
        ..Default::default()
    };
    let (s, customers) = server_with(10, config).await;
    let proxy = Proxy::start(&s.app.url(""), |_| Verdict::Forward).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("all.jsonl");
    let out =
        cli(&proxy.url(""), &token(&s.partner), &["export", "--output", path.to_str().unwrap(), "--size", "2"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let exported: Vec<String> = jsonl(&path).into_iter().map(|c| c.id.unwrap()).collect();
    let expected: HashSet<String> = customers.into_iter().map(|c| c.id.unwrap()).collect();
    assert_eq!(exported.len(), 10);
    assert_eq!(exported.into_iter().collect::<HashSet<_>>(), expected);
    assert_eq!(proxy.seen().len(), 6, "5 pages and a single 429");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn single_customer_commands() {
    let s = server(0).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("customer.json");
    let domain = unique_domain();
    std::fs::write(&file, create_body(&domain).to_string()).unwrap();

    let created = s.cli(&["create", "--file", file.to_str().unwrap(), "--format", "json"]).await;
    assert_eq!(created.code, 0, "{}", created.stderr);
    let customer: Customer = serde_json::from_str(&created.stdout).unwrap();
    assert!(customer.user_credentials.as_ref().and_then(|c| c.password.as_ref()).is_some());
    let id = customer.id.clone().unwrap();

    let got = s.cli(&["get", &id, "--format", "json"]).await;
    assert_eq!(serde_json::from_str::<Customer>(&got.stdout).unwrap(), Customer { user_credentials: None, ..customer });
    let table = s.cli(&["get", &id, "--format", "table"]).await;
    assert!(
        table.stdout.lines().any(|l| l.starts_with("Domain ") && l.ends_with(&format!(" {domain}"))),
        "{}",
        table.stdout
    );
    let first = table.stdout.lines().next().unwrap();
    let col = first.len() - first["Id".len()..].trim_start().len();
    let aligned = |l: &str| l[..col].ends_with("  ") && !l[col..].starts_with(' ');
    assert!(table.stdout.lines().all(aligned), "values line up: {}", table.stdout);

    let pascal = serde_json::json!({"CompanyProfile": {"Domain": unique_domain()}, "BillingProfile": create_body("x")["billingProfile"]});
    std::fs::write(&file, pascal.to_string().replace("\"email\"", "\"Email\"")).unwrap();
    let second = s.cli(&["create", "--file", file.to_str().unwrap(), "--format", "csv"]).await;
    assert_eq!(second.code, 0, "{}", second.stderr);
    let second_id = csv_records(&second.stdout)[0][0].clone();

    let removed = s.cli(&["remove-relationship", &id]).await;
    assert_eq!((removed.code, removed.stdout.as_str()), (0, ""), "{}", removed.stderr);
    let gone = s.cli(&["get", &id]).await;
    assert_eq!(gone.code, 3);
    assert_eq!(
        gone.stderr,
        format!("error: getting customer {id}: HTTP 404, code 1000: The customer was not found.\n")
    );

    assert_eq!(s.cli(&["delete", &second_id]).await.code, 0);
    assert_eq!(s.cli(&["delete", &second_id]).await.code, 3);
    assert_eq!(s.cli(&["list", "--format", "json"]).await.stdout, "[]\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_statuses() {
    let s = server(1).await;
    let dir = tempfile::tempdir().unwrap();
    let bad_json = dir.path().join("bad.json");
    std::fs::write(&bad_json, "{not json").unwrap();
    let unreachable = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let tok = token(&s.partner);
    let cases: [(&str, &str, Vec<&str>, i32); 7] = [
        ("ok", &s.app.url(""), vec!["list"], 0),
        ("bad token", &s.app.url(""), vec!["list"], 3),
        ("not a GUID (refused before any request)", &s.app.url(""), vec!["get", "nope"], 2),
        ("no such flag", &s.app.url(""), vec!["list", "--bogus"], 2),
        ("two filters", &s.app.url(""), vec!["list", "--name", "a", "--domain", "b"], 2),
        ("unreadable input", &s.app.url(""), vec!["create", "--file", bad_json.to_str().unwrap()], 2),
        ("unreachable", &unreachable, vec!["get", "3f2504e0-4f89-11d3-9a0c-0305e82c3301"], 1),
    ];
    for (what, base, args, code) in cases {
        let token = if what == "bad token" { "garbage" } else { &tok };
        let run = cli(base, token, &args).await;
        assert_eq!(run.code, code, "{what}: {}", run.stderr);
        // clap reports its own argument errors (several lines, with a hint); ours are one line.
        let clap_reports = ["no such flag", "two filters", "not a GUID (refused before any request)"].contains(&what);
        if code != 0 && !clap_reports {
            assert_eq!(run.stderr.lines().count(), 1, "{what}: one line: {}", run.stderr);
            assert!(run.stderr.starts_with("error: "), "{what}: {}", run.stderr);
        }
    }
    let no_token = cli(&s.app.url(""), "", &["list"]).await;
    assert_eq!(no_token.code, 2, "{}", no_token.stderr);
}

/// A create repeated with the same `--request-id` gets the kept answer, password included,
/// and creates nothing more.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_repeated_with_its_request_id_is_replayed() {
    let s = server(0).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("customer.json");
    std::fs::write(&file, create_body(&unique_domain()).to_string()).unwrap();
    let rid = "6b3c7e8a-5555-4000-8000-000000000001";
    let args = ["create", "--file", file.to_str().unwrap(), "--request-id", rid, "--format", "json"];
    let (first, again) = (s.cli(&args).await, s.cli(&args).await);
    assert_eq!((first.code, again.code), (0, 0), "{} {}", first.stderr, again.stderr);
    let (a, b): (Customer, Customer) =
        (serde_json::from_str(&first.stdout).unwrap(), serde_json::from_str(&again.stdout).unwrap());
    assert_eq!(a, b, "same customer, same password");
    assert_eq!(s.listed(ListQuery::new()).await.len(), 1);
}
