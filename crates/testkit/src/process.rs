//! A real `partnerd serve` process, for tests that restart, kill or multiply servers.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// How long a server has to say where it listens before the test gives up on it.
const START_BOUND: Duration = Duration::from_secs(60);

/// A running `partnerd serve`; killed (SIGKILL) when dropped.
pub struct ServerProcess {
    pub child: Child,
    pub addr: SocketAddr,
}

impl ServerProcess {
    /// Starts `binary serve --listen 127.0.0.1:0 --no-demo` plus `args`, and waits (at most
    /// a minute) for the line that names its address. Its output is read by a thread of
    /// its own, so a server that hangs without a word fails the test rather than hanging it;
    /// its later lines go to this test's stderr.
    pub fn start(binary: &str, args: &[String]) -> ServerProcess {
        let mut child = Command::new(binary)
            .args(["serve", "--listen", "127.0.0.1:0", "--no-demo"])
            .args(args)
            .env("PARTNERD_LOG", "partnerd=warn,partnerd_server=warn")
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("spawn partnerd serve");
        let stderr = BufReader::new(child.stderr.take().expect("stderr"));
        let (address, found) = mpsc::channel();
        // Keeps draining stderr after the address, so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                match line.strip_prefix("partnerd listening on http://") {
                    Some(rest) => drop(address.send(rest.trim().to_string())),
                    None => eprintln!("[partnerd] {line}"),
                }
            }
        });
        let addr = match found.recv_timeout(START_BOUND) {
            Ok(addr) => addr.parse().expect("listen address"),
            Err(why) => {
                let exited = child.try_wait();
                let _ = child.kill();
                panic!("partnerd serve named no address within {START_BOUND:?} ({why}; exit: {exited:?})");
            }
        };
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
