//! Runs the keyset-paging query on SQLite.

use rusqlite::types::ToSqlOutput;
use rusqlite::{Connection, ToSql};

use crate::list_sql::{build, finish, Dialect, Param};
use crate::{ListQuery, Page, Row};

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
    let rows = stmt
        .query_map(rusqlite::params_from_iter(q.params.iter()), |r| {
            Ok(Row { id: r.get(0)?, key: r.get(1)?, list_json: r.get(2)? })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(finish(rows, query, q.descending))
}
