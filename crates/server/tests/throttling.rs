//! `--rate-limit` (spec §9, §11): 429 with Partner Center's body and `Retry-After`, and the
//! RateLimit headers on every response while it is on.

use partnerd_server::Config;
use partnerd_testkit::{new_partner, store_test, TestApp};
use serde_json::Value;

store_test!(requests_over_the_limit_get_429_per_partner, |db| {
    let app = TestApp::start_with(&db, Config { rate_limit_per_minute: Some(3), ..Config::default() }).await;
    let (a, b) = (new_partner(), new_partner());
    for remaining in [2, 1, 0] {
        let res = app.get(&a, "/v1/customers").send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["ratelimit-limit"], "3");
        assert_eq!(res.headers()["ratelimit-remaining"], remaining.to_string().as_str());
        let reset: u64 = res.headers()["ratelimit-reset"].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&reset));
    }
    let res = app.get(&a, "/v1/customers/00000000-0000-4000-8000-000000000000").send().await.unwrap();
    assert_eq!(res.status(), 429);
    let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    assert_eq!(res.headers()["ratelimit-remaining"], "0");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["statusCode"], 429);
    assert_eq!(body["message"], format!("Rate limit is exceeded. Try again in {retry} seconds."));
    assert_eq!(app.get(&b, "/v1/customers").send().await.unwrap().status(), 200, "another partner has its own budget");
});

store_test!(no_rate_limit_headers_when_off, |db| {
    let app = TestApp::start(&db).await;
    let res = app.get(&new_partner(), "/v1/customers").send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("ratelimit-limit").is_none());
});
