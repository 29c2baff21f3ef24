//! The README and docs/*.md run as written. Each fenced shell block (```sh, ```bash, ```shell,
//! ```console) is marked on the line before it: `<!-- runnable -->` or `<!-- not run: why -->`.
//! The runnable blocks of one file are one bash script (`set -euo pipefail`), run in order in a
//! scratch directory that has `examples/`, with the freshly built `partnerd` first on PATH. The
//! documented address `127.0.0.1:8080` becomes a free port, which `PARTNERD_LISTEN` also names,
//! so `partnerd serve` in a block listens there as written. Background jobs die with the script.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

const RUNNABLE: &str = "<!-- runnable -->";
const NOT_RUN: &str = "<!-- not run:";
const SHELLS: [&str; 4] = ["sh", "bash", "shell", "console"];
/// Bounds one file's script, servers and all.
const LIMIT: Duration = Duration::from_secs(180);

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// README.md and docs/*.md, in a stable order.
fn documents() -> Vec<PathBuf> {
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    docs.insert(0, root().join("README.md"));
    docs
}

/// A fenced shell block: where it starts (1-based), whether it is marked runnable, its text.
struct Block {
    line: usize,
    runnable: bool,
    text: String,
}

/// The shell blocks of a markdown text; an unmarked one is an error naming its line.
fn shell_blocks(markdown: &str) -> Result<Vec<Block>, String> {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(info) = lines[i].trim_start().strip_prefix("```") else {
            i += 1;
            continue;
        };
        let start = i;
        let end = (i + 1..lines.len()).find(|&j| lines[j].trim_start().starts_with("```")).unwrap_or(lines.len());
        i = end + 1;
        let lang = info.split_whitespace().next().unwrap_or("");
        if !SHELLS.contains(&lang) {
            continue;
        }
        let marker = lines[..start].iter().rev().find(|l| !l.trim().is_empty()).map(|l| l.trim()).unwrap_or("");
        let runnable = marker == RUNNABLE;
        if !runnable && !marker.starts_with(NOT_RUN) {
            return Err(format!("line {}: a ```{lang} block without `{RUNNABLE}` or `{NOT_RUN} why -->`", start + 1));
        }
        blocks.push(Block { line: start + 1, runnable, text: lines[start + 1..end.min(lines.len())].join("\n") });
    }
    Ok(blocks)
}

/// The script for a file's runnable blocks, on `port`; `None` when it has none.
fn script(name: &str, blocks: &[Block], port: u16) -> Option<String> {
    let runnable: Vec<&Block> = blocks.iter().filter(|b| b.runnable).collect();
    if runnable.is_empty() {
        return None;
    }
    let mut s = String::from("set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n");
    for b in runnable {
        s.push_str(&format!("echo '### {name}:{}' >&2\n", b.line));
        s.push_str(&b.text.replace("127.0.0.1:8080", &format!("127.0.0.1:{port}")));
        s.push('\n');
    }
    Some(s)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Runs a file's blocks on a port that was free a moment ago; another process may take it in
/// between (the blocks start `partnerd serve` themselves), so a run that found it taken is
/// tried again on another, at most three times.
async fn run_on_a_free_port(name: &str, blocks: &[Block]) -> (Option<i32>, String) {
    let mut tried = 0;
    loop {
        let port = free_port();
        let script = script(name, blocks, port).expect("runnable blocks");
        let (status, output) = run(&script, port).await;
        tried += 1;
        if status == Some(0) || !output.contains("the port is taken") || tried == 3 {
            return (status, output);
        }
    }
}

/// Runs `script` with bash in a scratch directory, `partnerd serve` listening on `port`;
/// returns its exit status and output.
async fn run(script: &str, port: u16) -> (Option<i32>, String) {
    let scratch = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(root().join("examples"), scratch.path().join("examples")).unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_partnerd")).parent().unwrap().to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&std::env::var("PATH").unwrap())))
        .unwrap();
    let mut cmd = tokio::process::Command::new("bash");
    cmd.arg("-c")
        .arg(script)
        .current_dir(scratch.path())
        .env("PATH", path)
        .env("PARTNERD_LISTEN", format!("127.0.0.1:{port}"))
        .env("PARTNERD_LOG", "warn")
        .env_remove("PARTNERD_BASE_URL")
        .env_remove("PARTNERD_TOKEN")
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .process_group(0);
    let child = cmd.output();
    match tokio::time::timeout(LIMIT, child).await {
        Ok(out) => {
            let out = out.expect("bash runs");
            let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
            (out.status.code(), text)
        }
        Err(_) => (None, format!("did not finish within {LIMIT:?}")),
    }
}

#[test]
fn every_shell_block_is_marked_runnable_or_not() {
    let mut unmarked = Vec::new();
    for doc in documents() {
        if let Err(e) = shell_blocks(&std::fs::read_to_string(&doc).unwrap()) {
            unmarked.push(format!("{}: {e}", doc.display()));
        }
    }
    assert!(unmarked.is_empty(), "{}", unmarked.join("\n"));
}

#[test]
fn the_marker_check_finds_an_unmarked_block() {
    let text = "intro\n\n<!-- runnable -->\n```sh\necho hi\n```\n\n```bash\nrm -rf /\n```\n";
    assert_eq!(
        shell_blocks(text).err().unwrap(),
        "line 8: a ```bash block without `<!-- runnable -->` or `<!-- not run: why -->`"
    );
    let ok = shell_blocks("<!-- not run: slow -->\n```sh\nx\n```\n```rust\nfn f() {}\n```\n").unwrap();
    assert_eq!(ok.len(), 1);
    assert!(!ok[0].runnable);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_runnable_block_runs_as_written() {
    let mut ran = Vec::new();
    for doc in documents() {
        let name = doc.strip_prefix(root()).unwrap().display().to_string();
        let blocks = shell_blocks(&std::fs::read_to_string(&doc).unwrap()).unwrap_or_default();
        if script(&name, &blocks, 0).is_none() {
            continue;
        }
        let (status, output) = run_on_a_free_port(&name, &blocks).await;
        assert_eq!(status, Some(0), "{name}: its runnable blocks failed (the last `###` line is the block):\n{output}");
        ran.push(name);
    }
    for must in [
        "README.md",
        "docs/api.md",
        "docs/clients.md",
        "docs/control-plane.md",
        "docs/operations.md",
        "docs/upstream.md",
    ] {
        assert!(ran.iter().any(|r| r == must), "{must} has runnable blocks that ran: {ran:?}");
    }
}
