//! Store failures, sorted by what the caller can do about them.

/// Why a store operation failed.
#[derive(Clone, Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached or is overloaded right now; retrying later may work
    /// (the server answers 503 with `Retry-After`).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A write broke one of the customers table's uniqueness rules; nothing was changed.
    #[error("{0}")]
    Conflict(Conflict),
    /// Anything else: a bug or a corrupt database.
    #[error("database error: {0}")]
    Internal(String),
}

/// The uniqueness rules of the customers table, one per unique index, the same on both stores.
/// Each store reports the broken rule by its index (never by the wording of a message):
/// PostgreSQL by constraint name, SQLite by the index's columns (see `sqlite::conflict`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    /// A customer with this domain exists, for this partner or another (domains are unique
    /// across partners, spec §10).
    #[error("domain already taken")]
    Domain,
    /// A customer with this id exists.
    #[error("customer id already taken")]
    Id,
}

impl Conflict {
    pub(crate) const ALL: [Conflict; 2] = [Conflict::Domain, Conflict::Id];

    /// The name of the rule's constraint in the PostgreSQL schema.
    pub(crate) fn postgres_constraint(self) -> &'static str {
        match self {
            Conflict::Domain => "customers_domain_unique",
            Conflict::Id => "customers_pkey",
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::*;
        if let Some(conflict) = crate::sqlite::conflict(&e) {
            return StoreError::Conflict(conflict);
        }
        match e.sqlite_error_code() {
            Some(DatabaseBusy | DatabaseLocked | CannotOpen | DiskFull) => StoreError::Unavailable(e.to_string()),
            _ => StoreError::Internal(e.to_string()),
        }
    }
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        if let Some(db) = e.as_db_error() {
            let code = db.code();
            let conflict = Conflict::ALL.into_iter().find(|c| db.constraint() == Some(c.postgres_constraint()));
            return match conflict {
                Some(conflict) if *code == tokio_postgres::error::SqlState::UNIQUE_VIOLATION => {
                    StoreError::Conflict(conflict)
                }
                _ if transient_sqlstate(code.code()) => StoreError::Unavailable(db.to_string()),
                _ => StoreError::Internal(db.to_string()),
            };
        }
        let detail = error_chain(&e);
        // What is left without a server error: the connection broke, could not be opened, or
        // timed out (all worth a retry), or a bug such as a type mismatch.
        if e.is_closed() || has_io_cause(&e) || detail.starts_with("timeout") {
            StoreError::Unavailable(detail)
        } else {
            StoreError::Internal(detail)
        }
    }
}

/// SQLSTATEs after which the same request can succeed later: connection exceptions (08),
/// insufficient resources (53: too many connections, disk full, out of memory), the server
/// shutting down, restarting or terminating this session (57P0x), a cancelled statement
/// (57014), and serialization failures, deadlocks and lock timeouts (40001, 40P01, 55P03).
fn transient_sqlstate(code: &str) -> bool {
    code.starts_with("08")
        || code.starts_with("53")
        || code.starts_with("57P0")
        || matches!(code, "57014" | "40001" | "40P01" | "55P03")
}

fn has_io_cause(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = e.source();
    while let Some(c) = cause {
        if c.is::<std::io::Error>() {
            return true;
        }
        cause = c.source();
    }
    false
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text += &format!(": {c}");
        cause = c.source();
    }
    text
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        use deadpool_postgres::PoolError;
        match e {
            PoolError::Backend(e) => e.into(),
            PoolError::Timeout(_) | PoolError::Closed => StoreError::Unavailable(e.to_string()),
            PoolError::NoRuntimeSpecified | PoolError::PostCreateHook(_) => StoreError::Internal(e.to_string()),
        }
    }
}
