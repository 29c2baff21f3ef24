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

/// The subcommands a help text lists under `Commands:` (without clap's `help`).
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| l.trim() != "Commands:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

/// Every command, as its argument path with its help text, found by walking `--help` from the
/// top, so a command added later is checked without anyone listing it here.
async fn commands() -> Vec<(Vec<String>, String)> {
    let mut found = Vec::new();
    let mut todo: Vec<Vec<String>> = vec![vec![]];
    while let Some(path) = todo.pop() {
        let args: Vec<&str> = path.iter().map(String::as_str).chain(["--help"]).collect();
        let help = partnerd(&args, &[]).await.stdout;
        for sub in subcommands(&help) {
            todo.push(path.iter().cloned().chain([sub]).collect());
        }
        found.push((path, help));
    }
    found
}

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
    let commands = commands().await;
    let names: Vec<String> = commands.iter().map(|(path, _)| path.join(" ")).collect();
    for must in ["serve", "doctor", "state import", "customers export", "admin faults add", "admin snapshot load"] {
        assert!(names.iter().any(|n| n == must), "the walk found `{must}`: {names:?}");
    }
    for (command, help) in &commands {
        for (flag, text) in flags(help) {
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
    let expired = partnerd(&["token", "--ttl", "0s"], &[]).await;
    assert_eq!(expired.code, 2, "{}", expired.stderr);
    assert!(expired.stderr.contains("expired already"), "{}", expired.stderr);
    let negative = partnerd(&["token", "--ttl", "-1h"], &[]).await;
    assert!(negative.stderr.contains("expected a duration like 30s"), "read as a value: {}", negative.stderr);
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
async fn a_refused_create_body_points_at_a_complete_one() {
    let db = TestDb::new(Kind::Sqlite).await.expect("sqlite");
    let app = TestApp::start(&db).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("customer.json");
    std::fs::write(&file, "{}").unwrap();
    let tok = token(&new_partner());
    let env = [("PARTNERD_BASE_URL", app.url("")), ("PARTNERD_TOKEN", tok)];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let run = partnerd(&["customers", "create", "--file", file.to_str().unwrap()], &env).await;
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("examples/customer.json") && run.stderr.contains("800002"), "{}", run.stderr);
    assert!(!run.stderr.contains("--request-id"), "no retry hint for a 400: {}", run.stderr);
}

#[tokio::test]
async fn a_missing_token_names_the_flag_and_variable() {
    let run = partnerd(&["customers", "list"], &[("PARTNERD_BASE_URL", "http://127.0.0.1:9")]).await;
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--token") && run.stderr.contains("PARTNERD_TOKEN"), "{}", run.stderr);
}

#[tokio::test]
async fn offline_commands_refuse_a_store_that_would_vanish() {
    let partner = new_partner().to_string();
    for args in [vec!["seed", "--memory", "--partner", &partner], vec!["state", "export", "--memory"]] {
        let run = partnerd(&args, &[]).await;
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("use `partnerd admin` against it"), "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains("added"), "nothing was added: {}", run.stderr);
    }
}

#[tokio::test]
async fn a_slip_in_an_address_gets_the_address_meant() {
    let listen = partnerd(&["doctor", "--listen", "8080"], &[]).await;
    assert_eq!(listen.code, 2, "{}", listen.stderr);
    assert!(listen.stderr.contains("did you mean 127.0.0.1:8080"), "{}", listen.stderr);
    let customers = partnerd(&["customers", "list", "--base-url", "127.0.0.1:9", "--token", "t"], &[]).await;
    assert_eq!(customers.code, 2, "{}", customers.stderr);
    assert!(customers.stderr.contains("did you mean http://127.0.0.1:9?"), "{}", customers.stderr);
    let admin = partnerd(&["admin", "reset", "--base-url", "localhost:9"], &[]).await;
    assert_eq!(admin.code, 2, "{}", admin.stderr);
    assert!(admin.stderr.contains("did you mean http://localhost:9?"), "{}", admin.stderr);
}

#[tokio::test]
async fn no_server_and_a_refused_token_say_what_fixes_them() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let base = format!("http://{closed}");
    let down = partnerd(&["customers", "list", "--base-url", &base, "--token", "t"], &[]).await;
    assert_eq!(down.code, 1, "{}", down.stderr);
    assert!(down.stderr.contains("point --base-url or PARTNERD_BASE_URL at it"), "{}", down.stderr);

    let db = TestDb::new(Kind::Sqlite).await.expect("sqlite");
    let app = TestApp::start(&db).await;
    let refused = partnerd(&["customers", "list", "--base-url", &app.url(""), "--token", "not-a-jwt"], &[]).await;
    assert_eq!(refused.code, 3, "{}", refused.stderr);
    assert!(refused.stderr.contains("800001") && refused.stderr.contains("`partnerd token`"), "{}", refused.stderr);
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
