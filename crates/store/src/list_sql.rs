//! The one keyset-paging query both databases run, written once with numbered placeholders
//! (`?1` for SQLite, `$1` for PostgreSQL).

use partnerd_model::FilterField;

use crate::page::prefix_range;
use crate::{ListQuery, Seek, SortField};

/// A bound value of the list query.
pub(crate) enum Param {
    Text(String),
    Int(i64),
}

pub(crate) struct ListSql {
    pub sql: String,
    pub params: Vec<Param>,
    /// Rows come back in descending order and must be reversed.
    pub descending: bool,
}

/// The database a query is written for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

/// Builds `SELECT id, key, list_json ...` for one page, fetching one row more than the page
/// so the caller learns whether the order goes on in the direction of travel.
pub(crate) fn build(partner: &str, query: &ListQuery, dialect: Dialect) -> ListSql {
    let mark = match dialect {
        Dialect::Sqlite => '?',
        Dialect::Postgres => '$',
    };
    let mut params = vec![Param::Text(partner.to_string())];
    let next = |p: Param, params: &mut Vec<Param>| {
        params.push(p);
        format!("{mark}{}", params.len())
    };
    let key = match SortField::for_filter(query.filter.as_ref()) {
        SortField::Name => "name_key",
        SortField::Domain => "domain_key",
    };
    let indirect = query
        .filter
        .as_ref()
        .is_some_and(|f| matches!(f.field, FilterField::IndirectReseller | FilterField::IndirectCloudSolutionProvider));
    // One reseller's customers are few: range over them and sort, rather than walk every
    // customer in name order testing each (SQLite's guess without statistics).
    let table =
        if indirect && dialect == Dialect::Sqlite { "customers INDEXED BY customers_by_assoc" } else { "customers" };
    let mut sql = format!("SELECT id, {key}, list_json FROM {table} WHERE partner_id = {mark}1");
    let (cmp, descending) = match &query.seek {
        Seek::First => (None, false),
        Seek::Last => (None, true),
        Seek::After(p) => (Some((">", p)), false),
        Seek::Before(p) => (Some(("<", p)), true),
        Seek::UpTo(p) => (Some(("<=", p)), true),
    };
    if let Some(filter) = &query.filter {
        let column = match filter.field {
            FilterField::CompanyName => "name_key",
            FilterField::Domain => "domain_key",
            FilterField::IndirectReseller | FilterField::IndirectCloudSolutionProvider => "assoc_key",
        };
        let (lo, hi) = prefix_range(&filter.folded_value());
        // When the page starts from a position on the filtered column itself, that position
        // (which came from the filtered list) is the tighter bound on its side. SQLite starts
        // its index range at the prefix bound when both are given, scanning up to the
        // position on every deep page, so there the prefix bound on that side is left out.
        // PostgreSQL takes both as index conditions, and without the prefix bound it may
        // prefer a worse index, so it gets both.
        let positioned = dialect == Dialect::Sqlite && cmp.is_some() && column == key;
        let (keep_lower, keep_upper) = (!positioned || descending, !positioned || !descending);
        // An empty prefix matches everything, except that the indirect filters still need an
        // associated partner to be present.
        if (!lo.is_empty() || column == "assoc_key") && keep_lower {
            sql += &format!(" AND {column} >= {}", next(Param::Text(lo), &mut params));
        }
        if let Some(hi) = hi.filter(|_| keep_upper) {
            sql += &format!(" AND {column} < {}", next(Param::Text(hi), &mut params));
        }
    }
    if let Some((op, pos)) = cmp {
        let k = next(Param::Text(pos.key.clone()), &mut params);
        let i = next(Param::Text(pos.id.clone()), &mut params);
        sql += &format!(" AND ({key}, id) {op} ({k}, {i})");
    }
    let dir = if descending { "DESC" } else { "ASC" };
    let rows = query.size as i64 + 1;
    // PostgreSQL sessions keep generic plans (postgres/pool.rs), and a generic plan costs
    // `LIMIT $n` as a tenth of the table, which misjudges the index walk and can cross the JIT
    // threshold; written out, the limit is costed as it is. SQLite's statement cache is small,
    // so it gets one statement for every page size.
    let limit = match dialect {
        Dialect::Postgres => rows.to_string(),
        Dialect::Sqlite => next(Param::Int(rows), &mut params),
    };
    sql += &format!(" ORDER BY {key} {dir}, id {dir} LIMIT {limit}");
    ListSql { sql, params, descending }
}
