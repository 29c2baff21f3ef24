//! `partnerd serve`: the API server.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use partnerd_model::PartnerId;
use partnerd_server::{AppState, AuthConfig, Config, ControlPlane, KeyConfig, Mode};

mod banner;
pub(super) mod doctor;
mod preflight;
mod ready;

use super::db::DbArgs;
use crate::demo::DEMO_PARTNER;

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "PARTNERD_LISTEN", default_value = "127.0.0.1:8080", value_parser = super::address::parse)]
    listen: SocketAddr,
    #[command(flatten)]
    db: DbArgs,
    /// How many demo customers to create on an empty database (sandbox mode only).
    #[arg(long, env = "PARTNERD_DEMO_CUSTOMERS", default_value_t = 250)]
    demo_customers: u64,
    /// Do not create the demo partner's customers on an empty database.
    #[arg(long, env = "PARTNERD_NO_DEMO")]
    no_demo: bool,
    /// How long continuation tokens stay valid (at least 24h is what clients expect).
    #[arg(long, env = "PARTNERD_CONTINUATION_TTL", default_value = "24h", value_parser = super::duration::parse)]
    continuation_ttl: Duration,
    /// The most memory, in MiB, for customer pages and customers read by id kept between
    /// requests (served again while no write has committed; SQLite only); 0 keeps none.
    #[arg(long, env = "PARTNERD_PAGE_CACHE_MIB", default_value_t = 4)]
    page_cache_mib: usize,
    /// sandbox: customers may be deleted; production: DELETE answers 403.
    #[arg(long, env = "PARTNERD_MODE", default_value = "sandbox", value_parser = parse_mode)]
    mode: Mode,
    /// In sandbox mode, refuse creates past this many customers per partner (the integration sandbox allows 75).
    #[arg(long, env = "PARTNERD_SANDBOX_CUSTOMER_LIMIT")]
    sandbox_customer_limit: Option<u64>,
    /// Requests per minute per partner on this instance (Partner Center publishes 500 for
    /// customers); over it, 429 with Retry-After. Off when not given.
    #[arg(long, env = "PARTNERD_RATE_LIMIT", value_parser = clap::value_parser!(u32).range(1..))]
    rate_limit: Option<u32>,
    /// Bearer token the control plane (/_partnerd/) demands. Without one the control plane is
    /// open in sandbox mode and absent in production mode.
    #[arg(long, env = "PARTNERD_ADMIN_TOKEN")]
    admin_token: Option<String>,
    /// What the control plane offers: off, observe (the journal, guidance, stats, the console;
    /// reads only) or full (also reset, seed, snapshot restore, faults, the clock). Default:
    /// full in sandbox mode; in production observe with --admin-token, off without. The test
    /// controls exist in production only with `full`, and only behind --admin-token.
    #[arg(long, env = "PARTNERD_CONTROL_PLANE", value_parser = parse_control_plane)]
    control_plane: Option<ControlPlane>,
    /// Serve /metrics to anyone, without the admin token, in production too (for a scraper
    /// on a private network). Without it, /metrics is behind --admin-token when one is set,
    /// and absent in production without one.
    #[arg(long, env = "PARTNERD_PUBLIC_METRICS")]
    public_metrics: bool,
    #[command(flatten)]
    traffic: super::traffic::TrafficArgs,
    #[command(flatten)]
    auth: AuthArgs,
    #[command(flatten)]
    transport: super::transport::TransportArgs,
    #[command(flatten)]
    upstream: super::upstream::UpstreamArgs,
    /// Once ready, write the bound address, URL, a demo-partner token and the pid to this JSON
    /// file (removed on shutdown), for test fixtures that start `--listen 127.0.0.1:0`.
    #[arg(long, env = "PARTNERD_READY_FILE", value_name = "PATH")]
    ready_file: Option<std::path::PathBuf>,
    /// Log lines as text or as one JSON object per line (filter with PARTNERD_LOG or RUST_LOG).
    #[arg(long, env = "PARTNERD_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: crate::logging::LogFormat,
}

fn parse_control_plane(s: &str) -> Result<ControlPlane, String> {
    match s.to_ascii_lowercase().as_str() {
        "off" => Ok(ControlPlane::Off),
        "observe" => Ok(ControlPlane::Observe),
        "full" => Ok(ControlPlane::Full),
        _ => Err(format!("'{s}' is not off, observe or full")),
    }
}

fn parse_mode(s: &str) -> Result<Mode, String> {
    match s.to_ascii_lowercase().as_str() {
        "sandbox" => Ok(Mode::Sandbox),
        "production" => Ok(Mode::Production),
        _ => Err(format!("'{s}' is not sandbox or production")),
    }
}

/// Production token verification; without any of these the development secret is accepted.
#[derive(Args)]
struct AuthArgs {
    /// HS256 shared secret (at least 32 bytes) for production tokens.
    #[arg(long, env = "PARTNERD_JWT_SECRET", conflicts_with_all = ["jwt_public_key", "jwks"])]
    jwt_secret: Option<String>,
    /// PEM file with the RSA (RS256) or EC P-256 (ES256) public key of production tokens.
    #[arg(long, env = "PARTNERD_JWT_PUBLIC_KEY", conflicts_with = "jwks")]
    jwt_public_key: Option<std::path::PathBuf>,
    /// JWKS file (RS256/ES256 keys, chosen by the token's kid), as your identity provider publishes it.
    #[arg(long, env = "PARTNERD_JWKS")]
    jwks: Option<std::path::PathBuf>,
    /// The `iss` production tokens must carry.
    #[arg(long, env = "PARTNERD_JWT_ISSUER")]
    jwt_issuer: Option<String>,
    /// The `aud` production tokens must carry.
    #[arg(long, env = "PARTNERD_JWT_AUDIENCE", default_value = partnerd_server::DEV_AUDIENCE)]
    jwt_audience: String,
}

impl AuthArgs {
    fn config(&self) -> anyhow::Result<AuthConfig> {
        let read = |path: &std::path::PathBuf| {
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
        };
        let key = match (&self.jwt_secret, &self.jwt_public_key, &self.jwks) {
            (Some(secret), _, _) => KeyConfig::Hs256Secret(secret.clone()),
            (None, Some(path), _) => KeyConfig::PublicKeyPem(read(path)?),
            (None, None, Some(path)) => KeyConfig::Jwks(read(path)?),
            (None, None, None) => return Ok(AuthConfig::Development),
        };
        let issuer = self.jwt_issuer.clone().context("--jwt-issuer is required with production keys")?;
        Ok(AuthConfig::Production { key, issuer, audience: self.jwt_audience.clone() })
    }
}

pub async fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    // Every check before anything changes: a taken port or a bad key file is found before any
    // database is created, migrated or seeded, and all problems are reported at once.
    let preflight::Ready { listener, auth, serve_config, traffic } = preflight::Preflight::run(&args).await.ready()?;
    let development = matches!(auth, AuthConfig::Development);
    let store = args.db.open_for_serving().await?;
    let demo = PartnerId::parse(DEMO_PARTNER).expect("demo partner is a GUID");
    // Demo data is a sandbox thing: in production its domains would be taken for every partner,
    // by customers that production cannot delete.
    if args.mode == Mode::Sandbox && !args.no_demo && store.offline().is_empty().await? {
        let added = super::seed::seed(&store.offline().for_partner(&demo), args.demo_customers, 7).await?;
        banner::demo_created(DEMO_PARTNER, added);
    }
    let admin_token_required = args.admin_token.is_some();
    let config = Config {
        auth,
        continuation_ttl: args.continuation_ttl,
        page_cache_bytes: args.page_cache_mib.saturating_mul(1024 * 1024),
        mode: args.mode,
        sandbox_customer_limit: args.sandbox_customer_limit,
        rate_limit_per_minute: args.rate_limit,
        admin_token: args.admin_token,
        control_plane: args.control_plane,
        public_metrics: args.public_metrics,
        upstream: args.upstream.config(),
        ..traffic
    };
    let control_plane = config.control_plane();
    let upstream = config.upstream.clone();
    let state = AppState::new(store, config).await?;
    partnerd_server::spawn_purger(&state);
    let addr = listener.local_addr()?;
    let scheme = if serve_config.tls.is_some() { "https" } else { "http" };
    const DEMO_TOKEN_TTL: Duration = Duration::from_secs(24 * 3600);
    let demo_token = development.then(|| partnerd_server::mint_dev_token(&demo, DEMO_TOKEN_TTL));
    let console = control_plane != ControlPlane::Off;
    if let Some(tls) = &serve_config.tls {
        super::transport::reload_on_sighup(tls.clone());
    }
    let app = partnerd_server::build_app_with(state.clone(), &serve_config);
    // The signals are taken before the banner and the ready file announce the server, so a
    // SIGTERM sent as soon as either appears stops the server gracefully (and removes the file).
    let signalled = partnerd_server::shutdown_signal()?;
    banner::listening(scheme, addr, console, demo_token.as_deref());
    banner::upstream(&upstream);
    let shutdown = async move {
        signalled.await;
        state.end_live_streams();
    };
    let ready_file = match &args.ready_file {
        Some(path) => Some(ready::ReadyFile::write(
            path,
            &ready::Ready {
                addr,
                scheme,
                mode: if args.mode == Mode::Production { "production" } else { "sandbox" },
                control_plane: console,
                admin_token_required,
                demo_partner: DEMO_PARTNER,
                token: demo_token.map(|t| (t, DEMO_TOKEN_TTL)),
            },
        )?),
        None => None,
    };
    partnerd_server::serve_with(listener, app, serve_config, shutdown).await?;
    drop(ready_file);
    banner::stopped();
    Ok(ExitCode::SUCCESS)
}

/// Binds the listen address; a refusal names the flag that picks another.
pub(super) async fn bind(addr: SocketAddr) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        let why = if e.kind() == std::io::ErrorKind::AddrInUse { "the port is taken" } else { "cannot listen there" };
        anyhow::anyhow!("binding {addr}: {e} ({why}: choose another address with --listen, e.g. --listen 127.0.0.1:0 for any free port)")
    })
}
