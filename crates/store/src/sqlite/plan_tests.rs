//! Every list query runs on an index range on SQLite: no table scan, no sort (except the
//! indirect filters, which range over assoc_key and order by name), and a deep filtered page
//! starts its range at the position rather than at the prefix.

use partnerd_model::{Filter, FilterField};
use rusqlite::Connection;

use crate::list_sql::{build, Dialect, Param};
use crate::{ListQuery, Position, Seek};

fn plan(conn: &Connection, query: &ListQuery) -> String {
    let q = build("p", query, Dialect::Sqlite);
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {}", q.sql)).unwrap();
    let params = q.params.iter().map(|p| match p {
        Param::Text(s) => rusqlite::types::Value::Text(s.clone()),
        Param::Int(i) => rusqlite::types::Value::Integer(*i),
    });
    let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| r.get::<_, String>(3)).unwrap();
    rows.map(Result::unwrap).collect::<Vec<_>>().join("\n")
}

fn query(field: Option<FilterField>, seek: Seek) -> ListQuery {
    ListQuery { filter: field.map(|field| Filter { field, value: "con".into() }), size: 100, seek }
}

#[test]
fn list_queries_use_index_ranges() {
    let mut conn = Connection::open_in_memory().unwrap();
    super::migrate::apply(&mut conn).unwrap();
    let at = || Position { key: "contoso".into(), id: "x".into() };
    let cases = [
        (None, Seek::First, "customers_by_name (partner_id=?)"),
        (None, Seek::After(at()), "customers_by_name (partner_id=? AND (name_key,id)>(?,?))"),
        (None, Seek::Before(at()), "customers_by_name (partner_id=? AND (name_key,id)<(?,?))"),
        (Some(FilterField::CompanyName), Seek::First, "customers_by_name (partner_id=? AND name_key>? AND name_key<?)"),
        (
            Some(FilterField::CompanyName),
            Seek::After(at()),
            "customers_by_name (partner_id=? AND (name_key,id)>(?,?) AND name_key<?)",
        ),
        (
            Some(FilterField::CompanyName),
            Seek::Before(at()),
            "customers_by_name (partner_id=? AND name_key>? AND (name_key,id)<(?,?))",
        ),
        (
            Some(FilterField::Domain),
            Seek::After(at()),
            "customers_by_domain (partner_id=? AND (domain_key,id)>(?,?) AND domain_key<?)",
        ),
        (
            Some(FilterField::IndirectReseller),
            Seek::After(at()),
            "customers_by_assoc (partner_id=? AND assoc_key>? AND assoc_key<?)",
        ),
    ];
    for (field, seek, expected) in cases {
        let plan = plan(&conn, &query(field, seek.clone()));
        assert!(plan.contains(&format!("SEARCH customers USING INDEX {expected}")), "{field:?} {seek:?}:\n{plan}");
        assert!(!plan.contains("SCAN customers"), "{plan}");
        let sorts = plan.contains("TEMP B-TREE");
        assert_eq!(sorts, field == Some(FilterField::IndirectReseller), "{field:?} {seek:?}:\n{plan}");
    }
}
