//! HTTP/2 with prior knowledge in cleartext, HTTPS with HTTP/2 or HTTP/1.1 by ALPN, and
//! response compression when the client asks for it.

use std::io::Read;
use std::sync::Arc;

use partnerd_server::tls::Tls;
use partnerd_server::{Config, ServeConfig};
use partnerd_testkit::fixtures::insert_many;
use partnerd_testkit::{new_partner, token, Kind, TestApp, TestDb};
use reqwest::Version;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cleartext_http2_with_prior_knowledge() {
    let db = TestDb::new(Kind::Sqlite).await.unwrap();
    let app = TestApp::start(&db).await;
    let h2c = reqwest::Client::builder().http2_prior_knowledge().build().unwrap();
    let res = h2c.get(app.url("/v1/customers")).bearer_auth(token(&new_partner())).send().await.unwrap();
    assert_eq!(res.version(), Version::HTTP_2);
    assert_eq!(res.status(), 200);
    assert!(res.headers().contains_key("ms-requestid"));
    let res = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.version(), Version::HTTP_11, "HTTP/1.1 on the same port");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_offers_http2_and_http1_by_alpn() {
    let dir = tempfile::tempdir().unwrap();
    let generated = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, generated.cert.pem()).unwrap();
    std::fs::write(&key, generated.signing_key.serialize_pem()).unwrap();
    let tls = Arc::new(Tls::load(&cert, &key).unwrap());
    let db = TestDb::new(Kind::Sqlite).await.unwrap();
    let serve = ServeConfig { tls: Some(tls.clone()), ..Default::default() };
    let app = TestApp::serve_with(db.open().await, Config::default(), serve).await;
    let root = reqwest::Certificate::from_pem(generated.cert.pem().as_bytes()).unwrap();
    let url = format!("https://localhost:{}/v1/customers", app.addr.port());
    let client = |h1: bool| {
        let builder = reqwest::Client::builder().add_root_certificate(root.clone()).resolve("localhost", app.addr);
        if h1 { builder.http1_only() } else { builder }.build().unwrap()
    };
    for (h1, version) in [(false, Version::HTTP_2), (true, Version::HTTP_11)] {
        let res = client(h1).get(&url).bearer_auth(token(&new_partner())).send().await.unwrap();
        assert_eq!((res.status().as_u16(), res.version()), (200, version));
    }
    tls.reload().expect("the same files read again");
    let res = client(false).get(&url).bearer_auth(token(&new_partner())).send().await.unwrap();
    assert_eq!(res.status(), 200, "served after a reload");
    let plain = reqwest::get(format!("http://{}/healthz", app.addr)).await;
    assert!(plain.is_err() || !plain.unwrap().status().is_success(), "no cleartext on a TLS port");
}

fn decompress(encoding: &str, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match encoding {
        "gzip" => flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).map(drop).unwrap(),
        "br" => brotli::Decompressor::new(bytes, 4096).read_to_end(&mut out).map(drop).unwrap(),
        "zstd" => out = zstd::decode_all(bytes).unwrap(),
        other => panic!("{other}"),
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_compressed_when_asked_and_decompress_to_the_same_json() {
    let db = TestDb::new(Kind::Sqlite).await.unwrap();
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    insert_many(&app.store, &partner, 30).await;
    let page = |encoding: Option<&str>| {
        let req = app.get(&partner, "/v1/customers?size=30");
        match encoding {
            Some(e) => req.header("accept-encoding", e),
            None => req,
        }
    };
    let plain = page(None).send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none(), "nothing asked, nothing compressed");
    let plain: serde_json::Value = plain.json().await.unwrap();
    for encoding in ["gzip", "br", "zstd"] {
        let res = page(Some(encoding)).send().await.unwrap();
        assert_eq!(res.headers()["content-encoding"], encoding);
        let bytes = res.bytes().await.unwrap();
        let body: serde_json::Value = serde_json::from_slice(&decompress(encoding, &bytes)).unwrap();
        assert_eq!(body["items"], plain["items"], "{encoding}");
        assert!(bytes.len() * 3 < serde_json::to_vec(&plain).unwrap().len(), "{encoding}: {} bytes", bytes.len());
    }
}
