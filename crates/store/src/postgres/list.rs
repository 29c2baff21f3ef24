//! Runs the keyset-paging query on PostgreSQL.

use tokio_postgres::types::ToSql;

use super::pool::Client;
use crate::list_sql::{build, Dialect, Param};
use crate::page::PageBuilder;
use crate::{ListQuery, Page, StoreError};

/// The bound value as PostgreSQL takes it: text, or `INT8` (the type `LIMIT` infers).
pub(crate) fn param(p: &Param) -> &(dyn ToSql + Sync) {
    match p {
        Param::Text(s) => s,
        Param::Int(i) => i,
    }
}

/// How many statements a connection keeps prepared before it forgets them all. A list
/// statement spells out its page size (see `list_sql::build`), so a client going through every
/// size would otherwise leave thousands of prepared statements, and their plans, in each
/// PostgreSQL backend; the few a connection really uses are prepared again at their next use.
const MAX_CACHED_STATEMENTS: usize = 256;

/// One page. PostgreSQL text cannot hold NUL, so no stored key contains one and a filter
/// value with a NUL matches nothing: answered here, where the database would refuse the
/// parameter outright.
pub async fn page(client: &Client, partner: &str, query: &ListQuery) -> Result<Page, StoreError> {
    let q = build(partner, query, Dialect::Postgres);
    if q.params.iter().any(|p| matches!(p, Param::Text(s) if s.contains('\0'))) {
        return Ok(PageBuilder::new(query).finish(query, q.descending));
    }
    if client.statement_cache.size() >= MAX_CACHED_STATEMENTS {
        client.statement_cache.clear();
    }
    let stmt = client.prepare_cached(&q.sql).await?;
    let params: Vec<_> = q.params.iter().map(param).collect();
    let mut page = PageBuilder::new(query);
    for r in client.query(&stmt, &params).await? {
        page.push(r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
    }
    Ok(page.finish(query, q.descending))
}
