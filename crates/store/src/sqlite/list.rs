//! Runs the keyset-paging query on SQLite.

use rusqlite::types::{ToSqlOutput, Type};
use rusqlite::{Connection, ToSql};

use crate::list_sql::{build, Dialect, Param};
use crate::page::PageBuilder;
use crate::{ListQuery, Page};

impl ToSql for Param {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        match self {
            Param::Text(s) => s.to_sql(),
            Param::Int(i) => i.to_sql(),
        }
    }
}

pub fn page(conn: &Connection, partner: &str, query: &ListQuery) -> rusqlite::Result<Page> {
    let q = build(partner, query, Dialect::Sqlite);
    let mut stmt = conn.prepare_cached(&q.sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(q.params.iter()))?;
    let mut page = PageBuilder::new(query);
    while let Some(r) = rows.next()? {
        // Borrowed from SQLite's row buffer and copied once, into the page.
        page.push(text(r, 0)?, text(r, 1)?, text(r, 2)?);
    }
    Ok(page.finish(query, q.descending))
}

/// Column `i` as text, borrowed.
fn text<'r>(row: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<&'r str> {
    row.get_ref(i)?.as_str().map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e)))
}
