//! `partnerd users ...` run as a process against a real server: create from a file, list
//! (active and deleted), get, licenses, delete, restore, and the exit status of a refusal.

use partnerd_testkit::fixtures::{create_body, unique_domain};
use partnerd_testkit::{new_partner, token, Kind, TestApp, TestDb};
use serde_json::Value;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

async fn cli(base: &str, token: &str, args: &[&str]) -> Run {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_partnerd"))
        .arg("users")
        .args(args)
        .env("PARTNERD_BASE_URL", base)
        .env("PARTNERD_TOKEN", token)
        .output()
        .await
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_from_the_command_line() {
    let db = TestDb::new(Kind::Sqlite).await.unwrap();
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let token = token(&partner);
    let base = app.url("");
    let domain = unique_domain();
    let res =
        app.request(reqwest::Method::POST, &partner, "/v1/customers").json(&create_body(&domain)).send().await.unwrap();
    let c = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("user.json");
    std::fs::write(
        &file,
        format!(
            r#"{{"UserPrincipalName": "cli@{domain}", "DisplayName": "Cli User", "UsageLocation": "de",
                "PasswordProfile": {{"Password": "Passw0rd-long", "ForceChangePassword": false}}}}"#
        ),
    )
    .unwrap();
    let created = cli(&base, &token, &["create", &c, "--file", file.to_str().unwrap()]).await;
    assert_eq!(created.code, 0, "{}", created.stderr);
    let user: Value = serde_json::from_str(&created.stdout).unwrap();
    let u = user["id"].as_str().unwrap().to_string();
    assert_eq!(user["usageLocation"], "DE");

    let listed = cli(&base, &token, &["list", &c]).await;
    let upns: Vec<String> = listed
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["userPrincipalName"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(upns, [format!("cli@{domain}"), format!("admin@{domain}")]);

    let skus = app
        .http
        .put(app.url(&format!("/_partnerd/partners/{partner}/customers/{c}/subscribedskus")))
        .json(&serde_json::json!({"skus": [{"sku": "EMS", "activeUnits": 1}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(skus.status(), 200);
    let ems = "efccb6f7-5641-4e0e-bd10-b4976e1bf68e";
    let assigned = cli(&base, &token, &["licenses", &c, &u, "--assign", ems]).await;
    assert_eq!(assigned.code, 0, "{}", assigned.stderr);
    assert!(assigned.stdout.contains(ems));
    // The admin has no usage location: the server's refusal, and a failing exit status.
    let admin = upns.iter().position(|p| p.starts_with("admin@")).unwrap();
    let admin_id = serde_json::from_str::<Value>(listed.stdout.lines().nth(admin).unwrap()).unwrap()["id"].clone();
    let refused = cli(&base, &token, &["licenses", &c, admin_id.as_str().unwrap(), "--assign", ems]).await;
    assert_ne!(refused.code, 0);
    assert!(
        refused.stderr.contains("run out of licenses") || refused.stderr.contains("usage location"),
        "{}",
        refused.stderr
    );

    assert_eq!(cli(&base, &token, &["delete", &c, &u]).await.code, 0);
    assert_ne!(cli(&base, &token, &["get", &c, &u]).await.code, 0);
    let deleted = cli(&base, &token, &["list", &c, "--deleted"]).await;
    assert!(deleted.stdout.contains(&u), "{}", deleted.stdout);
    let restored = cli(&base, &token, &["restore", &c, &u]).await;
    assert_eq!(restored.code, 0, "{}", restored.stderr);
    let got = cli(&base, &token, &["get", &c, &u]).await;
    assert_eq!(serde_json::from_str::<Value>(&got.stdout).unwrap()["state"], "active");
    assert_ne!(cli(&base, &token, &["get", &c, "nope"]).await.code, 0, "a bad id is a usage error");
}
