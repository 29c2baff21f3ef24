//! Store failures, sorted by what the caller can do about them.

/// Why a store operation failed.
#[derive(Clone, Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached or is overloaded right now; retrying later may work
    /// (the server answers 503 with `Retry-After`).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A customer with this domain already exists (for any partner).
    #[error("domain already taken")]
    DomainTaken,
    /// Anything else: a bug or a corrupt database.
    #[error("database error: {0}")]
    Internal(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::*;
        match e.sqlite_error_code() {
            Some(ConstraintViolation) if e.to_string().contains("domain_key") => StoreError::DomainTaken,
            Some(DatabaseBusy | DatabaseLocked | CannotOpen | DiskFull) => StoreError::Unavailable(e.to_string()),
            _ => StoreError::Internal(e.to_string()),
        }
    }
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        if let Some(db) = e.as_db_error() {
            let code = db.code().code();
            return if code == "23505" && matches!(db.constraint(), Some("customers_domain_unique" | "customers_pkey")) {
                StoreError::DomainTaken
            } else if transient_sqlstate(code) {
                StoreError::Unavailable(db.to_string())
            } else {
                StoreError::Internal(db.to_string())
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
