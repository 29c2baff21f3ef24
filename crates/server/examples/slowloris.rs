//! The slowloris benchmark (issue 10): thousands of connections that send a request head one
//! byte per second (reconnecting whenever the server cuts one off) against a real
//! `partnerd serve --memory`, while a normal client makes one request every 20 ms on a fresh
//! connection. Prints the normal client's latency percentiles and failures during the attack,
//! and the server's RSS before, during (peak) and after it.
//!
//! Run it with `bench/slowloris.sh`, which builds the release binary, raises the open-file
//! limit and passes PARTNERD_BIN (and ATTACKERS, ATTACK_SECONDS).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use partnerd_model::PartnerId;
use partnerd_testkit::process::ServerProcess;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The process's resident set, in MiB.
fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("read /proc/PID/status");
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS");
    kib / 1024.0
}

/// One normal request on a fresh connection; its latency, or `None` if it failed or took
/// more than 5 s.
async fn normal_request(addr: std::net::SocketAddr, request: &[u8]) -> Option<Duration> {
    let start = Instant::now();
    let exchange = async {
        let mut stream = TcpStream::connect(addr).await.ok()?;
        stream.write_all(request).await.ok()?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.ok()?;
        answer.starts_with(b"HTTP/1.1 200").then_some(())
    };
    tokio::time::timeout(Duration::from_secs(5), exchange).await.ok().flatten().map(|()| start.elapsed())
}

/// One attacker: a request head started and continued one byte a second, for as long as the
/// attack lasts; a new connection whenever the server closes one.
async fn attacker(addr: std::net::SocketAddr, stop: Arc<AtomicBool>, open: Arc<AtomicU64>, cut: Arc<AtomicU64>) {
    while !stop.load(Ordering::Relaxed) {
        let Ok(mut stream) = TcpStream::connect(addr).await else {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        };
        open.fetch_add(1, Ordering::Relaxed);
        let mut alive = stream.write_all(b"GET /v1/customers HTTP/1.1\r\nHost: x\r\nX-Slow: ").await.is_ok();
        while alive && !stop.load(Ordering::Relaxed) {
            tokio::time::sleep(Duration::from_secs(1)).await;
            alive = stream.write_all(b"a").await.is_ok();
            let mut probe = [0u8; 64];
            if let Ok(Ok(0) | Err(_)) = tokio::time::timeout(Duration::from_millis(1), stream.read(&mut probe)).await {
                alive = false;
            }
        }
        open.fetch_sub(1, Ordering::Relaxed);
        if !alive {
            cut.fetch_add(1, Ordering::Relaxed);
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let bin = std::env::var("PARTNERD_BIN").expect("PARTNERD_BIN: the partnerd binary");
    let attackers = env_or("ATTACKERS", 3000);
    let attack = Duration::from_secs(env_or("ATTACK_SECONDS", 30));
    let server = ServerProcess::start(&bin, &["--memory".to_string()]);
    let (addr, pid) = (server.addr, server.child.id());
    let partner = PartnerId::parse("4a1c6e7e-0000-4000-8000-00000000b10c").expect("a GUID");
    let token = partnerd_server::mint_dev_token(&partner, Duration::from_secs(3600));
    let request = format!(
        "GET /v1/customers?size=10 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    );
    let request = request.as_bytes();

    let mut quiet = Vec::new();
    for _ in 0..500 {
        quiet.extend(normal_request(addr, request).await);
    }
    quiet.sort();
    let rss_before = rss_mib(pid);
    println!(
        "before: RSS {rss_before:.1} MiB; normal client p50 {:.2} ms, p99 {:.2} ms ({} requests)",
        percentile(&quiet, 0.5).as_secs_f64() * 1e3,
        percentile(&quiet, 0.99).as_secs_f64() * 1e3,
        quiet.len()
    );

    let stop = Arc::new(AtomicBool::new(false));
    let (open, cut) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let tasks: Vec<_> =
        (0..attackers).map(|_| tokio::spawn(attacker(addr, stop.clone(), open.clone(), cut.clone()))).collect();
    // Let the attack ramp up before measuring.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (mut latencies, mut failures, mut peak_rss, mut min_open) = (Vec::new(), 0u64, rss_before, u64::MAX);
    let start = Instant::now();
    let mut next_sample = Instant::now();
    while start.elapsed() < attack {
        match normal_request(addr, request).await {
            Some(latency) => latencies.push(latency),
            None => failures += 1,
        }
        if Instant::now() >= next_sample {
            peak_rss = peak_rss.max(rss_mib(pid));
            min_open = min_open.min(open.load(Ordering::Relaxed));
            next_sample += Duration::from_secs(1);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.store(true, Ordering::Relaxed);
    latencies.sort();
    println!(
        "during ({attackers} attackers, {} s; at least {min_open} slow connections open at each sample, {} cut off by the server): \
         normal client p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, {} served, {failures} failed; peak RSS {peak_rss:.1} MiB",
        attack.as_secs(),
        cut.load(Ordering::Relaxed),
        percentile(&latencies, 0.5).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().expect("some requests").as_secs_f64() * 1e3,
        latencies.len(),
    );
    for task in tasks {
        task.abort();
    }
    // The attackers' connections are gone; give the server its header timeout to notice any
    // half-open ones, then look again.
    tokio::time::sleep(Duration::from_secs(15)).await;
    let mut after = Vec::new();
    for _ in 0..500 {
        after.extend(normal_request(addr, request).await);
    }
    after.sort();
    println!(
        "after (15 s later): RSS {:.1} MiB; normal client p50 {:.2} ms, p99 {:.2} ms",
        rss_mib(pid),
        percentile(&after, 0.5).as_secs_f64() * 1e3,
        percentile(&after, 0.99).as_secs_f64() * 1e3
    );
}
