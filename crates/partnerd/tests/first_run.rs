//! A first `partnerd serve` shows the way: the banner names the console, the API reference and
//! the OpenAPI document (and each answers), `GET /` in sandbox mode redirects to the console,
//! and with `--log-format json` every line partnerd prints is a JSON object, banner and a
//! fatal error included.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStderr, Command, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_partnerd");

fn spawn(args: &[&str]) -> (Child, BufReader<ChildStderr>) {
    let mut child = Command::new(BIN)
        .arg("serve")
        .args(["--listen", "127.0.0.1:0", "--memory", "--no-demo"])
        .args(args)
        .env_remove("RUST_LOG")
        .env("PARTNERD_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    (child, stderr)
}

/// The banner's lines, read up to and including the one `last` accepts.
fn banner(stderr: &mut BufReader<ChildStderr>, last: impl Fn(&str) -> bool) -> Vec<String> {
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "partnerd exited during its banner: {lines:#?}");
        let line = line.trim_end().to_string();
        let done = last(&line);
        lines.push(line);
        if done {
            return lines;
        }
    }
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

fn stop(mut child: Child, mut stderr: BufReader<ChildStderr>) -> String {
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    assert!(child.wait().unwrap().success());
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    rest
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_banner_names_the_console_and_the_reference_and_each_answers() {
    let (child, mut stderr) = spawn(&[]);
    let lines = banner(&mut stderr, |l| l.starts_with("try: curl"));
    let url = lines.iter().find_map(|l| l.strip_prefix("partnerd listening on ")).expect("the address").to_string();
    let http = no_redirects();
    for (label, path, kind) in [
        ("console:", "/_partnerd/console", "text/html"),
        ("API reference:", "/docs", "text/html"),
        ("OpenAPI:", "/openapi.json", "application/json"),
    ] {
        let line =
            lines.iter().find(|l| l.trim_start().starts_with(label)).unwrap_or_else(|| panic!("{label} {lines:#?}"));
        let link = line.split_whitespace().last().unwrap();
        assert_eq!(link, format!("{url}{path}"), "{line}");
        let mut res = http.get(link).send().await.unwrap();
        if res.status().is_redirection() {
            let to = res.headers()["location"].to_str().unwrap().to_string();
            res = http.get(format!("{url}{}", to.trim_start_matches('.'))).send().await.unwrap();
        }
        assert_eq!(res.status(), 200, "{link}");
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with(kind), "{link}: {:?}", res.headers());
    }
    // The server's own address leads to the console.
    let res = http.get(format!("{url}/")).send().await.unwrap();
    assert_eq!(res.status(), 307);
    assert_eq!(res.headers()["location"], "/_partnerd/console");
    let page = reqwest::get(format!("{url}/")).await.unwrap();
    assert_eq!(page.url().path(), "/_partnerd/console");
    assert!(page.text().await.unwrap().contains("<html"), "the console page");
    stop(child, stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_mode_has_no_console_and_no_redirect() {
    let secret = "a production secret of at least thirty-two bytes";
    let (child, mut stderr) =
        spawn(&["--mode", "production", "--jwt-secret", secret, "--jwt-issuer", "https://issuer.example"]);
    let lines = banner(&mut stderr, |l| l.trim_start().starts_with("OpenAPI:"));
    assert!(!lines.iter().any(|l| l.contains("console")), "{lines:#?}");
    let url = lines.iter().find_map(|l| l.strip_prefix("partnerd listening on ")).unwrap().to_string();
    let res = no_redirects().get(format!("{url}/")).send().await.unwrap();
    assert_eq!(res.status(), 404, "no console to lead to");
    stop(child, stderr);
}

fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON object ({e}): {l}\n{text}")))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_json_logs_every_line_is_json_banner_included() {
    // PARTNERD_LOG=warn (see `spawn`) filters log events, not the banner.
    let (child, mut stderr) = spawn(&["--log-format", "json"]);
    let first = banner(&mut stderr, |l| l.contains("\"try\""));
    let rest = stop(child, stderr);
    let events = json_lines(&format!("{}\n{rest}", first.join("\n")));
    let field = |name: &str| events.iter().find_map(|e| e["fields"][name].as_str()).map(str::to_string);
    let url = field("url").expect("the listening line carries the url");
    assert_eq!(field("console"), Some(format!("{url}/_partnerd/console")));
    assert_eq!(field("docs"), Some(format!("{url}/docs")));
    assert_eq!(field("openapi"), Some(format!("{url}/openapi.json")));
    assert!(field("token").is_some_and(|t| t.starts_with("ey")), "{events:#?}");
    for e in &events {
        assert!(e["level"].is_string() && e["timestamp"].is_string(), "{e}");
    }
    assert!(events.iter().any(|e| e["fields"]["message"] == "partnerd stopped"), "{events:#?}");
}

#[test]
fn with_json_logs_a_fatal_error_is_json_too() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = Command::new(BIN)
        .args(["serve", "--memory", "--log-format", "json", "--listen", &addr])
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let events = json_lines(&String::from_utf8(out.stderr).unwrap());
    let error = events.last().expect("an error line");
    assert_eq!(error["level"], "ERROR", "{error}");
    assert!(error["fields"]["message"].as_str().unwrap().contains("the port is taken"), "{error}");
}
