//! Once a 201 is sent, the customer survives `kill -9` of the server: a stream of concurrent
//! creates is cut by SIGKILL, the server restarts on the same database, and every acknowledged
//! customer is there, intact, and nothing half-written is.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use partnerd_testkit::fixtures::{create_body, unique_domain};
use partnerd_testkit::process::ServerProcess;
use partnerd_testkit::walk::walk;
use partnerd_testkit::{new_partner, token, Kind, TestApp, TestDb};
use serde_json::Value;

const WRITERS: usize = 16;
const KILL_AFTER: usize = 300;
/// How long the writers may take to get `KILL_AFTER` creates acknowledged.
const ACK_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_creates_survive_sigkill() {
    let db = TestDb::new(Kind::Sqlite).await.unwrap();
    let partner = new_partner();
    let bearer = token(&partner);
    let mut server = ServerProcess::start(env!("CARGO_BIN_EXE_partnerd"), &db.cli_args());
    let acked: Arc<Mutex<HashMap<String, Value>>> = Arc::default();
    let http = reqwest::Client::new();
    let writers: Vec<_> = (0..WRITERS)
        .map(|_| {
            let (http, url, bearer, acked) = (http.clone(), server.url("/v1/customers"), bearer.clone(), acked.clone());
            tokio::spawn(async move {
                loop {
                    let sent = http.post(&url).bearer_auth(&bearer).json(&create_body(&unique_domain())).send().await;
                    let Ok(res) = sent else { return };
                    if res.status() != 201 {
                        return;
                    }
                    let Ok(mut body) = res.json::<Value>().await else { return };
                    body.as_object_mut().unwrap().remove("userCredentials");
                    acked.lock().unwrap().insert(body["id"].as_str().unwrap().to_string(), body);
                }
            })
        })
        .collect();
    // Bounded: writers that all stopped early (a refused create, a broken connection) would
    // otherwise leave this waiting forever.
    let enough = async {
        while acked.lock().unwrap().len() < KILL_AFTER {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    };
    if tokio::time::timeout(ACK_WAIT, enough).await.is_err() {
        panic!("only {} creates acknowledged within {ACK_WAIT:?}", acked.lock().unwrap().len());
    }
    server.kill();
    for w in writers {
        w.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= KILL_AFTER);

    // Restart on the same file and check everything that was acknowledged.
    let app = TestApp::start(&db).await;
    for (id, body) in &acked {
        let res = app.get(&partner, &format!("/v1/customers/{id}")).send().await.unwrap();
        assert_eq!(res.status(), 200, "acknowledged customer {id} was lost");
        assert_eq!(&res.json::<Value>().await.unwrap(), body, "customer {id} changed");
    }
    // Every stored customer is whole: listed, readable, and consistent with its list item.
    let (ids, _) = walk(&app, &partner, "/v1/customers?size=500").await;
    assert!(
        ids.len() >= acked.len() && ids.len() <= acked.len() + WRITERS,
        "{} stored, {} acknowledged",
        ids.len(),
        acked.len()
    );
    for id in &ids {
        let res = app.get(&partner, &format!("/v1/customers/{id}")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let full: Value = res.json().await.unwrap();
        assert_eq!(full["id"], id.as_str());
        assert!(full["billingProfile"]["attributes"]["etag"].is_string());
    }
}
