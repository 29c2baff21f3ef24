//! PostgreSQL store (issue 4): not implemented yet.

use std::sync::Arc;

use crate::{Backend, StoreError};

pub async fn connect(_url: &str, _pool_size: usize) -> Result<Arc<dyn Backend>, StoreError> {
    Err(StoreError::Internal("PostgreSQL support is not built yet".into()))
}
