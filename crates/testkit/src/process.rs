//! A real `partnerd serve` process, for tests that restart, kill or multiply servers.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};

/// A running `partnerd serve`; killed (SIGKILL) when dropped.
pub struct ServerProcess {
    pub child: Child,
    pub addr: SocketAddr,
}

impl ServerProcess {
    /// Starts `binary serve --listen 127.0.0.1:0 --no-demo` plus `args`, and waits for the line
    /// that names its address. Its later output goes to this test's stderr.
    pub fn start(binary: &str, args: &[String]) -> ServerProcess {
        let mut child = Command::new(binary)
            .args(["serve", "--listen", "127.0.0.1:0", "--no-demo"])
            .args(args)
            .env("PARTNERD_LOG", "partnerd=warn,partnerd_server=warn")
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("spawn partnerd serve");
        let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
        let addr = loop {
            let line = match lines.next() {
                Some(Ok(line)) => line,
                _ => panic!("partnerd serve exited before listening: {:?}", child.try_wait()),
            };
            if let Some(rest) = line.strip_prefix("partnerd listening on http://") {
                break rest.trim().parse().expect("listen address");
            }
        };
        // Keep draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(|l| drop(l.map(|l| eprintln!("[partnerd] {l}")))));
        ServerProcess { child, addr }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// SIGKILL: no shutdown, no flushing, nothing.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
