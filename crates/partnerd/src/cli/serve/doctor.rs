//! `partnerd doctor`: checks a `serve` configuration without serving. It takes serve's flags
//! (and variables), changes nothing (no database is created, migrated or seeded; the port is
//! bound and released at once), prints one line per check and what `serve` would do, and exits
//! 0 when `serve` would start, 1 when it would not.

use std::process::ExitCode;

use partnerd_server::{AppState, AuthConfig, Config, Mode};
use partnerd_store::{Location, SchemaStatus, Store};

use super::ServeArgs;

/// One check's verdict.
enum Verdict {
    Ok(String),
    /// Fine for `serve`, worth knowing (it will change something).
    Note(String),
    /// `serve` would fail.
    Fail(String),
}

pub async fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let location = args.db.location();
    let schema = partnerd_store::inspect(&location).await;
    let checks = [
        ("listen", listen(&args).await),
        ("database", database(&location, &schema)),
        ("token keys", keys(&args).await),
    ];
    let mut failed = false;
    for (name, verdict) in &checks {
        let (tag, text) = match verdict {
            Verdict::Ok(t) => ("ok  ", t),
            Verdict::Note(t) => ("note", t),
            Verdict::Fail(t) => {
                failed = true;
                ("FAIL", t)
            }
        };
        println!("{tag}  {name}: {text}");
    }
    println!();
    println!("serve would:");
    for line in plan(&args, &location, schema.ok().as_ref()) {
        println!("  - {line}");
    }
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// Binds the address and lets it go at once.
async fn listen(args: &ServeArgs) -> Verdict {
    match super::bind(args.listen).await {
        Ok(listener) => {
            let addr = listener.local_addr().map(|a| a.to_string()).unwrap_or_else(|_| args.listen.to_string());
            Verdict::Ok(format!("{addr} is free"))
        }
        Err(e) => Verdict::Fail(format!("{e:#}")),
    }
}

fn database(location: &Location, schema: &Result<SchemaStatus, partnerd_store::StoreError>) -> Verdict {
    let what = describe(location);
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
async fn keys(args: &ServeArgs) -> Verdict {
    let auth = match args.auth.config() {
        Ok(auth) => auth,
        Err(e) => return Verdict::Fail(format!("{e:#}")),
    };
    let development = matches!(auth, AuthConfig::Development);
    if development && args.mode == Mode::Production {
        return Verdict::Fail("--mode production needs --jwt-secret, --jwt-public-key or --jwks".into());
    }
    let scratch = match Store::open(&Location::Memory).await {
        Ok(store) => store,
        Err(e) => return Verdict::Fail(format!("cannot check the keys: {e}")),
    };
    match AppState::new(scratch, Config { auth, ..Config::default() }).await {
        Err(e) => Verdict::Fail(e.to_string()),
        Ok(_) if development => Verdict::Ok("development secret (tokens from `partnerd token` are accepted)".into()),
        Ok(_) => Verdict::Ok("production keys read and valid; development tokens are refused".into()),
    }
}

fn describe(location: &Location) -> String {
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

/// What `serve` would do with these flags and this database.
fn plan(args: &ServeArgs, location: &Location, schema: Option<&SchemaStatus>) -> Vec<String> {
    let has_customers = matches!(schema, Some(SchemaStatus::Existing { has_customers: true, .. }));
    let demo = if args.no_demo {
        "not create demo data (--no-demo)".to_string()
    } else if args.mode == Mode::Production {
        "not create demo data (production mode)".to_string()
    } else if has_customers {
        "not create demo data (the database has customers)".to_string()
    } else {
        format!("create the demo partner {} with {} customers", crate::demo::DEMO_PARTNER, args.demo_customers)
    };
    let mode = match args.mode {
        Mode::Sandbox => "run in sandbox mode (DELETE allowed)",
        Mode::Production => "run in production mode (DELETE answers 403)",
    };
    let control = match (&args.admin_token, args.mode) {
        (Some(_), _) => "serve the control plane /_partnerd/ to requests with the admin token",
        (None, Mode::Sandbox) => "serve the control plane /_partnerd/ to anyone (no --admin-token)",
        (None, Mode::Production) => "not serve the control plane (production mode without --admin-token)",
    };
    let rate = match args.rate_limit {
        Some(n) => format!("allow {n} requests per partner per minute"),
        None => "not throttle (no --rate-limit)".into(),
    };
    vec![
        format!("listen on http://{}", args.listen),
        format!("use {}", describe(location)),
        demo,
        mode.into(),
        control.into(),
        rate,
        format!("keep continuation tokens valid for {}", crate::cli::duration::format(args.continuation_ttl)),
    ]
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
