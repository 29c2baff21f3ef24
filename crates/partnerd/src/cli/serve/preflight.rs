//! The start-up checks that `serve` and `doctor` share, so that `doctor` passes exactly the
//! configurations `serve` starts with. Every check runs, whatever the others found, and none
//! changes anything: no database is created, migrated or seeded, and the port is only bound.

use partnerd_server::{AppState, AuthConfig, Config, ControlPlane, Mode, ServeConfig};
use partnerd_store::{Location, SchemaStatus, Store};
use tokio::net::TcpListener;

use super::ServeArgs;

/// One check's verdict.
pub(super) enum Verdict {
    Ok(String),
    /// Fine for `serve`, worth knowing (it will change something).
    Note(String),
    /// `serve` would fail.
    Fail(String),
}

/// What `serve` needs from the checks when all of them passed.
pub(super) struct Ready {
    pub listener: TcpListener,
    pub auth: AuthConfig,
    pub serve_config: ServeConfig,
    pub traffic: Config,
}

/// Every check's verdict, by name, and what passed.
pub(super) struct Preflight {
    pub checks: Vec<(&'static str, Verdict)>,
    pub schema: Option<SchemaStatus>,
    listener: Option<TcpListener>,
    auth: Option<AuthConfig>,
    serve_config: Option<ServeConfig>,
    traffic: Option<Config>,
}

impl Preflight {
    /// Runs every check on `args`.
    pub async fn run(args: &ServeArgs) -> Preflight {
        let mut checks = Vec::new();
        let listener = record(&mut checks, "listen", listen(args).await);
        let location = args.db.location();
        let schema = partnerd_store::inspect(&location).await;
        checks.push(("database", database(&location, &schema)));
        let auth = record(&mut checks, "token keys", keys(args).await);
        checks.push(("control plane", control_plane(args)));
        let serve_config = record(&mut checks, "transport", transport(args));
        let traffic = record(&mut checks, "traffic", traffic(args));
        if let Some(verdict) = upstream(args) {
            checks.push(("upstream", verdict));
        }
        Preflight { checks, schema: schema.ok(), listener, auth, serve_config, traffic }
    }

    /// What `serve` needs, or every failed check as one error.
    pub fn ready(self) -> anyhow::Result<Ready> {
        let failures: Vec<String> = self
            .checks
            .iter()
            .filter_map(|(name, verdict)| match verdict {
                Verdict::Fail(why) => Some(format!("  - {name}: {why}")),
                _ => None,
            })
            .collect();
        match (self.listener, self.auth, self.serve_config, self.traffic) {
            (Some(listener), Some(auth), Some(serve_config), Some(traffic)) if failures.is_empty() => {
                Ok(Ready { listener, auth, serve_config, traffic })
            }
            _ => anyhow::bail!(
                "cannot start ({} problem{}; `partnerd doctor` with the same flags checks a configuration):\n{}",
                failures.len(),
                if failures.len() == 1 { "" } else { "s" },
                failures.join("\n")
            ),
        }
    }

    pub fn failed(&self) -> bool {
        self.checks.iter().any(|(_, v)| matches!(v, Verdict::Fail(_)))
    }
}

/// Keeps `outcome`'s value and files its verdict under `name`.
fn record<T>(
    checks: &mut Vec<(&'static str, Verdict)>,
    name: &'static str,
    outcome: (Verdict, Option<T>),
) -> Option<T> {
    checks.push((name, outcome.0));
    outcome.1
}

/// Binds the address, and keeps it for `serve`.
async fn listen(args: &ServeArgs) -> (Verdict, Option<TcpListener>) {
    match super::bind(args.listen).await {
        Ok(listener) => {
            let addr = listener.local_addr().map(|a| a.to_string()).unwrap_or_else(|_| args.listen.to_string());
            (Verdict::Ok(format!("{addr} is free")), Some(listener))
        }
        Err(e) => (Verdict::Fail(format!("{e:#}")), None),
    }
}

fn database(location: &Location, schema: &Result<SchemaStatus, partnerd_store::StoreError>) -> Verdict {
    let what = describe(location);
    if let (Location::SqliteFile(path), Ok(SchemaStatus::New)) = (location, schema) {
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
        if !folder.is_dir() {
            return Verdict::Fail(format!("{what}: its folder {} does not exist", folder.display()));
        }
    }
    match schema {
        Err(e) => Verdict::Fail(format!("{what}: cannot be read: {e}")),
        Ok(SchemaStatus::New) => Verdict::Note(format!("{what}: does not exist yet; serve creates it")),
        Ok(status) if !status.unknown().is_empty() => Verdict::Fail(format!(
            "{what}: has migrations {:?} that this partnerd does not know (a newer version migrated it)",
            status.unknown()
        )),
        Ok(status) if !status.pending().is_empty() => {
            Verdict::Note(format!("{what}: reachable; serve applies migrations {:?} first", status.pending()))
        }
        Ok(_) => Verdict::Ok(format!("{what}: reachable, schema current")),
    }
}

/// The key flags read and the verifier built from them, as `serve` builds it (over a scratch
/// in-memory store, so the real database is not touched).
async fn keys(args: &ServeArgs) -> (Verdict, Option<AuthConfig>) {
    let auth = match args.auth.config() {
        Ok(auth) => auth,
        Err(e) => return (Verdict::Fail(format!("{e:#}")), None),
    };
    let development = matches!(auth, AuthConfig::Development);
    if development && args.mode == Mode::Production {
        let why = "--mode production needs production token keys (--jwt-secret, --jwt-public-key or --jwks, with \
                   --jwt-issuer): the development secret is public";
        return (Verdict::Fail(why.into()), None);
    }
    let scratch = match Store::open(&Location::Memory).await {
        Ok(store) => store,
        Err(e) => return (Verdict::Fail(format!("cannot check the keys: {e}")), None),
    };
    match AppState::new(scratch, Config { auth: auth.clone(), ..Config::default() }).await {
        Err(e) => (Verdict::Fail(e.to_string()), None),
        Ok(_) if development => {
            (Verdict::Ok("development secret (tokens from `partnerd token` are accepted)".into()), Some(auth))
        }
        Ok(_) => (Verdict::Ok("production keys read and valid; development tokens are refused".into()), Some(auth)),
    }
}

/// The control plane and `/metrics` this mode and these flags give; in production, the control
/// plane only behind an admin token.
fn control_plane(args: &ServeArgs) -> Verdict {
    let config = Config {
        mode: args.mode,
        admin_token: args.admin_token.clone(),
        control_plane: args.control_plane,
        public_metrics: args.public_metrics,
        ..Config::default()
    };
    let plane = config.control_plane();
    if args.mode == Mode::Production && plane != ControlPlane::Off && args.admin_token.is_none() {
        return Verdict::Fail(format!("--control-plane {} in production needs --admin-token", name(plane)));
    }
    let metrics = match config.metrics_open() {
        Some(true) => "/metrics open to anyone",
        Some(false) => "/metrics behind the admin token",
        None => "no /metrics (production without --admin-token; --public-metrics opens it)",
    };
    Verdict::Ok(format!("{}; {metrics}", name(plane)))
}

/// The flag value of `plane`.
pub(super) fn name(plane: ControlPlane) -> &'static str {
    match plane {
        ControlPlane::Off => "off",
        ControlPlane::Observe => "observe",
        ControlPlane::Full => "full",
    }
}

/// The TLS files and the HTTP limits.
fn transport(args: &ServeArgs) -> (Verdict, Option<ServeConfig>) {
    match args.transport.serve_config() {
        Ok(config) if config.tls.is_some() => (Verdict::Ok("TLS certificate and key read".into()), Some(config)),
        Ok(config) => (Verdict::Ok("cleartext HTTP".into()), Some(config)),
        Err(e) => (Verdict::Fail(format!("{e:#}")), None),
    }
}

/// The journal and fault settings (a `--faults` file is read and parsed here).
fn traffic(args: &ServeArgs) -> (Verdict, Option<Config>) {
    match args.traffic.config() {
        Ok(config) => (Verdict::Ok(format!("journal of {} entries", config.journal_size)), Some(config)),
        Err(e) => (Verdict::Fail(format!("{e:#}")), None),
    }
}

/// `--upstream`, `--record` and `--replay` (the cassette is read here), when any is given.
fn upstream(args: &ServeArgs) -> Option<Verdict> {
    match args.upstream.config().check() {
        Ok(said) => said.map(Verdict::Ok),
        Err(why) => Some(Verdict::Fail(why)),
    }
}

pub(super) fn describe(location: &Location) -> String {
    match location {
        Location::SqliteFile(path) => format!("SQLite file {}", path.display()),
        Location::Memory => "in-memory SQLite".into(),
        Location::Postgres { url, .. } => format!("PostgreSQL {}", without_password(url)),
    }
}

/// A URL fit to print: `user:secret@` becomes `user:***@`.
fn without_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::without_password;

    #[test]
    fn passwords_are_not_printed() {
        assert_eq!(without_password("postgres://app:s3cret@db/x"), "postgres://app:***@db/x");
        assert_eq!(without_password("postgres://app@db/x"), "postgres://app@db/x");
        assert_eq!(without_password("postgres://db/x"), "postgres://db/x");
    }
}
