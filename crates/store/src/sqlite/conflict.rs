//! Which uniqueness rule of the customers table an SQLite error reports as broken.
//!
//! SQLite has no API that names the constraint behind a UNIQUE or PRIMARY KEY violation (there
//! is no equivalent of PostgreSQL's `constraint` field). What it gives is:
//! - the extended result code, `SQLITE_CONSTRAINT_UNIQUE` (a UNIQUE index or constraint) or
//!   `SQLITE_CONSTRAINT_PRIMARYKEY`, which separates uniqueness from NOT NULL, CHECK or foreign
//!   key failures (the primary code, `SQLITE_CONSTRAINT`, is the same for all of them);
//! - the message, written by one function of SQLite (`sqlite3UniqueConstraint`) in one fixed
//!   form for an index on columns: `UNIQUE constraint failed: ` and the index's columns as
//!   `table.column`, comma-separated, in index order. (An index on expressions is reported as
//!   `index 'name'` instead; the customers table has none.)
//!
//! So the rule is identified by the whole column list of its index, compared exactly, after
//! the extended code says it is a uniqueness failure: not by searching the message for a
//! word. Each unique index of `customers` has its own column list, and `schema_tests` checks
//! [`columns`] against the live schema's unique indexes, so a new or changed one cannot go
//! unmapped.

use rusqlite::ffi;

use crate::Conflict;

/// The columns of the rule's unique index in the SQLite schema, as SQLite lists them.
pub(crate) fn columns(conflict: Conflict) -> &'static str {
    match conflict {
        // CREATE UNIQUE INDEX customers_domain_unique ON customers (domain_key)
        Conflict::Domain => "customers.domain_key",
        // `id TEXT NOT NULL UNIQUE`: the table's automatic index.
        Conflict::Id => "customers.id",
    }
}

const PREFIX: &str = "UNIQUE constraint failed: ";

/// The rule `e` reports as broken, if it is a uniqueness failure of the customers table.
pub(crate) fn conflict(e: &rusqlite::Error) -> Option<Conflict> {
    let rusqlite::Error::SqliteFailure(failure, Some(message)) = e else { return None };
    if !matches!(failure.extended_code, ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY) {
        return None;
    }
    let listed = message.strip_prefix(PREFIX)?;
    Conflict::ALL.into_iter().find(|c| columns(*c) == listed)
}

#[cfg(test)]
mod schema_tests {
    use rusqlite::{params, Connection};

    use super::*;

    fn migrated() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::migrate::apply(&mut conn).unwrap();
        conn
    }

    /// Every unique index of `customers`, with its columns as SQLite lists them.
    fn unique_indexes(conn: &Connection) -> Vec<(String, String)> {
        let mut list = conn.prepare("SELECT name, \"unique\" FROM pragma_index_list('customers')").unwrap();
        let indexes: Vec<(String, bool)> =
            list.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
        let mut found: Vec<(String, String)> = indexes
            .into_iter()
            .filter(|(_, unique)| *unique)
            .map(|(name, _)| {
                let mut info = conn.prepare("SELECT name FROM pragma_index_info(?1) ORDER BY seqno").unwrap();
                let cols: Vec<String> =
                    info.query_map([&name], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap).collect();
                let listed = cols.iter().map(|c| format!("customers.{c}")).collect::<Vec<_>>().join(", ");
                (name, listed)
            })
            .collect();
        found.sort();
        found
    }

    #[test]
    fn every_unique_index_maps_to_one_rule() {
        let conn = migrated();
        let indexes = unique_indexes(&conn);
        let mut mapped: Vec<&str> = Conflict::ALL.into_iter().map(columns).collect();
        let mut live: Vec<&str> = indexes.iter().map(|(_, cols)| cols.as_str()).collect();
        mapped.sort_unstable();
        live.sort_unstable();
        assert_eq!(mapped, live, "unique indexes: {indexes:?}");
        assert!(indexes.contains(&("customers_domain_unique".into(), columns(Conflict::Domain).into())));
    }

    #[test]
    fn each_broken_rule_is_recognised_and_nothing_else_is() {
        let conn = migrated();
        let insert = |id: &str, domain: &str| {
            conn.execute(
                "INSERT INTO customers (id, partner_id, name_key, domain_key, etag, doc, list_json, created_at) \
                 VALUES (?1, 'p', 'n', ?2, 'e', '{}', '{}', 0)",
                params![id, domain],
            )
        };
        insert("a", "one").unwrap();
        assert_eq!(conflict(&insert("b", "one").unwrap_err()), Some(Conflict::Domain));
        assert_eq!(conflict(&insert("a", "two").unwrap_err()), Some(Conflict::Id));
        // Both taken: SQLite reports one of them, and it is one of the two.
        assert!(conflict(&insert("a", "one").unwrap_err()).is_some());
        // Other constraint failures are no conflict.
        let null = conn
            .execute("INSERT INTO customers (id, partner_id) VALUES ('c', NULL)", [])
            .expect_err("partner_id is NOT NULL");
        assert_eq!(null.sqlite_error_code(), Some(rusqlite::ErrorCode::ConstraintViolation));
        assert_eq!(conflict(&null), None);
        // A uniqueness failure of another table is no conflict of customers.
        conn.execute("INSERT INTO settings (name, value) VALUES ('x', 1)", []).unwrap();
        let other = conn.execute("INSERT INTO settings (name, value) VALUES ('x', 2)", []).unwrap_err();
        assert_eq!(conflict(&other), None);
    }
}
