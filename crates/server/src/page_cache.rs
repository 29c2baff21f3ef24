//! Customer pages kept between requests. Billing platforms poll the same first page again and
//! again; reading a page of 100 from SQLite and joining its rows costs the server about
//! 570,000 instructions, serving a kept one under a third of that (bench/instructions.sh).
//!
//! A page is kept by its partner and query (filter, size and where it starts), beside the
//! store's version when it was read, and served from here only while the store is still at
//! that version: no write has committed since, by this process or another (SQLite's
//! `data_version` sees a `partnerd import` on the same file too). Where the store cannot tell
//! (PostgreSQL, which other instances write to unseen), nothing is kept. What is kept is the
//! page and where its neighbours start, not the answer: the answer's continuation token is
//! sealed afresh every time, so it lives its whole TTL.

use std::sync::Arc;

use bytes::Bytes;
use partnerd_model::PartnerId;
use partnerd_store::{ListQuery, Page, PartnerStore, Position, StoreError};
use quick_cache::sync::Cache;
use quick_cache::Weighter;

/// A page as the list answer needs it.
pub(crate) struct KeptPage {
    /// The rows' list projections, joined with commas: the collection's `items`, shared by
    /// every answer that serves this page.
    pub items: Bytes,
    pub count: usize,
    pub next: Option<Position>,
    pub previous: Option<(Position, bool)>,
}

impl KeptPage {
    fn of(page: Page, query: &ListQuery) -> KeptPage {
        let (next, previous) = page.neighbours(&query.seek);
        let mut items = Vec::with_capacity(page.rows().map(|r| r.list_json.len() + 1).sum());
        for (i, row) in page.rows().enumerate() {
            if i > 0 {
                items.push(b',');
            }
            items.extend_from_slice(row.list_json.as_bytes());
        }
        KeptPage { items: Bytes::from(items), count: page.len(), next, previous }
    }
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    partner: PartnerId,
    query: ListQuery,
}

/// A kept page and the store's version when it was read.
type Kept = (u64, Arc<KeptPage>);

/// Weighs an entry by the bytes it holds, so that the bound is one of memory.
#[derive(Clone)]
struct ByWeight;

/// What an entry costs beyond its strings: the key, the value's fields, the cache's slot.
const ENTRY_OVERHEAD: u64 = 256;

impl Weighter<Key, Kept> for ByWeight {
    fn weight(&self, key: &Key, (_, page): &Kept) -> u64 {
        let position = |p: &Position| p.key.len() + p.id.len();
        let filter = key.query.filter.as_ref().map_or(0, |f| f.value.len());
        let strings = page.items.len()
            + filter
            + page.next.as_ref().map_or(0, position)
            + page.previous.as_ref().map_or(0, |(p, _)| position(p));
        strings as u64 + ENTRY_OVERHEAD
    }
}

/// The kept pages of one server, at most `bytes` of them; none when `bytes` is 0.
pub(crate) struct PageCache(Option<Cache<Key, Kept, ByWeight>>);

/// A page of 100 holds about 60 KB: the number of entries the cache is sized for.
const TYPICAL_PAGE_BYTES: usize = 60_000;

impl PageCache {
    pub fn new(bytes: usize) -> PageCache {
        PageCache(
            (bytes > 0).then(|| Cache::with_weighter((bytes / TYPICAL_PAGE_BYTES).max(8), bytes as u64, ByWeight)),
        )
    }

    /// The page `query` asks for: the kept one while the store is at its version, or a fresh
    /// read, then kept. The version is taken before the read, so a write that commits during
    /// it leaves the kept page behind the store, never ahead of it.
    pub async fn read(&self, store: &PartnerStore, query: &ListQuery) -> Result<Arc<KeptPage>, StoreError> {
        let (Some(cache), Some(version)) = (&self.0, self.version(store).await?) else {
            return Ok(Arc::new(KeptPage::of(store.list(query).await?, query)));
        };
        let key = Key { partner: store.partner().clone(), query: query.clone() };
        if let Some((_, kept)) = cache.get(&key).filter(|(kept_at, _)| *kept_at == version) {
            metrics::counter!("partnerd_page_cache_total", "outcome" => "hit").increment(1);
            return Ok(kept);
        }
        metrics::counter!("partnerd_page_cache_total", "outcome" => "miss").increment(1);
        let kept = Arc::new(KeptPage::of(store.list(query).await?, query));
        cache.insert(key, (version, kept.clone()));
        Ok(kept)
    }

    /// The store's version, asked only when pages are kept at all.
    async fn version(&self, store: &PartnerStore) -> Result<Option<u64>, StoreError> {
        match self.0 {
            Some(_) => store.version().await,
            None => Ok(None),
        }
    }
}
