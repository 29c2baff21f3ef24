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
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Position {
    pub key: String,
    pub id: String,
}

/// Which window of the order a page is.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
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
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ListQuery {
    pub filter: Option<Filter>,
    pub size: usize,
    pub seek: Seek,
}

/// One customer of a page, ready to serve, borrowed from its [`Page`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row<'a> {
    pub id: &'a str,
    /// The sort key of this row under the query's [`SortField`].
    pub key: &'a str,
    /// The list projection as canonical JSON.
    pub list_json: &'a str,
}

impl Row<'_> {
    pub fn position(&self) -> Position {
        Position { key: self.key.to_string(), id: self.id.to_string() }
    }
}

/// A page in ascending order, with whether the order goes on either side of it.
///
/// The rows live in one buffer and are read through [`Page::rows`]: a page of 100 is two
/// allocations and one copy out of the database, where a `String` per column was 300 of each
/// and cost as much as the database's own work.
#[derive(Clone, Debug, Default)]
pub struct Page {
    text: String,
    spans: Vec<Span>,
    pub has_next: bool,
    pub has_prev: bool,
}

/// Where one row's columns are in [`Page::text`]: `id`, then `key`, then `list_json`.
#[derive(Clone, Copy, Debug)]
struct Span {
    start: usize,
    id_end: usize,
    key_end: usize,
    end: usize,
}

impl Page {
    /// The rows, in ascending order.
    pub fn rows(&self) -> impl DoubleEndedIterator<Item = Row<'_>> + ExactSizeIterator + '_ {
        self.spans.iter().map(|s| Row {
            id: &self.text[s.start..s.id_end],
            key: &self.text[s.id_end..s.key_end],
            list_json: &self.text[s.key_end..s.end],
        })
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    pub fn first(&self) -> Option<Row<'_>> {
        self.rows().next()
    }

    pub fn last(&self) -> Option<Row<'_>> {
        self.rows().next_back()
    }

    /// Where the next and the previous page start, for the continuation token of this page
    /// read with `seek`: the next after its last row; the previous before its first row, or, for
    /// an empty page past the end, up to the anchor it was asked after (`true`: inclusive).
    pub fn neighbours(&self, seek: &Seek) -> (Option<Position>, Option<(Position, bool)>) {
        let next = self.has_next.then(|| self.last().map(|r| r.position())).flatten();
        let previous = if self.has_prev {
            match (self.first(), seek) {
                (Some(first), _) => Some((first.position(), false)),
                (None, Seek::After(anchor)) => Some((anchor.clone(), true)),
                (None, _) => None,
            }
        } else {
            None
        };
        (next, previous)
    }
}

/// Collects the rows of a page as the database returns them (in travel order, the page size
/// plus one at most) into one buffer; [`PageBuilder::finish`] makes the ascending page.
pub(crate) struct PageBuilder {
    text: String,
    spans: Vec<Span>,
}

/// Bytes reserved per row: a list projection is about 550 bytes, its id and key 60.
const ROW_BYTES: usize = 640;

impl PageBuilder {
    pub fn new(query: &ListQuery) -> PageBuilder {
        let rows = query.size.min(500) + 1;
        PageBuilder { text: String::with_capacity(rows * ROW_BYTES), spans: Vec::with_capacity(rows) }
    }

    pub fn push(&mut self, id: &str, key: &str, list_json: &str) {
        let start = self.text.len();
        self.text.push_str(id);
        let id_end = self.text.len();
        self.text.push_str(key);
        let key_end = self.text.len();
        self.text.push_str(list_json);
        self.spans.push(Span { start, id_end, key_end, end: self.text.len() });
    }

    /// The ascending page of `query`, from rows fetched `descending` or not.
    pub fn finish(self, query: &ListQuery, descending: bool) -> Page {
        let PageBuilder { text, mut spans } = self;
        let more = spans.len() > query.size;
        spans.truncate(query.size);
        if descending {
            spans.reverse();
        }
        let (has_prev, has_next) = match query.seek {
            Seek::First => (false, more),
            Seek::After(_) => (true, more),
            Seek::Last | Seek::UpTo(_) => (more, false),
            Seek::Before(_) => (more, true),
        };
        Page { text, spans, has_next, has_prev }
    }
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
