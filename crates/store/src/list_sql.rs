//! The one keyset-paging query both databases run, written once with numbered placeholders
//! (`?1` for SQLite, `$1` for PostgreSQL).

use partnerd_model::FilterField;

use crate::page::prefix_range;
use crate::{ListQuery, Page, Row, Seek, SortField};

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

/// Builds `SELECT id, key, list_json ...` for one page, fetching one row more than the page
/// so the caller learns whether the order goes on in the direction of travel.
pub(crate) fn build(partner: &str, query: &ListQuery, mark: char) -> ListSql {
    let mut params = vec![Param::Text(partner.to_string())];
    let next = |p: Param, params: &mut Vec<Param>| {
        params.push(p);
        format!("{mark}{}", params.len())
    };
    let key = match SortField::for_filter(query.filter.as_ref()) {
        SortField::Name => "name_key",
        SortField::Domain => "domain_key",
    };
    let mut sql = format!("SELECT id, {key}, list_json FROM customers WHERE partner_id = {mark}1");
    if let Some(filter) = &query.filter {
        let column = match filter.field {
            FilterField::CompanyName => "name_key",
            FilterField::Domain => "domain_key",
            FilterField::IndirectReseller | FilterField::IndirectCloudSolutionProvider => {
                "assoc_key"
            }
        };
        let (lo, hi) = prefix_range(&filter.folded_value());
        // An empty prefix matches everything, except that the indirect filters still need an
        // associated partner to be present.
        if !lo.is_empty() || column == "assoc_key" {
            sql += &format!(" AND {column} >= {}", next(Param::Text(lo), &mut params));
        }
        if let Some(hi) = hi {
            sql += &format!(" AND {column} < {}", next(Param::Text(hi), &mut params));
        }
    }
    let (cmp, descending) = match &query.seek {
        Seek::First => (None, false),
        Seek::Last => (None, true),
        Seek::After(p) => (Some((">", p)), false),
        Seek::Before(p) => (Some(("<", p)), true),
        Seek::UpTo(p) => (Some(("<=", p)), true),
    };
    if let Some((op, pos)) = cmp {
        let k = next(Param::Text(pos.key.clone()), &mut params);
        let i = next(Param::Text(pos.id.clone()), &mut params);
        sql += &format!(" AND ({key}, id) {op} ({k}, {i})");
    }
    let dir = if descending { "DESC" } else { "ASC" };
    let limit = next(Param::Int(query.size as i64 + 1), &mut params);
    sql += &format!(" ORDER BY {key} {dir}, id {dir} LIMIT {limit}");
    ListSql {
        sql,
        params,
        descending,
    }
}

/// Turns the fetched rows (page size + 1 at most, in travel order) into an ascending page.
pub(crate) fn finish(mut rows: Vec<Row>, query: &ListQuery, descending: bool) -> Page {
    let more = rows.len() > query.size;
    rows.truncate(query.size);
    if descending {
        rows.reverse();
    }
    let (has_prev, has_next) = match query.seek {
        Seek::First => (false, more),
        Seek::After(_) => (true, more),
        Seek::Last | Seek::UpTo(_) => (more, false),
        Seek::Before(_) => (more, true),
    };
    Page {
        rows,
        has_next,
        has_prev,
    }
}
