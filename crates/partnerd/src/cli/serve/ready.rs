//! `serve --ready-file PATH`: once the server is ready, a JSON file that says where it is and
//! how to talk to it, so a test fixture in any language can start `serve --listen 127.0.0.1:0`
//! and wait for the file instead of guessing a port or parsing log lines. The file is written
//! whole (a temporary file renamed over it), so a reader never sees half of it, and removed
//! when the server stops.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::Context;
use serde_json::{json, Value};

/// What the file tells about the running server.
pub struct Ready<'a> {
    pub addr: SocketAddr,
    pub scheme: &'a str,
    pub mode: &'a str,
    pub control_plane: bool,
    pub admin_token_required: bool,
    pub demo_partner: &'a str,
    /// A development token for the demo partner and how long it lasts; `None` with production keys.
    pub token: Option<(String, Duration)>,
}

impl Ready<'_> {
    fn document(&self) -> Value {
        let url = format!("{}://{}", self.scheme, self.addr);
        let expires =
            self.token.as_ref().map(|(_, ttl)| humantime::format_rfc3339_seconds(SystemTime::now() + *ttl).to_string());
        json!({
            "pid": std::process::id(),
            "address": self.addr.to_string(),
            "url": url,
            "mode": self.mode,
            "adminUrl": self.control_plane.then(|| format!("{url}/_partnerd")),
            "adminTokenRequired": self.admin_token_required,
            "demoPartner": self.demo_partner,
            "token": self.token.as_ref().map(|(t, _)| t),
            "tokenExpiresAt": expires,
        })
    }
}

/// The written file; dropping it (the server stopped, or failed after it was written) removes it.
pub struct ReadyFile(PathBuf);

impl ReadyFile {
    pub fn write(path: &Path, ready: &Ready) -> anyhow::Result<ReadyFile> {
        let mut temp = path.as_os_str().to_os_string();
        temp.push(format!(".{}.tmp", std::process::id()));
        let temp = PathBuf::from(temp);
        let text = format!("{}\n", ready.document());
        let written = std::fs::write(&temp, text)
            .and_then(|_| std::fs::File::open(&temp)?.sync_all())
            .and_then(|_| std::fs::rename(&temp, path));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&temp);
            return Err(e).with_context(|| format!("writing the ready file {} (--ready-file)", path.display()));
        }
        Ok(ReadyFile(path.to_path_buf()))
    }
}

impl Drop for ReadyFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
