//! The parser benchmark (issue 10): the most expensive request bodies under 1 MiB that we can
//! construct, each POSTed to a real `partnerd serve` process; prints the server's CPU time per
//! request (from /proc/PID/stat, averaged over REPEATS) and the slowest wall time. Then two
//! clients send the heaviest body in a loop while a third times small GETs, showing whether
//! heavy bodies stall other requests.
//!
//! Run it with `bench/parsers.sh`, which builds the release binary and passes PARTNERD_BIN.

use std::time::{Duration, Instant};

use partnerd_model::PartnerId;
use partnerd_testkit::process::ServerProcess;

const MIB: usize = 1024 * 1024;
const REPEATS: usize = 20;

/// One constructed body: its name, content type and bytes.
struct Case {
    name: &'static str,
    content_type: &'static str,
    body: String,
}

/// Repeats `unit` as often as fits in `budget` bytes between `head` and `tail`.
fn fill(head: &str, unit: &dyn Fn(usize) -> String, tail: &str, budget: usize) -> String {
    let mut out = String::from(head);
    let mut i = 0;
    loop {
        let next = unit(i);
        if out.len() + next.len() + tail.len() >= budget {
            break;
        }
        out.push_str(&next);
        i += 1;
    }
    out + tail
}

fn cases() -> Vec<Case> {
    let under = MIB - 64;
    let xml = "application/xml";
    let json = "application/json";
    let form = "application/x-www-form-urlencoded";
    vec![
        Case {
            name: "xml: one element, as many attributes as fit",
            content_type: xml,
            body: fill("<Customer", &|i| format!(" a{i}=\"\""), "/>", under),
        },
        Case {
            name: "xml: elements of 32 attributes each",
            content_type: xml,
            body: fill(
                "<Customer><customDomains>",
                &|_| format!("<d{}/>", (0..32).map(|j| format!(" a{j}=\"\"")).collect::<String>()),
                "</customDomains></Customer>",
                under,
            ),
        },
        Case {
            name: "xml: 9,998 empty elements (the limit)",
            content_type: xml,
            body: format!("<Customer><customDomains>{}</customDomains></Customer>", "<d/>".repeat(9_998)),
        },
        Case {
            name: "xml: as many empty elements as fit (refused past 10,000)",
            content_type: xml,
            body: fill("<Customer><customDomains>", &|_| "<d/>".into(), "</customDomains></Customer>", under),
        },
        Case {
            name: "xml: nested 31 deep, repeated",
            content_type: xml,
            body: fill(
                "<Customer>",
                &|_| format!("{}{}", "<companyProfile>".repeat(30), "</companyProfile>".repeat(30)),
                "</Customer>",
                under,
            ),
        },
        Case {
            name: "xml: one text of entity references",
            content_type: xml,
            body: fill("<Customer><id>", &|_| "&amp;&#13;".into(), "</id></Customer>", under),
        },
        Case {
            name: "form: as many fields as fit (refused past 10,000)",
            content_type: form,
            body: fill("", &|_| "customDomains=a&".into(), "id=x", under),
        },
        Case {
            name: "form: 10,000 eight-deep keys",
            content_type: form,
            body: (0..10_000)
                .map(|_| "companyProfile.address.links.self.headers.key.value.uri=x")
                .collect::<Vec<_>>()
                .join("&"),
        },
        Case { name: "form: one key of a million dots", content_type: form, body: format!("{}=1", ".".repeat(under)) },
        Case {
            name: "json: as many distinct unknown keys as fit",
            content_type: json,
            body: fill("{", &|i| format!("\"k{i}\":0,"), "\"id\":1}", under),
        },
        Case {
            name: "json: one known key in every case spelling, repeated",
            content_type: json,
            body: fill("{", &|i| format!("\"{}\":\"x\",", case_variant("companyName", i)), "\"id\":1}", under),
        },
        Case {
            name: "json: an array of as many numbers as fit",
            content_type: json,
            body: fill("{\"customDomains\":[", &|_| "0,".into(), "0]}", under),
        },
        Case {
            name: "json: arrays nested 120 deep, repeated",
            content_type: json,
            body: fill("{\"customDomains\":[", &|_| format!("{}{},", "[".repeat(120), "]".repeat(120)), "0]}", under),
        },
        Case {
            name: "json: as many empty objects as fit",
            content_type: json,
            body: fill("{\"customDomains\":[", &|_| "{\"id\":{}},".into(), "0]}", under),
        },
        Case {
            name: "json: one string of escapes",
            content_type: json,
            body: fill("{\"id\":\"", &|_| "\\u0000".into(), "\"}", under),
        },
    ]
}

/// `name` with its letters' case chosen by the bits of `i`.
fn case_variant(name: &str, i: usize) -> String {
    name.chars().enumerate().map(|(b, c)| if i >> (b % 16) & 1 == 1 { c.to_ascii_uppercase() } else { c }).collect()
}

/// The process's user + system CPU time so far.
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("read /proc/PID/stat");
    let after_name = &stat[stat.rfind(')').expect("stat has a name") + 2..];
    let fields: Vec<&str> = after_name.split(' ').collect();
    // utime and stime are fields 14 and 15 of stat; the 12th and 13th after the name.
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    let hz: u64 = std::env::var("CLK_TCK").ok().and_then(|v| v.parse().ok()).unwrap_or(100);
    Duration::from_micros(ticks * 1_000_000 / hz)
}

async fn post(http: &reqwest::Client, url: &str, bearer: &str, case: &Case) -> (u16, String) {
    let res = http
        .post(url)
        .bearer_auth(bearer)
        .header("Content-Type", case.content_type)
        .body(case.body.clone())
        .send()
        .await
        .expect("send");
    let status = res.status().as_u16();
    let text = res.text().await.unwrap_or_default();
    (status, text.chars().take(90).collect())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let bin = std::env::var("PARTNERD_BIN").expect("PARTNERD_BIN: the release partnerd binary (bench/parsers.sh)");
    let server = ServerProcess::start(&bin, &["--memory".to_string()]);
    let pid = server.child.id();
    let partner = PartnerId::parse("c0ffee00-0000-4000-8000-0000000000b1").unwrap();
    let bearer = partnerd_server::mint_dev_token(&partner, Duration::from_secs(3600));
    let http = reqwest::Client::new();
    let url = server.url("/v1/customers");

    println!("{:<58} {:>8} {:>7} {:>12} {:>10}  answer", "body", "bytes", "status", "cpu/request", "max wall");
    let mut heaviest = (Duration::ZERO, 0);
    let cases = cases();
    for (i, case) in cases.iter().enumerate() {
        assert!(case.body.len() < MIB, "{} is {} bytes", case.name, case.body.len());
        let (status, answer) = post(&http, &url, &bearer, case).await;
        let before = cpu_time(pid);
        let mut max_wall = Duration::ZERO;
        for _ in 0..REPEATS {
            let started = Instant::now();
            post(&http, &url, &bearer, case).await;
            max_wall = max_wall.max(started.elapsed());
        }
        let cpu = (cpu_time(pid) - before) / REPEATS as u32;
        heaviest = heaviest.max((cpu, i));
        println!(
            "{:<58} {:>8} {:>7} {:>9.1} ms {:>7.1} ms  {}",
            case.name,
            case.body.len(),
            status,
            cpu.as_secs_f64() * 1e3,
            max_wall.as_secs_f64() * 1e3,
            answer
        );
    }

    let heavy = &cases[heaviest.1];
    println!("\nwhile two clients send \"{}\" back to back:", heavy.name);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let loaders: Vec<_> = (0..2)
        .map(|_| {
            let (http, url, bearer, stop) = (http.clone(), url.clone(), bearer.clone(), stop.clone());
            let case = Case { name: heavy.name, content_type: heavy.content_type, body: heavy.body.clone() };
            tokio::spawn(async move {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    post(&http, &url, &bearer, &case).await;
                }
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for _ in 0..200 {
        let started = Instant::now();
        let res = http.get(&url).bearer_auth(&bearer).send().await.expect("get");
        assert_eq!(res.status(), 200);
        latencies.push(started.elapsed());
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for l in loaders {
        l.await.unwrap();
    }
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e3;
    println!("small GETs: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms", at(0.5), at(0.99), at(1.0));
}
