//! `partnerd customers agreement|qualifications|relationships` run as a process against a real
//! server: an attestation made and read back, a refusal that names what to fix, a qualification
//! added, the customer's reseller.

use partnerd_client::Client;
use partnerd_model::Customer;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attest_read_qualify_and_relationships_from_the_command_line() {
    let db = TestDb::new(Kind::Sqlite).await.expect("sqlite");
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let (base, token) = (app.url(""), token(&partner));
    let client = Client::builder().base_url(&base).token(&token).build().unwrap();
    let input: Customer = serde_json::from_value(create_body(&unique_domain())).unwrap();
    let id = client.create(&input).await.unwrap().id.unwrap();

    let attest =
        ["agreement", &id, "--attest", "--first-name", "Ada", "--last-name", "Lovelace", "--email", "ada@contoso.com"];
    let run = cli(&base, &token, &attest).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let attested: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(attested["templateId"], "117a77b0-9360-443b-8795-c6dedc750cf9");
    let run = cli(&base, &token, &["agreement", &id]).await;
    let read: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(read["items"][0], attested);

    let run = cli(&base, &token, &["agreement", &id, "--attest", "--first-name", "Ada"]).await;
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("--last-name") && run.stderr.contains("--email"), "{}", run.stderr);
    let future = [&attest[..], &["--date-agreed", "2999-01-01T00:00:00Z"]].concat();
    let run = cli(&base, &token, &future).await;
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("dateAgreed"), "the refusal names the member: {}", run.stderr);

    let run = cli(&base, &token, &["qualifications", &id, "--add", "Education"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let list: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(list[0]["vettingStatus"], "InReview");

    let run = cli(&base, &token, &["relationships", &id]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(serde_json::from_str::<Value>(&run.stdout).unwrap()["totalCount"], 0);
}
