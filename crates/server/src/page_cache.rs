//! Customer pages, and customers read by id, kept between requests. Billing platforms poll
//! the same first page, and the same customers, again and again; reading a page of 100 from
//! SQLite and joining its rows costs the server about 570,000 instructions, serving a kept one
//! under a third of that (bench/instructions.sh). A kept customer's document goes out as a
//! buffer every answer shares, which the journal references instead of copying.
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

/// A customer as its read answers it: the stored document, shared by every answer that serves
/// it (so the journal references it rather than copying it), and its etag.
pub(crate) struct KeptCustomer {
    pub doc: Bytes,
    pub etag: String,
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    partner: PartnerId,
    read: Read,
}

/// What was read: a page, or one customer by its (lowercase) id.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Read {
    Page(ListQuery),
    Customer(String),
}

#[derive(Clone)]
enum Value {
    Page(Arc<KeptPage>),
    Customer(Arc<KeptCustomer>),
}

/// A kept read and the store's version when it was read.
type Kept = (u64, Value);

/// Weighs an entry by the bytes it holds, so that the bound is one of memory.
#[derive(Clone)]
struct ByWeight;

/// What an entry costs beyond its strings: the key, the value's fields, the cache's slot.
const ENTRY_OVERHEAD: u64 = 256;

impl Weighter<Key, Kept> for ByWeight {
    fn weight(&self, key: &Key, (_, value): &Kept) -> u64 {
        let position = |p: &Position| p.key.len() + p.id.len();
        let read = match &key.read {
            Read::Page(query) => query.filter.as_ref().map_or(0, |f| f.value.len()),
            Read::Customer(id) => id.len(),
        };
        let kept = match value {
            Value::Page(page) => {
                page.items.len()
                    + page.next.as_ref().map_or(0, position)
                    + page.previous.as_ref().map_or(0, |(p, _)| position(p))
            }
            Value::Customer(customer) => customer.doc.len() + customer.etag.len(),
        };
        (read + kept) as u64 + ENTRY_OVERHEAD
    }
}

/// The kept pages and customers of one server, at most `bytes` of them; none when `bytes` is 0.
pub(crate) struct PageCache(Option<Cache<Key, Kept, ByWeight>>);

/// A page of 100 holds about 60 KB: the number of entries the cache is sized for.
const TYPICAL_PAGE_BYTES: usize = 60_000;

/// Where a read is kept: its key and the store's version before it was read.
struct Slot {
    key: Key,
    version: u64,
}

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
        let slot = self.slot(store, Read::Page(query.clone())).await?;
        if let Some(Value::Page(page)) = self.kept(slot.as_ref(), "partnerd_page_cache_total") {
            return Ok(page);
        }
        let page = Arc::new(KeptPage::of(store.list(query).await?, query));
        self.keep(slot, Value::Page(page.clone()));
        Ok(page)
    }

    /// The customer `id`, as [`PageCache::read`] keeps pages: `None` when the partner has no
    /// such customer (which is not kept).
    pub async fn customer(&self, store: &PartnerStore, id: &str) -> Result<Option<Arc<KeptCustomer>>, StoreError> {
        let slot = self.slot(store, Read::Customer(id.to_string())).await?;
        if let Some(Value::Customer(customer)) = self.kept(slot.as_ref(), "partnerd_customer_cache_total") {
            return Ok(Some(customer));
        }
        let Some(stored) = store.get(id).await? else { return Ok(None) };
        let customer = Arc::new(KeptCustomer { doc: Bytes::from(stored.doc), etag: stored.etag });
        self.keep(slot, Value::Customer(customer.clone()));
        Ok(Some(customer))
    }

    /// Where `read` is kept; `None` when nothing is (no cache, or a store that cannot tell
    /// its version).
    async fn slot(&self, store: &PartnerStore, read: Read) -> Result<Option<Slot>, StoreError> {
        let Some(version) = self.version(store).await? else { return Ok(None) };
        Ok(Some(Slot { key: Key { partner: store.partner().clone(), read }, version }))
    }

    /// What is kept in `slot` while the store is still at its version; `metric` counts the
    /// hits and misses.
    fn kept(&self, slot: Option<&Slot>, metric: &'static str) -> Option<Value> {
        let (cache, slot) = (self.0.as_ref()?, slot?);
        let kept = cache.get(&slot.key).filter(|(kept_at, _)| *kept_at == slot.version).map(|(_, value)| value);
        metrics::counter!(metric, "outcome" => if kept.is_some() { "hit" } else { "miss" }).increment(1);
        kept
    }

    fn keep(&self, slot: Option<Slot>, value: Value) {
        if let (Some(cache), Some(Slot { key, version })) = (&self.0, slot) {
            cache.insert(key, (version, value));
        }
    }

    /// The store's version, asked only when pages are kept at all.
    async fn version(&self, store: &PartnerStore) -> Result<Option<u64>, StoreError> {
        match self.0 {
            Some(_) => store.version().await,
            None => Ok(None),
        }
    }
}
