//! The command line. Every flag can also be set through a `PARTNERD_*` environment variable.

mod address;
mod admin;
mod customers;
mod db;
mod duration;
mod health;
mod import;
mod import_record;
mod migrate;
mod records;
mod seed;
mod serve;
mod state;
mod token;
mod traffic;
mod transport;
mod upstream;
mod users;
mod verify;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "partnerd", version, about = "A self-hostable Partner Center Customers API")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the API server.
    Serve(Box<serve::ServeArgs>),
    /// Check a serve configuration (database, keys, port) without serving or changing anything.
    Doctor(Box<serve::ServeArgs>),
    /// Exit 0 when the server at --listen answers /readyz (for container health checks).
    Health(health::HealthArgs),
    /// Print a development bearer token.
    Token(token::TokenArgs),
    /// Add synthetic customers to a partner.
    Seed(seed::SeedArgs),
    /// Import customers from a JSON array or JSON lines file.
    Import(import::ImportArgs),
    /// Export or import every stored customer as snapshot lines (the format of /_partnerd/snapshot).
    State(state::StateArgs),
    /// Apply the database migrations and exit.
    Migrate(migrate::MigrateArgs),
    /// Use the Customers API of a partnerd or of Partner Center.
    Customers(customers::CustomersArgs),
    /// Drive a running partnerd's control plane: reset, seed, snapshots, requests, faults, clock.
    Admin(admin::AdminArgs),
    /// Compare a Partner Center (or any upstream) with partnerd, read-only, and report every difference.
    Verify(Box<verify::VerifyArgs>),
    /// A customer's users and their licenses: list, get, create, delete, restore, licenses.
    Users(users::UsersArgs),
}

impl Cli {
    /// The log format `serve --log-format` asks for; text for every other command.
    pub fn log_format(&self) -> crate::logging::LogFormat {
        match &self.command {
            Command::Serve(args) => args.log_format,
            _ => crate::logging::LogFormat::default(),
        }
    }

    /// Whether this command is the server, whose log lines are written in batches.
    pub fn serves(&self) -> bool {
        matches!(self.command, Command::Serve(_))
    }

    /// The log filter without PARTNERD_LOG or RUST_LOG: `verify` keeps the request lines of the
    /// partnerd it starts out of its report.
    pub fn default_log_filter(&self) -> &'static str {
        match &self.command {
            Command::Verify(_) => "partnerd=info,partnerd_server=error",
            _ => "partnerd=info,partnerd_server=info",
        }
    }

    pub async fn run(self) -> anyhow::Result<ExitCode> {
        match self.command {
            Command::Serve(args) => serve::run(*args).await,
            Command::Doctor(args) => serve::doctor::run(*args).await,
            Command::Health(args) => health::run(args).await,
            Command::Token(args) => token::run(args),
            Command::Seed(args) => seed::run(args).await,
            Command::Import(args) => import::run(args).await,
            Command::State(args) => state::run(args).await,
            Command::Migrate(args) => migrate::run(args).await,
            Command::Customers(args) => customers::run(args).await,
            Command::Admin(args) => admin::run(args).await,
            Command::Verify(args) => verify::run(*args).await,
            Command::Users(args) => users::run(args).await,
        }
    }
}
