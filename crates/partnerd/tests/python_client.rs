//! The generated Python client `partnercenterservices`, installed from PyPI into a fresh virtual
//! environment, lists and creates customers on a real partnerd (`python_client.py`, the code
//! docs/clients.md shows, with its SecureString workaround). Skipped, saying so, where Python 3,
//! its `venv` module or PyPI is not available. The same environment then runs the
//! customer-account onboarding (`python_accounts.py`) on SQLite and PostgreSQL.

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use partnerd_testkit::fixtures::insert_many;
use partnerd_testkit::{new_partner, token, Kind, TestApp, TestDb};
use tokio::process::Command;

/// Runs a command, killed if it takes longer than `limit` (a stuck download must not hang the suite).
async fn run(cmd: &mut Command, limit: Duration) -> Option<Output> {
    cmd.kill_on_drop(true);
    match tokio::time::timeout(limit, cmd.output()).await {
        Ok(Ok(out)) => Some(out),
        Ok(Err(e)) => {
            eprintln!("could not run {cmd:?}: {e}");
            None
        }
        Err(_) => {
            eprintln!("{cmd:?} took longer than {limit:?}");
            None
        }
    }
}

/// A virtual environment with `partnercenterservices`, or why there is none.
async fn venv_with_client(dir: &Path) -> Result<std::path::PathBuf, String> {
    let venv = dir.join("venv");
    let made = run(Command::new("python3").arg("-m").arg("venv").arg(&venv), Duration::from_secs(120)).await;
    if !made.as_ref().is_some_and(|o| o.status.success()) {
        return Err(format!("python3 -m venv is not available: {:?}", made.map(|o| o.stderr)));
    }
    let python = venv.join("bin").join("python");
    let mut pip = Command::new(&python);
    pip.args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "partnercenterservices"]);
    let installed = run(&mut pip, Duration::from_secs(600)).await;
    match installed {
        Some(o) if o.status.success() => Ok(python),
        Some(o) => Err(format!("pip install partnercenterservices failed: {}", String::from_utf8_lossy(&o.stderr))),
        None => Err("pip install partnercenterservices did not finish".into()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_generated_python_client_lists_and_creates() {
    let dir = tempfile::tempdir().unwrap();
    let python = match venv_with_client(dir.path()).await {
        Ok(python) => python,
        Err(why) => return partnerd_testkit::skip::skip("PYTHON", &why),
    };
    let db = TestDb::new(Kind::Sqlite).await.expect("sqlite");
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    insert_many(&app.store, &partner, 12).await;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("python_client.py");
    let out = run(
        Command::new(&python).arg(&script).env("PARTNERD_BASE_URL", app.url("")).env("PARTNERD_TOKEN", token(&partner)),
        Duration::from_secs(120),
    )
    .await
    .expect("the python client ran");
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "python client failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("created "), "{stdout}");
    let listed = app.get(&partner, "/v1/customers").send().await.unwrap().text().await.unwrap();
    assert!(listed.contains("Python Client Example"), "the customer the script created is listed: {listed}");
    accounts_on_both_stores(&python).await;
}

/// The customer-account onboarding (`python_accounts.py`) on SQLite and PostgreSQL, with one
/// reseller seeded through the control plane.
async fn accounts_on_both_stores(python: &Path) {
    for kind in [Kind::Sqlite, Kind::Postgres] {
        let Some(db) = TestDb::new(kind).await else { continue };
        let app = TestApp::start(&db).await;
        let partner = new_partner();
        let reseller = serde_json::json!({"id": uuid::Uuid::new_v4().to_string(), "name": "Python Reseller"});
        let url = app.url(&format!("/_partnerd/partners/{partner}/resellers"));
        assert_eq!(app.http.post(url).json(&reseller).send().await.unwrap().status(), 201);
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("python_accounts.py");
        let mut cmd = Command::new(python);
        cmd.arg(&script)
            .env("PARTNERD_BASE_URL", app.url(""))
            .env("PARTNERD_TOKEN", token(&partner))
            .env("PARTNERD_RESELLERS", "1");
        let out = run(&mut cmd, Duration::from_secs(120)).await.expect("the python script ran");
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "python accounts failed on {kind:?}:\n{stdout}\n{stderr}");
        assert!(stdout.contains("attested "), "{stdout}");
    }
}

/// The users onboarding of docs/users.md through the generated client (`python_users.py`),
/// on SQLite and on PostgreSQL, with one virtual environment for both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_generated_python_client_onboards_a_customers_users() {
    let dir = tempfile::tempdir().unwrap();
    let python = match venv_with_client(dir.path()).await {
        Ok(python) => python,
        Err(why) => return partnerd_testkit::skip::skip("PYTHON", &why),
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("python_users.py");
    for kind in [Kind::Sqlite, Kind::Postgres] {
        let Some(db) = TestDb::new(kind).await else { continue };
        let app = TestApp::start(&db).await;
        let partner = new_partner();
        let out = run(
            Command::new(&python)
                .arg(&script)
                .env("PARTNERD_BASE_URL", app.url(""))
                .env("PARTNERD_TOKEN", token(&partner))
                .env("PARTNERD_PARTNER", partner.as_str()),
            Duration::from_secs(120),
        )
        .await
        .expect("the python client ran");
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "python client failed on {kind:?}:\n{stdout}\n{stderr}");
        assert!(stdout.contains("onboarded user"), "{stdout}");
    }
}
