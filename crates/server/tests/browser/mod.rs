//! A real headless Chromium driven over WebDriver (Debian's `chromium` and `chromium-driver`),
//! for the console's browser tests. Each test gets its own chromedriver on a free port and a
//! fresh browser profile; the tests take turns, since two cores cannot host several browsers.
//!
//! Without the browser the tests print that they were skipped, unless
//! `PARTNERD_REQUIRE_BROWSER=1` (as `.ci/run` sets) makes that a failure.

// Each console_* test file is its own crate and uses part of these helpers.
#![allow(dead_code)]

pub mod console;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Map, Value};

/// Longest any single wait for the page lasts.
pub const WAIT: Duration = Duration::from_secs(5);

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// One test at a time: a browser each is all two cores can carry.
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Runs `body` with a browser at 1366x768, then closes the browser whatever happened (a failed
/// assertion included), and fails the test if `body` did. Skips (or fails, when required) where
/// no browser is installed.
pub async fn with_browser<F, Fut>(test: &str, body: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some((chromium, chromedriver)) = installed(test) else { return };
    let _turn = TURN.lock().await;
    let mut session = Session::start(&chromium, &chromedriver).await;
    let outcome = tokio::spawn(body(session.client.clone())).await;
    session.close().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

fn installed(test: &str) -> Option<(PathBuf, PathBuf)> {
    let chromium = std::env::var_os("PARTNERD_CHROMIUM").map(PathBuf::from).unwrap_or_else(|| CHROMIUM.into());
    let driver = std::env::var_os("PARTNERD_CHROMEDRIVER").map(PathBuf::from).unwrap_or_else(|| CHROMEDRIVER.into());
    if chromium.exists() && driver.exists() {
        return Some((chromium, driver));
    }
    let missing = format!(
        "no browser for {test} ({} and {} are needed: apt-get install chromium chromium-driver)",
        chromium.display(),
        driver.display()
    );
    partnerd_testkit::skip::skip("BROWSER", &missing);
    None
}

/// A chromedriver process, its browser session and the browser's throwaway profile.
struct Session {
    client: Client,
    driver: tokio::process::Child,
    _profile: tempfile::TempDir,
}

impl Session {
    async fn start(chromium: &Path, chromedriver: &Path) -> Session {
        let (driver, url) = start_chromedriver(chromedriver).await;
        let profile = tempfile::tempdir().expect("profile dir");
        let mut builder = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        builder.capabilities(capabilities(chromium, profile.path()));
        let client = builder.connect(&url).await.expect("start a browser session");
        client.set_window_size(1366, 768).await.expect("window size");
        Session { client, driver, _profile: profile }
    }

    /// Ends the browser session (chromedriver closes Chromium), then chromedriver.
    async fn close(&mut self) {
        let _ = tokio::time::timeout(WAIT, self.client.clone().close()).await;
        let _ = self.driver.kill().await;
    }
}

fn capabilities(chromium: &Path, profile: &Path) -> Map<String, Value> {
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1366,768",
    ]
    .iter()
    .map(|a| a.to_string())
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect::<Vec<_>>();
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {"binary": chromium.display().to_string(), "args": args},
    });
    caps.as_object().expect("object").clone()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// chromedriver on a port that was free a moment ago; another process may take it in between,
/// so a chromedriver that does not come up (it exits on a taken port) is tried again on
/// another port, at most three times.
async fn start_chromedriver(chromedriver: &Path) -> (tokio::process::Child, String) {
    for _ in 0..3 {
        let port = free_port();
        let mut driver = tokio::process::Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start chromedriver");
        let url = format!("http://127.0.0.1:{port}");
        if listening(&url, &mut driver).await {
            return (driver, url);
        }
        let _ = driver.kill().await;
    }
    panic!("chromedriver did not start listening on three ports");
}

/// Whether chromedriver answers on `url` within 15 s (false at once when it exited).
async fn listening(url: &str, driver: &mut tokio::process::Child) -> bool {
    let deadline = Instant::now() + Duration::from_secs(15);
    let http = reqwest::Client::new();
    while Instant::now() < deadline {
        if http.get(format!("{url}/status")).send().await.is_ok_and(|r| r.status().is_success()) {
            return true;
        }
        if driver.try_wait().is_ok_and(|exit| exit.is_some()) {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

/// Waits (at most `within`) until `check` finds what it wants in the page; panics with the
/// last thing it saw otherwise.
pub async fn eventually<T, F, Fut>(within: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, String>>,
{
    let deadline = Instant::now() + within;
    loop {
        match check().await {
            Ok(value) => return value,
            Err(seen) if Instant::now() >= deadline => panic!("waited {within:?} for {what}; last saw: {seen}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

/// The element `css`, once it exists and is displayed.
pub async fn visible(client: &Client, css: &str) -> Element {
    eventually(WAIT, &format!("{css} to be visible"), || async {
        let el = client.find(Locator::Css(css)).await.map_err(|e| e.to_string())?;
        if el.is_displayed().await.map_err(|e| e.to_string())? {
            Ok(el)
        } else {
            Err("present but hidden".into())
        }
    })
    .await
}

/// The texts of every element matching `css`, in page order.
pub async fn texts(client: &Client, css: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for el in client.find_all(Locator::Css(css)).await.map_err(|e| e.to_string())? {
        out.push(el.text().await.map_err(|e| e.to_string())?);
    }
    Ok(out)
}

/// Waits until the texts of `css` satisfy `ok`, and returns them.
pub async fn texts_until(client: &Client, css: &str, what: &str, ok: impl Fn(&[String]) -> bool) -> Vec<String> {
    eventually(WAIT, what, || async {
        let found = texts(client, css).await?;
        if ok(&found) {
            Ok(found)
        } else {
            Err(format!("{found:?}"))
        }
    })
    .await
}

/// Clicks the first element matching `css`.
pub async fn click(client: &Client, css: &str) {
    visible(client, css).await.click().await.unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// Replaces the value of the input `css` with `text`.
pub async fn type_into(client: &Client, css: &str, text: &str) {
    let input = visible(client, css).await;
    input.clear().await.unwrap_or_else(|e| panic!("clear {css}: {e}"));
    if !text.is_empty() {
        input.send_keys(text).await.unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }
}

/// Writes a screenshot of the page to target/console-screenshots/NAME.png, for a reviewer.
pub async fn screenshot(client: &Client, name: &str) {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("console-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    let png = client.screenshot().await.expect("screenshot");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
}
