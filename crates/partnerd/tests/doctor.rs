//! `partnerd doctor` on the built binary: it reports the database, the keys and the port as
//! `serve` would find them, says what `serve` would do, changes nothing, and exits 1 exactly
//! when `serve` would fail.

use partnerd_store::Location;
use partnerd_testkit::fixtures::insert_many;
use partnerd_testkit::{new_partner, store_test, Kind};

struct Run {
    code: i32,
    stdout: String,
}

async fn doctor(args: &[&str]) -> Run {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_partnerd"));
    cmd.arg("doctor").args(args).kill_on_drop(true);
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("PARTNERD_")) {
        cmd.env_remove(k);
    }
    let out = tokio::time::timeout(std::time::Duration::from_secs(60), cmd.output())
        .await
        .expect("doctor finished in time")
        .expect("doctor runs");
    let stdout = String::from_utf8(out.stdout).unwrap();
    Run { code: out.status.code().unwrap_or(-1), stdout }
}

/// The line of the report about `check`.
fn line<'a>(report: &'a str, check: &str) -> &'a str {
    report.lines().find(|l| l.contains(&format!("  {check}: "))).unwrap_or_else(|| panic!("no {check} line: {report}"))
}

store_test!(reports_a_new_then_a_migrated_database_without_changing_it, |db| {
    let mut args: Vec<String> = db.cli_args();
    args.extend(["--listen".into(), "127.0.0.1:0".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();

    let fresh = doctor(&args).await;
    assert_eq!(fresh.code, 0, "{}", fresh.stdout);
    let database = line(&fresh.stdout, "database");
    match db.kind {
        Kind::Sqlite => assert!(database.contains("does not exist yet"), "{database}"),
        Kind::Postgres => assert!(database.contains("applies migrations [1, 2, 3, 4]"), "{database}"),
    }
    assert!(fresh.stdout.contains("create the demo partner"), "{}", fresh.stdout);
    if let Location::SqliteFile(path) = &db.location {
        assert!(!path.exists(), "doctor created no database");
    }

    let store = db.open().await.offline();
    insert_many(&store, &new_partner(), 2).await;
    let migrated = doctor(&args).await;
    assert_eq!(migrated.code, 0, "{}", migrated.stdout);
    assert!(line(&migrated.stdout, "database").starts_with("ok"), "{}", migrated.stdout);
    assert!(line(&migrated.stdout, "database").contains("schema current"), "{}", migrated.stdout);
    assert!(migrated.stdout.contains("not create demo data (the database has customers)"), "{}", migrated.stdout);
});

#[tokio::test]
async fn a_taken_port_fails_and_names_listen() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let run = doctor(&["--memory", "--listen", &addr]).await;
    assert_eq!(run.code, 1, "{}", run.stdout);
    let listen = line(&run.stdout, "listen");
    assert!(listen.starts_with("FAIL") && listen.contains("--listen"), "{listen}");
    assert!(run.stdout.contains(&format!("listen on http://{addr}")), "what serve would do is still printed");
}

#[tokio::test]
async fn unreadable_or_invalid_keys_fail() {
    let missing = doctor(&["--memory", "--listen", "127.0.0.1:0", "--jwt-public-key", "/nonexistent/key.pem"]).await;
    assert_eq!(missing.code, 1, "{}", missing.stdout);
    assert!(line(&missing.stdout, "token keys").contains("/nonexistent/key.pem"), "{}", missing.stdout);

    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("not-a-key.pem");
    std::fs::write(&pem, "-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n").unwrap();
    let args = ["--memory", "--listen", "127.0.0.1:0", "--jwt-public-key", pem.to_str().unwrap(), "--jwt-issuer", "x"];
    let invalid = doctor(&args).await;
    assert_eq!(invalid.code, 1, "{}", invalid.stdout);
    assert!(line(&invalid.stdout, "token keys").starts_with("FAIL"), "{}", invalid.stdout);

    let production = doctor(&["--memory", "--listen", "127.0.0.1:0", "--mode", "production"]).await;
    assert_eq!(production.code, 1, "{}", production.stdout);
    assert!(line(&production.stdout, "token keys").contains("--mode production needs"), "{}", production.stdout);

    let good = ["--memory", "--listen", "127.0.0.1:0", "--jwt-secret", &"k".repeat(40), "--jwt-issuer", "https://idp"];
    let ok = doctor(&good).await;
    assert_eq!(ok.code, 0, "{}", ok.stdout);
    assert!(line(&ok.stdout, "token keys").contains("production keys"), "{}", ok.stdout);
}

#[tokio::test]
async fn an_unreachable_database_fails() {
    let run = doctor(&["--database-url", "postgres://nobody@127.0.0.1:1/none", "--listen", "127.0.0.1:0"]).await;
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(line(&run.stdout, "database").starts_with("FAIL"), "{}", run.stdout);
}

/// `doctor` and `serve` run the same checks: a configuration with three problems (a SQLite
/// file in a missing folder, unreadable TLS files, a taken port) fails both, and both name
/// all three at once.
#[tokio::test]
async fn serve_and_doctor_report_every_problem_at_once() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let args = [
        "--db",
        "/nonexistent-partnerd-folder/partnerd.db",
        "--tls-cert",
        "/nonexistent/cert.pem",
        "--tls-key",
        "/nonexistent/key.pem",
        "--listen",
        &addr,
    ];
    let run = doctor(&args).await;
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(line(&run.stdout, "database").contains("/nonexistent-partnerd-folder does not exist"), "{}", run.stdout);
    assert!(line(&run.stdout, "transport").contains("/nonexistent/cert.pem"), "{}", run.stdout);
    assert!(line(&run.stdout, "listen").starts_with("FAIL"), "{}", run.stdout);

    let mut serve = tokio::process::Command::new(env!("CARGO_BIN_EXE_partnerd"));
    serve.arg("serve").args(args).kill_on_drop(true);
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("PARTNERD_")) {
        serve.env_remove(k);
    }
    let out = tokio::time::timeout(std::time::Duration::from_secs(60), serve.output())
        .await
        .expect("serve gave up in time")
        .expect("serve runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    for problem in ["3 problems", "database:", "/nonexistent-partnerd-folder", "transport:", "cert.pem", "listen:"] {
        assert!(stderr.contains(problem), "serve did not say {problem:?}: {stderr}");
    }
    assert!(!std::path::Path::new("/nonexistent-partnerd-folder").exists());
}

/// PostgreSQL's own reason reaches the report ("database ... does not exist"), not a bare
/// "db error".
#[tokio::test]
async fn a_missing_postgres_database_is_named() {
    let Some((url, _guard)) = partnerd_testkit::postgres::fresh_database().await else { return };
    let missing = format!("{}_missing", url);
    let run = doctor(&["--database-url", &missing, "--listen", "127.0.0.1:0"]).await;
    assert_eq!(run.code, 1, "{}", run.stdout);
    let database = line(&run.stdout, "database");
    assert!(database.contains("does not exist"), "{database}");
}

/// The test controls in production need the admin token; doctor says so, and says what the
/// default production control plane is.
#[tokio::test]
async fn a_production_control_plane_needs_the_admin_token() {
    let keys = ["--jwt-secret", "0123456789abcdef0123456789abcdef", "--jwt-issuer", "https://issuer.example"];
    let base = ["--memory", "--listen", "127.0.0.1:0", "--mode", "production"];
    let open = doctor(&[&base[..], &keys[..], &["--control-plane", "full"]].concat()).await;
    assert_eq!(open.code, 1, "{}", open.stdout);
    assert!(line(&open.stdout, "control plane").contains("needs --admin-token"), "{}", open.stdout);
    let admin = doctor(&[&base[..], &keys[..], &["--admin-token", "admin-0123456789"]].concat()).await;
    assert_eq!(admin.code, 0, "{}", admin.stdout);
    assert!(
        line(&admin.stdout, "control plane").contains("observe; /metrics behind the admin token"),
        "{}",
        admin.stdout
    );
}

#[tokio::test]
async fn the_upstream_flags_are_checked_without_creating_anything() {
    let dir = tempfile::tempdir().unwrap();
    let (record, missing) = (dir.path().join("recording"), dir.path().join("none"));
    let (record, missing) = (record.to_str().unwrap(), missing.to_str().unwrap());
    let bad =
        doctor(&["--memory", "--listen", "127.0.0.1:0", "--upstream", "ftp://example.test", "--replay", missing]).await;
    assert_eq!(bad.code, 1, "{}", bad.stdout);
    let upstream = line(&bad.stdout, "upstream");
    assert!(upstream.starts_with("FAIL") && upstream.contains("ftp://example.test"), "{upstream}");
    assert!(upstream.contains("cassette.jsonl"), "both problems at once: {upstream}");

    let good =
        doctor(&["--memory", "--listen", "127.0.0.1:0", "--upstream", "http://127.0.0.1:9", "--record", record]).await;
    assert_eq!(good.code, 0, "{}", good.stdout);
    assert!(line(&good.stdout, "upstream").contains("forwarding to http://127.0.0.1:9"), "{}", good.stdout);
    assert!(!dir.path().join("recording").exists(), "doctor created no record directory");
}
