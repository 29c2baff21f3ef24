//! Retries, throttling and request ids, seen from a proxy between the client and a real
//! server: what was sent, how often, and with which headers.

mod support;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use partnerd_client::{Client, Error, ListQuery, RetryPolicy};
use partnerd_model::Customer;
use partnerd_testkit::fixtures::{insert_many, unique_domain};
use partnerd_testkit::proxy::{Proxy, Seen, Verdict};
use partnerd_testkit::{new_partner, token};
use support::ids;

fn answer(status: u16, retry_after: Option<&str>, body: &str) -> Verdict {
    let headers = retry_after.map(|s| vec![("Retry-After", s.to_string())]).unwrap_or_default();
    Verdict::Answer { status, headers, body: body.to_string() }
}

const SERVER_ERROR: &str =
    r#"{"code":800003,"description":"An unexpected error occurred.","data":[],"source":"partnerd"}"#;

fn request_ids(seen: &[Seen]) -> Vec<String> {
    seen.iter().map(|s| s.header("ms-requestid").expect("MS-RequestId sent").to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_retried_with_the_same_request_id() {
    let server = support::server().await;
    let partner = new_partner();
    let customer = insert_many(&server.app.store, &partner, 1).await.remove(0);
    let proxy = Proxy::start(&server.app.url(""), |s| {
        if s.index < 2 {
            answer(503, Some("0"), SERVER_ERROR)
        } else {
            Verdict::Forward
        }
    })
    .await;
    let client = support::client(&proxy.url(""), &partner);
    let got = client.get(customer.id.as_deref().unwrap()).await.unwrap();
    assert_eq!(got.id, customer.id);
    let seen = proxy.seen();
    assert_eq!(seen.len(), 3);
    let ids = request_ids(&seen);
    assert!(ids.iter().all(|id| id == &ids[0]), "{ids:?}");
    assert!(uuid::Uuid::parse_str(&ids[0]).is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_give_up_after_three_retries() {
    let server = support::server().await;
    let partner = new_partner();
    let proxy = Proxy::start(&server.app.url(""), |_| answer(500, None, SERVER_ERROR)).await;
    let client = support::client(&proxy.url(""), &partner);
    let err = client.list_page(&ListQuery::new()).await.unwrap_err();
    assert!(matches!(&err, Error::Api(api) if api.status == 500 && api.code == 800003), "{err:?}");
    assert_eq!(proxy.seen().len(), 4, "one attempt and three retries");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_errors_are_never_retried() {
    let server = support::server().await;
    let partner = new_partner();
    let proxy = Proxy::start(&server.app.url(""), |_| Verdict::Forward).await;
    let client = support::client(&proxy.url(""), &partner);

    let err = client.get(&uuid::Uuid::new_v4().to_string()).await.unwrap_err();
    assert!(matches!(&err, Error::Api(api) if api.status == 404 && api.code == 1000), "{err:?}");
    let err = client.get("not-a-guid").await.unwrap_err();
    assert!(matches!(&err, Error::Url(_)), "refused before sending: {err:?}");
    let bad_token = Client::builder().base_url(proxy.url("")).token("nonsense").build().unwrap();
    let err = bad_token.list_page(&ListQuery::new()).await.unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(401), Some(800001)), "{err:?}");
    assert_eq!(proxy.seen().len(), 2, "one request per call that was sent");
    let Error::Api(api) = err else { panic!("a 401 is an API error: {err:?}") };
    assert_eq!(api.request_id.as_deref(), Some(request_ids(&proxy.seen())[1].as_str()), "the server echoed our id");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_response_is_retried() {
    let server = support::server().await;
    let partner = new_partner();
    insert_many(&server.app.store, &partner, 3).await;
    let proxy =
        Proxy::start(&server.app.url(""), |s| if s.index == 0 { Verdict::ForwardThenDrop } else { Verdict::Forward })
            .await;
    let client = support::client(&proxy.url(""), &partner);
    let page = client.list_page(&ListQuery::new()).await.unwrap();
    assert_eq!(page.items.len(), 3);
    let ids = request_ids(&proxy.seen());
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[0], ids[1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_server_is_a_transport_error_after_the_retries() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = support::client(&format!("http://{addr}"), &new_partner());
    let err = client.get(&uuid::Uuid::new_v4().to_string()).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
}

/// The first attempt reaches the server, which creates the customer; its response is
/// lost. The retry carries the same `MS-RequestId`, so the server replays the first
/// answer instead of creating a second customer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_whose_response_is_lost_creates_one_customer() {
    let server = support::server().await;
    let partner = new_partner();
    let proxy = Proxy::start(&server.app.url(""), |s| {
        if s.method == "POST" && s.index == 0 {
            Verdict::ForwardThenDrop
        } else {
            Verdict::Forward
        }
    })
    .await;
    let client = support::client(&proxy.url(""), &partner);
    let domain = unique_domain();
    let input: Customer = serde_json::from_value(partnerd_testkit::fixtures::create_body(&domain)).unwrap();
    let created = client.create(&input).await.unwrap();
    assert!(created.user_credentials.as_ref().and_then(|c| c.password.as_ref()).is_some());

    let posts: Vec<Seen> = proxy.seen().into_iter().filter(|s| s.method == "POST").collect();
    assert_eq!(posts.len(), 2, "the lost attempt and its retry");
    let ids = request_ids(&posts);
    assert_eq!(ids[0], ids[1]);
    let direct = support::client(&server.app.url(""), &partner);
    let all: Vec<Customer> = direct.list(&ListQuery::new()).try_collect().await.unwrap();
    assert_eq!(support::ids(&all), vec![created.id.clone().unwrap()], "exactly one customer, the one returned");
}

/// A server-side limit in miniature: every fourth request is throttled with
/// `Retry-After: 1`, and anything arriving before that second is over counts as
/// hammering. An export through it must complete with one 429 per throttling and none
/// while blocked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_is_waited_out_without_hammering() {
    struct Limiter {
        since_throttle: usize,
        blocked_until: Option<Instant>,
        throttled: usize,
        hammered: usize,
    }
    let server = support::server().await;
    let partner = new_partner();
    let customers = insert_many(&server.app.store, &partner, 40).await;
    let limiter = Arc::new(Mutex::new(Limiter { since_throttle: 0, blocked_until: None, throttled: 0, hammered: 0 }));
    let state = limiter.clone();
    let body = r#"{"statusCode": 429, "message": "Rate limit is exceeded. Try again in 1 seconds."}"#;
    let proxy = Proxy::start(&server.app.url(""), move |_| {
        let mut l = state.lock().unwrap();
        if l.blocked_until.is_some_and(|until| Instant::now() < until) {
            l.hammered += 1;
            return answer(429, Some("1"), body);
        }
        if l.since_throttle == 3 {
            l.since_throttle = 0;
            l.throttled += 1;
            l.blocked_until = Some(Instant::now() + Duration::from_secs(1));
            return answer(429, Some("1"), body);
        }
        l.since_throttle += 1;
        Verdict::Forward
    })
    .await;
    let client = support::client(&proxy.url(""), &partner);
    let got: Vec<Customer> = client.list(&ListQuery::new().size(5)).try_collect().await.unwrap();
    assert_eq!(ids(&got).into_iter().collect::<HashSet<_>>(), ids(&customers).into_iter().collect::<HashSet<_>>());
    let l = limiter.lock().unwrap();
    assert_eq!(l.hammered, 0, "requests arrived before Retry-After had passed");
    assert_eq!(l.throttled, 2, "8 pages: throttled before the 4th and the 7th");
    let answered_429 = proxy.seen().len() - 8;
    assert_eq!(answered_429, 2, "one 429 per throttling");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn persistent_throttling_ends_in_a_throttled_error() {
    let server = support::server().await;
    let body = r#"{"statusCode": 429, "message": "Rate limit is exceeded. Try again in 0 seconds."}"#;
    let proxy = Proxy::start(&server.app.url(""), move |_| answer(429, Some("0"), body)).await;
    let policy = RetryPolicy { max_throttled_retries: 2, ..support::fast_retries() };
    let client =
        Client::builder().base_url(proxy.url("")).token(token(&new_partner())).retry_policy(policy).build().unwrap();
    let err = client.list_page(&ListQuery::new()).await.unwrap_err();
    match err {
        Error::Throttled { retry_after, message } => {
            assert_eq!(retry_after, Some(Duration::ZERO));
            assert!(message.starts_with("Rate limit is exceeded"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(proxy.seen().len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_correlation_id_per_client_and_a_fresh_request_id_per_call() {
    let server = support::server().await;
    let partner = new_partner();
    let proxy = Proxy::start(&server.app.url(""), |_| Verdict::Forward).await;
    let chosen = uuid::Uuid::new_v4();
    let clients = [
        support::client(&proxy.url(""), &partner),
        Client::builder().base_url(proxy.url("")).token(token(&partner)).correlation_id(chosen).build().unwrap(),
    ];
    for client in &clients {
        client.list_page(&ListQuery::new()).await.unwrap();
        client.list_page(&ListQuery::new()).await.unwrap();
    }
    let seen = proxy.seen();
    let correlation: Vec<&str> = seen.iter().map(|s| s.header("ms-correlationid").unwrap()).collect();
    assert_eq!(correlation[0], clients[0].correlation_id());
    assert_eq!(correlation[0], correlation[1]);
    assert_eq!(correlation[2..], [chosen.to_string(), chosen.to_string()]);
    assert_ne!(correlation[0], correlation[2], "each client has its own");
    let ids: HashSet<String> = request_ids(&seen).into_iter().collect();
    assert_eq!(ids.len(), 4, "every call has its own MS-RequestId");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_provider_is_asked_before_every_attempt() {
    let server = support::server().await;
    let partner = new_partner();
    let proxy = Proxy::start(&server.app.url(""), |s| {
        if s.index == 0 {
            answer(502, None, "<html>Bad Gateway</html>")
        } else {
            Verdict::Forward
        }
    })
    .await;
    // Each token differs (its expiry moves), so the proxy shows which attempt got which.
    let handed_out = Arc::new(Mutex::new(Vec::new()));
    let log = handed_out.clone();
    let client = Client::builder()
        .base_url(proxy.url(""))
        .retry_policy(support::fast_retries())
        .token_provider(move || {
            let mut log = log.lock().unwrap();
            let token = partnerd_server::mint_dev_token(&partner, Duration::from_secs(3600 + log.len() as u64));
            log.push(format!("Bearer {token}"));
            async move { Ok::<_, std::io::Error>(token) }
        })
        .build()
        .unwrap();
    client.list_page(&ListQuery::new()).await.unwrap();
    let sent: Vec<String> = proxy.seen().iter().map(|s| s.header("authorization").unwrap().to_string()).collect();
    assert_eq!(sent, *handed_out.lock().unwrap(), "a fresh token for each of the two attempts");
    assert_eq!(sent.len(), 2);
    assert_ne!(sent[0], sent[1]);

    let failing = Client::builder()
        .base_url(proxy.url(""))
        .token_provider(|| async { Err::<String, _>(std::io::Error::other("refresh token expired")) })
        .build()
        .unwrap();
    let err = failing.list_page(&ListQuery::new()).await.unwrap_err();
    assert!(matches!(&err, Error::Token(e) if e.to_string() == "refresh token expired"), "{err:?}");
    assert_eq!(proxy.seen().len(), 2, "nothing sent without a token");
}

/// partnerd's own limit refuses with the contract's 429: a client that may not wait gets
/// a typed error carrying the server's `Retry-After` and message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_servers_rate_limit_is_a_typed_throttle() {
    let config = partnerd_server::Config { rate_limit_per_minute: Some(1), ..Default::default() };
    let server = support::server_with(config).await;
    let partner = new_partner();
    let policy = RetryPolicy { max_throttled_retries: 0, ..support::fast_retries() };
    let client =
        Client::builder().base_url(server.app.url("")).token(token(&partner)).retry_policy(policy).build().unwrap();
    client.list_page(&ListQuery::new()).await.unwrap();
    match client.list_page(&ListQuery::new()).await.unwrap_err() {
        Error::Throttled { retry_after: Some(wait), message } => {
            assert!((1..=60).contains(&wait.as_secs()), "{wait:?}");
            assert_eq!(message, format!("Rate limit is exceeded. Try again in {} seconds.", wait.as_secs()));
        }
        other => panic!("{other:?}"),
    }
}
