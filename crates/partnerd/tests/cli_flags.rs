//! The command line's rules, checked on the built binary: one meaning per flag (`--format` the
//! format, `--output` a file), every flag an environment variable, durations that explain their
//! syntax, the retry hint only where a retry can succeed, usage errors that name the flag that
//! fixes them, and `serve` taking its port before it touches the database.

use std::path::Path;

use partnerd_testkit::fixtures::create_body;
use partnerd_testkit::proxy::{Proxy, Verdict};
use partnerd_testkit::{new_partner, token, Kind, TestApp, TestDb};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// `partnerd ARGS` with `env`, no inherited `PARTNERD_*` variables.
async fn partnerd(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_partnerd"));
    cmd.args(args).kill_on_drop(true);
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("PARTNERD_")) {
        cmd.env_remove(k);
    }
    cmd.envs(env.iter().copied());
    let out = tokio::time::timeout(std::time::Duration::from_secs(120), cmd.output())
        .await
        .expect("partnerd finished in time")
        .expect("partnerd runs");
    let text = |b: Vec<u8>| String::from_utf8(b).expect("utf-8 output");
    Run { code: out.status.code().unwrap_or(-1), stdout: text(out.stdout), stderr: text(out.stderr) }
}

/// Every command that takes flags, as its argument path.
const COMMANDS: &[&[&str]] = &[
    &["serve"],
    &["doctor"],
    &["token"],
    &["seed"],
    &["import"],
    &["migrate"],
    &["state", "export"],
    &["state", "import"],
    &["customers", "list"],
    &["customers", "get"],
    &["customers", "create"],
    &["customers", "delete"],
    &["customers", "remove-relationship"],
    &["customers", "export"],
    &["admin", "reset"],
    &["admin", "seed"],
    &["admin", "snapshot", "save"],
    &["admin", "snapshot", "load"],
    &["admin", "requests"],
    &["admin", "faults", "add"],
    &["admin", "faults", "list"],
    &["admin", "faults", "clear"],
    &["admin", "clock"],
];

/// The long flags of a help text, each with the text that describes it (up to the next flag).
fn flags(help: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in help.lines() {
        let t = line.trim_start();
        let flag = t
            .strip_prefix("--")
            .or_else(|| t.get(4..).filter(|_| t.starts_with('-')).and_then(|r| r.strip_prefix("--")));
        match flag {
            Some(rest) => {
                let name = rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).next().unwrap().to_string();
                out.push((name, t.to_string()));
            }
            None => {
                if let Some(last) = out.last_mut() {
                    last.1.push(' ');
                    last.1.push_str(t);
                }
            }
        }
    }
    out
}

#[tokio::test]
async fn every_flag_is_also_an_environment_variable() {
    let mut missing = Vec::new();
    let mut checked = 0;
    for command in COMMANDS {
        let args: Vec<&str> = command.iter().copied().chain(["--help"]).collect();
        let help = partnerd(&args, &[]).await.stdout;
        for (flag, text) in flags(&help) {
            if flag == "help" || flag == "version" {
                continue;
            }
            checked += 1;
            let var = format!("[env: PARTNERD_{}", flag.to_uppercase().replace('-', "_"));
            if !text.contains(&var) {
                missing.push(format!("{} --{flag}", command.join(" ")));
            }
        }
    }
    assert!(checked > 40, "the help texts were read ({checked} flags)");
    assert!(missing.is_empty(), "flags without their PARTNERD_ variable: {missing:?}");
}

#[tokio::test]
async fn the_environment_sets_flags_the_issue_named() {
    let db = tempfile::tempdir().unwrap();
    let path = db.path().join("seeded.db");
    let partner = new_partner().to_string();
    let env = [("PARTNERD_DB", path.to_str().unwrap()), ("PARTNERD_PARTNER", &partner), ("PARTNERD_COUNT", "7")];
    let seeded = partnerd(&["seed"], &env).await;
    assert_eq!(seeded.code, 0, "{}", seeded.stderr);
    assert!(seeded.stderr.contains("added 7 customers"), "{}", seeded.stderr);
}

#[tokio::test]
async fn a_refused_duration_shows_the_syntax() {
    let run = partnerd(&["token", "--ttl", "forever"], &[]).await;
    assert_eq!(run.code, 2, "a usage error");
    assert!(run.stderr.contains("expected a duration like 30s, 15m, 1h, 2d"), "{}", run.stderr);
    let run = partnerd(&["token"], &[("PARTNERD_TTL", "soon")]).await;
    assert!(run.stderr.contains("expected a duration like 30s, 15m, 1h, 2d"), "{}", run.stderr);
    assert_eq!(partnerd(&["token", "--ttl", "2d"], &[]).await.code, 0);
}

#[tokio::test]
async fn format_is_the_format_and_output_is_a_file() {
    let db = TestDb::new(Kind::Sqlite).await.expect("sqlite");
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    partnerd_testkit::fixtures::insert_many(&app.store, &partner, 4).await;
    let (base, tok) = (app.url(""), token(&partner));
    let env = [("PARTNERD_BASE_URL", base.as_str()), ("PARTNERD_TOKEN", tok.as_str())];

    let old = partnerd(&["customers", "list", "--output", "json"], &env).await;
    assert_eq!(old.code, 2, "{}", old.stderr);
    assert!(old.stderr.contains("--format json"), "the usage error names the flag: {}", old.stderr);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("list.csv");
    let run = partnerd(&["customers", "list", "--format", "csv", "--output", file.to_str().unwrap()], &env).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "", "the list went to the file");
    let csv = std::fs::read_to_string(&file).unwrap();
    assert!(csv.starts_with("id,companyName,domain"), "{csv}");
    assert_eq!(csv.lines().count(), 5);

    let json = dir.path().join("page.json");
    let run = partnerd(&["customers", "list"], &[env[0], env[1], ("PARTNERD_OUTPUT", json.to_str().unwrap())]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let listed: Vec<serde_json::Value> = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(listed.len(), 4, "a file gets JSON by default");
}

#[tokio::test]
async fn the_retry_hint_only_where_a_retry_can_succeed() {
    let db = TestDb::new(Kind::Sqlite).await.expect("sqlite");
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("customer.json");
    std::fs::write(&file, create_body(&partnerd_testkit::fixtures::unique_domain()).to_string()).unwrap();
    let tok = token(&partner);
    let create = |base: String| {
        let (file, tok) = (file.to_str().unwrap().to_string(), tok.clone());
        async move {
            let env = [("PARTNERD_BASE_URL", base.as_str()), ("PARTNERD_TOKEN", tok.as_str())];
            partnerd(&["customers", "create", "--file", &file, "--format", "json"], &env).await
        }
    };
    assert_eq!(create(app.url("")).await.code, 0);
    let conflict = create(app.url("")).await;
    assert_eq!(conflict.code, 3, "the domain is taken: {}", conflict.stderr);
    assert!(conflict.stderr.contains("600006"), "{}", conflict.stderr);
    assert!(!conflict.stderr.contains("--request-id"), "no retry hint for a 409: {}", conflict.stderr);

    let failing = Proxy::start(&app.url(""), |_| Verdict::Answer {
        status: 503,
        headers: vec![("Content-Type", "application/json".into())],
        body: r#"{"code":800003,"description":"down","data":[],"source":"test"}"#.into(),
    })
    .await;
    let unavailable = create(failing.url("")).await;
    assert_eq!(unavailable.code, 1, "{}", unavailable.stderr);
    assert!(unavailable.stderr.contains("to retry without doing it twice: --request-id "), "{}", unavailable.stderr);
}

#[tokio::test]
async fn a_missing_token_names_the_flag_and_variable() {
    let run = partnerd(&["customers", "list"], &[("PARTNERD_BASE_URL", "http://127.0.0.1:9")]).await;
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--token") && run.stderr.contains("PARTNERD_TOKEN"), "{}", run.stderr);
}

#[tokio::test]
async fn serve_takes_its_port_before_the_database_and_names_listen() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("never.db");
    let run = partnerd(&["serve", "--listen", &addr, "--db", db.to_str().unwrap()], &[]).await;
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("--listen"), "{}", run.stderr);
    assert!(!Path::new(&db).exists(), "no database was created for a server that could not listen");
}
