//! Store failures, sorted by what the caller can do about them.

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
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
