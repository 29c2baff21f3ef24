//! Keyset paging: a list is the customers of one partner in the total order
//! (sort key, id), and a page is a window of it placed relative to a [`Position`].

use partnerd_model::{Filter, FilterField};

/// The column a list is ordered by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortField {
    /// Folded company name: unfiltered lists, company-name and indirect filters.
    Name,
    /// Folded domain: domain filters.
    Domain,
}

impl SortField {
    /// The order a filter implies (spec §4.3).
    pub fn for_filter(filter: Option<&Filter>) -> SortField {
        match filter.map(|f| f.field) {
            Some(FilterField::Domain) => SortField::Domain,
            _ => SortField::Name,
        }
    }
}

/// A place in the total order: the sort key and id of one customer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Position {
    pub key: String,
    pub id: String,
}

/// Which window of the order a page is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seek {
    /// The first `size` customers.
    First,
    /// The last `size` customers.
    Last,
    /// The `size` customers right after the position.
    After(Position),
    /// The `size` customers right before the position.
    Before(Position),
    /// The `size` customers ending with the position itself (inclusive).
    UpTo(Position),
}

/// One list request as the store sees it.
#[derive(Clone, Debug)]
pub struct ListQuery {
    pub filter: Option<Filter>,
    pub size: usize,
    pub seek: Seek,
}

/// One customer of a page, ready to serve.
#[derive(Clone, Debug)]
pub struct Row {
    pub id: String,
    /// The sort key of this row under the query's [`SortField`].
    pub key: String,
    /// The list projection as canonical JSON.
    pub list_json: String,
}

impl Row {
    pub fn position(&self) -> Position {
        Position { key: self.key.clone(), id: self.id.clone() }
    }
}

/// A page in ascending order, with whether the order goes on either side of it.
#[derive(Clone, Debug, Default)]
pub struct Page {
    pub rows: Vec<Row>,
    pub has_next: bool,
    pub has_prev: bool,
}

/// The half-open range `[lo, hi)` of folded keys that start with `prefix`; `hi` is `None`
/// when no string bounds it (an empty prefix, or one of only U+10FFFF characters).
pub fn prefix_range(prefix: &str) -> (String, Option<String>) {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        if let Some(next) = successor(last) {
            chars.push(next);
            return (prefix.to_string(), Some(chars.into_iter().collect()));
        }
    }
    (prefix.to_string(), None)
}

fn successor(c: char) -> Option<char> {
    let mut n = c as u32 + 1;
    if (0xD800..=0xDFFF).contains(&n) {
        n = 0xE000;
    }
    char::from_u32(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_range_bounds_exactly_the_prefixed_strings() {
        let (lo, hi) = prefix_range("ab");
        let hi = hi.unwrap();
        for s in ["ab", "abz", "ab\u{10FFFF}x", "ab\u{10FFFF}"] {
            assert!(s >= lo.as_str() && s < hi.as_str(), "{s}");
        }
        for s in ["aa", "ac", "b", "a"] {
            assert!(!(s >= lo.as_str() && s < hi.as_str()), "{s}");
        }
        assert_eq!(prefix_range("").1, None);
        assert_eq!(prefix_range("a\u{D7FF}").1.unwrap(), "a\u{E000}");
    }
}
