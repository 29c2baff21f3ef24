//! Several `partnerd serve` processes on one PostgreSQL database behave as one service, and
//! database failures give 503 + `Retry-After`, never a hang, with recovery on their own.
//! Skipped (saying so) when PostgreSQL is unreachable, unless `PARTNERD_REQUIRE_POSTGRES=1`.

#[path = "postgres_instances/db_proxy.rs"]
mod db_proxy;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use db_proxy::{DbProxy, State};
use partnerd_model::PartnerId;
use partnerd_store::Location;
use partnerd_testkit::fixtures::{create_body, unique_domain};
use partnerd_testkit::process::ServerProcess as Server;
use partnerd_testkit::{new_partner, token, Kind, TestDb};
use reqwest::{Response, StatusCode};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_partnerd");

/// A fresh database and its URL; `None` when PostgreSQL is unavailable (and not required).
async fn database() -> Option<(TestDb, String)> {
    let db = TestDb::new(Kind::Postgres).await?;
    let Location::Postgres { url, .. } = &db.location else { unreachable!("a PostgreSQL test database") };
    let url = url.clone();
    Some((db, url))
}

/// Bounds every request so that a hang fails the test instead of stalling it.
fn http() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(90)).build().expect("client")
}

async fn sql(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.expect("connect");
    tokio::spawn(connection);
    client
}

/// Runs a one-shot `partnerd` command to success.
async fn run(args: &[&str]) {
    let out = tokio::process::Command::new(BIN).args(args).output().await.expect("running partnerd");
    assert!(out.status.success(), "partnerd {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// `partnerd serve` on `url` with a pool of `pool_size` connections.
fn serve(url: &str, pool_size: usize) -> Server {
    Server::start(BIN, &["--database-url".into(), url.into(), "--pool-size".into(), pool_size.to_string()])
}

async fn seed(url: &str, partner: &PartnerId, count: usize) {
    run(&["seed", "--database-url", url, "--partner", partner.as_str(), "--count", &count.to_string()]).await;
}

async fn stored_ids(url: &str, partner: &PartnerId) -> HashSet<String> {
    let rows = sql(url).await.query("SELECT id FROM customers WHERE partner_id = $1", &[&partner.as_str()]).await;
    rows.expect("ids").iter().map(|r| r.get(0)).collect()
}

async fn post(
    http: &reqwest::Client,
    server: &Server,
    partner: &PartnerId,
    request_id: &str,
    body: &Value,
) -> Response {
    http.post(server.url("/v1/customers"))
        .bearer_auth(token(partner))
        .header("MS-RequestId", request_id)
        .json(body)
        .send()
        .await
        .expect("POST /v1/customers")
}

async fn list(http: &reqwest::Client, server: &Server, partner: &PartnerId) -> Response {
    http.get(server.url("/v1/customers?size=20")).bearer_auth(token(partner)).send().await.expect("GET /v1/customers")
}

/// 503 is the only failure a request may see while the database is in trouble, and it
/// always says when to retry.
async fn assert_ok_or_unavailable(res: Response, ok: StatusCode) -> StatusCode {
    let status = res.status();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        assert!(res.headers().contains_key("retry-after"), "503 without Retry-After");
    } else {
        assert_eq!(status, ok, "{}", res.text().await.unwrap_or_default());
    }
    status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn instances_migrating_an_empty_database_at_once_all_succeed_and_migrate_once() {
    let Some((_db, url)) = database().await else { return };
    let args = ["migrate", "--database-url", &url];
    tokio::join!(run(&args), run(&args), run(&args));
    let versions: Vec<i64> = sql(&url)
        .await
        .query("SELECT version FROM schema_migrations ORDER BY version", &[])
        .await
        .expect("schema_migrations")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(versions, vec![1, 2, 3, 4]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_walk_alternating_instances_page_by_page_sees_every_customer_once() {
    let Some((_db, url)) = database().await else { return };
    let partner = new_partner();
    run(&["migrate", "--database-url", &url]).await;
    seed(&url, &partner, 1000).await;
    let servers = [serve(&url, 4), serve(&url, 4)];
    let http = http();
    let mut seen = Vec::new();
    let (mut uri, mut continuation) = ("/v1/customers?size=37".to_string(), None::<String>);
    for page in 0.. {
        let mut req = http.get(servers[page % 2].url(&uri)).bearer_auth(token(&partner));
        if let Some(value) = &continuation {
            req = req.header("MS-ContinuationToken", value);
        }
        let res = req.send().await.expect("page");
        assert_eq!(res.status(), 200, "page {page}");
        let body: Value = res.json().await.expect("json");
        seen.extend(body["items"].as_array().expect("items").iter().map(|c| c["id"].as_str().unwrap().to_string()));
        let Some(next) = body["links"].get("next") else { break };
        uri = next["uri"].as_str().expect("next uri").to_string();
        continuation = Some(next["headers"][0]["value"].as_str().expect("token").to_string());
    }
    let unique: HashSet<String> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "a customer came twice");
    assert_eq!(unique, stored_ids(&url, &partner).await);
    assert_eq!(seen.len(), 1000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_request_id_sent_to_both_instances_at_once_creates_one_customer() {
    let Some((_db, url)) = database().await else { return };
    let servers = [serve(&url, 4), serve(&url, 4)];
    let (http, partner) = (http(), new_partner());
    for _ in 0..12 {
        let (request_id, body) = (uuid::Uuid::new_v4().to_string(), create_body(&unique_domain()));
        let (a, b) = tokio::join!(
            post(&http, &servers[0], &partner, &request_id, &body),
            post(&http, &servers[1], &partner, &request_id, &body)
        );
        assert_eq!((a.status(), b.status()), (StatusCode::CREATED, StatusCode::CREATED));
        let (a, b): (Value, Value) = (a.json().await.unwrap(), b.json().await.unwrap());
        assert_eq!(a, b, "both instances must give the one kept response");
        assert!(a["userCredentials"]["password"].as_str().is_some_and(|p| !p.is_empty()));
    }
    assert_eq!(stored_ids(&url, &partner).await.len(), 12);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_racing_for_one_domain_give_exactly_one_201() {
    let Some((_db, url)) = database().await else { return };
    let servers = [serve(&url, 4), serve(&url, 4)];
    let http = http();
    let (first, second) = (new_partner(), new_partner());
    for round in 0..12 {
        // Domains are unique across partners: race within one partner and across two.
        let rival = if round % 2 == 0 { &first } else { &second };
        let body = create_body(&unique_domain());
        let ids = [uuid::Uuid::new_v4().to_string(), uuid::Uuid::new_v4().to_string()];
        let (a, b) = tokio::join!(
            post(&http, &servers[0], &first, &ids[0], &body),
            post(&http, &servers[1], rival, &ids[1], &body)
        );
        let mut statuses = [a.status(), b.status()];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT], "round {round}");
        let loser = if a.status() == StatusCode::CONFLICT { a } else { b };
        assert_eq!(loser.json::<Value>().await.unwrap()["code"], 600006);
    }
    assert_eq!(stored_ids(&url, &first).await.len() + stored_ids(&url, &second).await.len(), 12);
}

/// Terminates every backend connection `partnerd` holds on this database; returns their pids.
/// Two statements, because within one PostgreSQL may call `pg_terminate_backend` before
/// applying the other conditions, on any connection of the cluster.
async fn terminate_backends(admin: &tokio_postgres::Client) -> Vec<i32> {
    let pids: Vec<i32> = admin
        .query(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
             AND application_name = 'partnerd' AND pid <> pg_backend_pid()",
            &[],
        )
        .await
        .expect("pg_stat_activity")
        .iter()
        .map(|r| r.get(0))
        .collect();
    admin
        .execute("SELECT pg_terminate_backend(pid) FROM unnest($1::int4[]) AS pid", &[&pids])
        .await
        .expect("terminate");
    pids
}

/// Waits until these backends have exited, so none dies after the test moves on.
async fn wait_gone(admin: &tokio_postgres::Client, pids: &[i32]) {
    for _ in 0..1000 {
        let left: i64 = admin
            .query_one("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1)", &[&pids])
            .await
            .unwrap()
            .get(0);
        if left == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("terminated backends did not exit");
}

/// After trouble ends, at most one failure per pooled connection, then only successes.
async fn assert_recovers(http: &reqwest::Client, server: &Server, partner: &PartnerId, pool_size: usize) {
    let mut failures = 0;
    while list(http, server, partner).await.status() != 200 {
        failures += 1;
        assert!(failures <= pool_size, "still failing after the database came back");
    }
    for _ in 0..20 {
        assert_eq!(list(http, server, partner).await.status(), 200);
    }
}

/// Creates one customer, retrying on 503 with the same request id as a client would;
/// returns its id and how many attempts failed.
async fn create_with_retries(http: &reqwest::Client, server: &Server, partner: &PartnerId) -> (String, usize) {
    let (request_id, body) = (uuid::Uuid::new_v4().to_string(), create_body(&unique_domain()));
    for failed in 0..1000 {
        let res = post(http, server, partner, &request_id, &body).await;
        if res.status() == StatusCode::CREATED {
            let created: Value = res.json().await.expect("json");
            return (created["id"].as_str().expect("id").to_string(), failed);
        }
        assert_ok_or_unavailable(res, StatusCode::CREATED).await;
    }
    panic!("a create kept failing")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn terminated_backends_give_503_with_retry_after_and_the_server_recovers() {
    let Some((_db, url)) = database().await else { return };
    let partner = new_partner();
    seed(&url, &partner, 200).await;
    let server = Arc::new(serve(&url, 4));
    let http = http();
    let stop = Arc::new(AtomicBool::new(false));
    let mut load = Vec::new();
    for _ in 0..3 {
        let (http, server, partner, stop) = (http.clone(), server.clone(), partner.clone(), stop.clone());
        load.push(tokio::spawn(async move {
            let mut statuses = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                statuses.push(assert_ok_or_unavailable(list(&http, &server, &partner).await, StatusCode::OK).await);
            }
            statuses
        }));
    }
    let writer = {
        let (http, server, partner, stop) = (http.clone(), server.clone(), partner.clone(), stop.clone());
        tokio::spawn(async move {
            let mut created = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                created.push(create_with_retries(&http, &server, &partner).await);
            }
            created
        })
    };
    let admin = sql(&url).await;
    let mut terminated = Vec::new();
    for _ in 0..40 {
        terminated.extend(terminate_backends(&admin).await);
        tokio::time::sleep(Duration::from_millis(15)).await;
    }
    stop.store(true, Ordering::Relaxed);
    wait_gone(&admin, &terminated).await;
    let mut statuses = Vec::new();
    for task in load {
        statuses.extend(task.await.expect("load task"));
    }
    let created = writer.await.expect("writer task");
    let failed_writes: usize = created.iter().map(|(_, failed)| failed).sum();
    assert!(!terminated.is_empty(), "no backend was terminated");
    assert!(
        failed_writes > 0 || statuses.contains(&StatusCode::SERVICE_UNAVAILABLE),
        "no request met a terminated connection"
    );
    assert!(statuses.contains(&StatusCode::OK));
    // Every create the writer retried to success exists exactly once.
    let stored = stored_ids(&url, &partner).await;
    assert_eq!(stored.len(), 200 + created.len());
    assert!(created.iter().all(|(id, _)| stored.contains(id)));
    assert_recovers(&http, &server, &partner, 4).await;
}

/// A partnerd whose database connections go through a proxy the test controls.
async fn behind_proxy(url: &str, pool_size: usize) -> (DbProxy, Server) {
    let config: tokio_postgres::Config = url.parse().expect("database URL");
    let host = match &config.get_hosts()[0] {
        tokio_postgres::config::Host::Tcp(host) => host.clone(),
        other => panic!("the tests need PostgreSQL over TCP, not {other:?}"),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let proxy = DbProxy::start(format!("{host}:{port}")).await;
    let via_proxy = url.replacen(&format!("{host}:{port}"), &proxy.addr.to_string(), 1);
    assert_ne!(via_proxy, url, "the URL names its host and port as host:port");
    let server = serve(&via_proxy, pool_size);
    (proxy, server)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn with_the_database_down_requests_get_503_and_work_again_when_it_is_back() {
    let Some((_db, url)) = database().await else { return };
    let partner = new_partner();
    seed(&url, &partner, 50).await;
    let (proxy, server) = behind_proxy(&url, 3).await;
    let http = http();
    // Fill the pool, so the outage also finds connections that were open.
    let (a, b, c) =
        tokio::join!(list(&http, &server, &partner), list(&http, &server, &partner), list(&http, &server, &partner));
    assert_eq!([a.status(), b.status(), c.status()], [200, 200, 200]);

    proxy.set(State::Down);
    for _ in 0..5 {
        assert_eq!(assert_ok_or_unavailable(list(&http, &server, &partner).await, StatusCode::OK).await, 503);
    }
    let (request_id, body) = (uuid::Uuid::new_v4().to_string(), create_body(&unique_domain()));
    let res = post(&http, &server, &partner, &request_id, &body).await;
    assert_eq!(assert_ok_or_unavailable(res, StatusCode::CREATED).await, 503);

    proxy.set(State::Up);
    assert_recovers(&http, &server, &partner, 3).await;
    // The create that met the outage runs now, once.
    assert_eq!(post(&http, &server, &partner, &request_id, &body).await.status(), 201);
    assert_eq!(post(&http, &server, &partner, &request_id, &body).await.status(), 201);
    assert_eq!(stored_ids(&url, &partner).await.len(), 51);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn with_the_database_silent_requests_get_503_instead_of_hanging() {
    let Some((_db, url)) = database().await else { return };
    let partner = new_partner();
    seed(&url, &partner, 10).await;
    let (proxy, server) = behind_proxy(&url, 2).await;
    let http = http();
    assert_eq!(list(&http, &server, &partner).await.status(), 200);

    proxy.set(State::Frozen);
    // The first waits on a connection that no longer answers, the second on one that never
    // opens; both are cut short by the store's time limits rather than the client's.
    for _ in 0..2 {
        assert_eq!(assert_ok_or_unavailable(list(&http, &server, &partner).await, StatusCode::OK).await, 503);
    }

    proxy.set(State::Up);
    assert_recovers(&http, &server, &partner, 2).await;
}
