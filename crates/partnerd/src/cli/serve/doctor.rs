//! `partnerd doctor`: checks a `serve` configuration without serving. It takes serve's flags
//! (and variables), changes nothing (no database is created, migrated or seeded; the port is
//! bound and released at once), prints one line per check and what `serve` would do, and exits
//! 0 when `serve` would start, 1 when it would not.

use std::process::ExitCode;

use partnerd_server::{Config, ControlPlane, Mode};
use partnerd_store::{Location, SchemaStatus};

use super::preflight::{describe, name, Preflight, Verdict};
use super::ServeArgs;

pub async fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let checked = Preflight::run(&args).await;
    for (name, verdict) in &checked.checks {
        let (tag, text) = match verdict {
            Verdict::Ok(t) => ("ok  ", t),
            Verdict::Note(t) => ("note", t),
            Verdict::Fail(t) => ("FAIL", t),
        };
        println!("{tag}  {name}: {text}");
    }
    println!();
    println!("serve would:");
    for line in plan(&args, &args.db.location(), checked.schema.as_ref()) {
        println!("  - {line}");
    }
    Ok(if checked.failed() { ExitCode::FAILURE } else { ExitCode::SUCCESS })
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
    let plane = Config {
        mode: args.mode,
        admin_token: args.admin_token.clone(),
        control_plane: args.control_plane,
        ..Config::default()
    }
    .control_plane();
    let control = match (plane, &args.admin_token) {
        (ControlPlane::Off, _) => "not serve the control plane".to_string(),
        (plane, Some(_)) => {
            format!("serve the control plane /_partnerd/ ({}) to requests with the admin token", name(plane))
        }
        (plane, None) => format!("serve the control plane /_partnerd/ ({}) to anyone (no --admin-token)", name(plane)),
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
        control,
        rate,
        format!("keep continuation tokens valid for {}", crate::cli::duration::format(args.continuation_ttl)),
    ]
}
