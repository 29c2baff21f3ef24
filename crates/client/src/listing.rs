//! Listing customers (operation 1): the query, single pages, and streams that walk every
//! page by following `links.next` with the headers it carries.

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use partnerd_model::{Collection, Customer, Filter, FilterField, Link};
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Method, Url};

use crate::links::resolve;
use crate::transport::Call;
use crate::{Client, Error};

/// One page of customers as the server sent it; `links.next` leads to the following one.
///
/// ```
/// let page: partnerd_client::Page = serde_json::from_str(r#"{"totalCount": 0, "items": []}"#).unwrap();
/// assert!(page.links.next.is_none());
/// ```
pub type Page = Collection<Customer>;

/// Every customer of a walk, page after page; an error ends it.
///
/// ```no_run
/// # async fn demo(client: partnerd_client::Client) -> Result<(), partnerd_client::Error> {
/// use futures::TryStreamExt;
/// let stream: partnerd_client::CustomerStream = client.list(&Default::default());
/// let all: Vec<_> = stream.try_collect().await?;
/// # let _ = all;
/// # Ok(()) }
/// ```
pub type CustomerStream = BoxStream<'static, Result<Customer, Error>>;

/// Every page of a walk; an error ends it.
///
/// ```no_run
/// # async fn demo(client: partnerd_client::Client) -> Result<(), partnerd_client::Error> {
/// use futures::TryStreamExt;
/// let mut pages: partnerd_client::PageStream = client.pages(&Default::default());
/// while let Some(page) = pages.try_next().await? {
///     println!("{} customers", page.items.len());
/// }
/// # Ok(()) }
/// ```
pub type PageStream = BoxStream<'static, Result<Page, Error>>;

/// What to list: the page size and at most one filter (spec §4).
///
/// ```
/// use partnerd_client::ListQuery;
/// let q = ListQuery::new().size(100).company_name_starts_with("Contoso");
/// assert_eq!(q.size, Some(100));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// Customers per page; the server's default (500, also its maximum) when `None`.
    pub size: Option<u32>,
    /// A case-insensitive prefix filter on one field.
    pub filter: Option<Filter>,
}

impl ListQuery {
    /// Every customer, in pages of the server's default size.
    ///
    /// ```
    /// assert_eq!(partnerd_client::ListQuery::new(), Default::default());
    /// ```
    pub fn new() -> ListQuery {
        ListQuery::default()
    }

    /// Sets the page size.
    ///
    /// ```
    /// assert_eq!(partnerd_client::ListQuery::new().size(50).size, Some(50));
    /// ```
    pub fn size(mut self, size: u32) -> ListQuery {
        self.size = Some(size);
        self
    }

    /// Only customers whose company name starts with `prefix` (case-insensitively).
    ///
    /// ```
    /// use partnerd_model::FilterField;
    /// let q = partnerd_client::ListQuery::new().company_name_starts_with("cont");
    /// assert_eq!(q.filter.unwrap().field, FilterField::CompanyName);
    /// ```
    pub fn company_name_starts_with(self, prefix: impl Into<String>) -> ListQuery {
        self.filter(FilterField::CompanyName, prefix)
    }

    /// Only customers whose initial domain starts with `prefix`.
    ///
    /// ```
    /// use partnerd_model::FilterField;
    /// let q = partnerd_client::ListQuery::new().domain_starts_with("contoso");
    /// assert_eq!(q.filter.unwrap().field, FilterField::Domain);
    /// ```
    pub fn domain_starts_with(self, prefix: impl Into<String>) -> ListQuery {
        self.filter(FilterField::Domain, prefix)
    }

    /// Only customers associated with this indirect reseller (its tenant GUID).
    ///
    /// ```
    /// use partnerd_model::FilterField;
    /// let q = partnerd_client::ListQuery::new().indirect_reseller("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
    /// assert_eq!(q.filter.unwrap().field, FilterField::IndirectReseller);
    /// ```
    pub fn indirect_reseller(self, reseller_id: impl Into<String>) -> ListQuery {
        self.filter(FilterField::IndirectReseller, reseller_id)
    }

    /// Filters on any field; replaces an earlier filter.
    ///
    /// ```
    /// use partnerd_model::FilterField;
    /// let q = partnerd_client::ListQuery::new().filter(FilterField::IndirectCloudSolutionProvider, "3f2504e0-4f89-11d3-9a0c-0305e82c3301");
    /// assert!(q.filter.is_some());
    /// ```
    pub fn filter(mut self, field: FilterField, value: impl Into<String>) -> ListQuery {
        self.filter = Some(Filter { field, value: value.into() });
        self
    }

    /// Adds `size` and the JSON `filter` to the first page's URL.
    fn apply(&self, url: &mut Url) {
        if self.size.is_none() && self.filter.is_none() {
            return;
        }
        let mut pairs = url.query_pairs_mut();
        if let Some(size) = self.size {
            pairs.append_pair("size", &size.to_string());
        }
        if let Some(f) = &self.filter {
            let json = serde_json::json!({"Field": f.field.as_str(), "Value": f.value, "Operator": "starts_with"});
            pairs.append_pair("filter", &json.to_string());
        }
    }
}

/// Where the next page of a walk comes from.
enum Cursor {
    Query(ListQuery),
    Link(Link),
}

impl Client {
    /// Every customer the query matches, following `links.next` until the last page.
    ///
    /// ```no_run
    /// # async fn demo(client: partnerd_client::Client) -> Result<(), partnerd_client::Error> {
    /// use futures::TryStreamExt;
    /// use partnerd_client::ListQuery;
    ///
    /// let mut customers = client.list(&ListQuery::new().domain_starts_with("contoso"));
    /// while let Some(c) = customers.try_next().await? {
    ///     println!("{} {}", c.id.as_deref().unwrap_or_default(), c.company_name());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list(&self, query: &ListQuery) -> CustomerStream {
        flatten(self.pages(query))
    }

    /// The pages of a walk, for callers that track progress or keep `links.next` to
    /// resume later with [`pages_from`](Self::pages_from).
    ///
    /// ```no_run
    /// # async fn demo(client: partnerd_client::Client) -> Result<(), partnerd_client::Error> {
    /// use futures::TryStreamExt;
    /// let pages: Vec<_> = client.pages(&partnerd_client::ListQuery::new().size(100)).try_collect().await?;
    /// println!("{} pages", pages.len());
    /// # Ok(()) }
    /// ```
    pub fn pages(&self, query: &ListQuery) -> PageStream {
        self.walk(Cursor::Query(query.clone()))
    }

    /// Resumes a walk at a page's `links.next` (continuation tokens outlive a restart of
    /// the caller: at least 24 hours on partnerd).
    ///
    /// ```no_run
    /// # async fn demo(client: partnerd_client::Client, saved: partnerd_model::Link) -> Result<(), partnerd_client::Error> {
    /// use futures::TryStreamExt;
    /// let rest: Vec<_> = client.pages_from(saved).try_collect().await?;
    /// # let _ = rest;
    /// # Ok(()) }
    /// ```
    pub fn pages_from(&self, next: Link) -> PageStream {
        self.walk(Cursor::Link(next))
    }

    /// The first page of the query only.
    ///
    /// ```no_run
    /// # async fn demo(client: partnerd_client::Client) -> Result<(), partnerd_client::Error> {
    /// let page = client.list_page(&partnerd_client::ListQuery::new().size(20)).await?;
    /// println!("{} shown, more: {}", page.items.len(), page.links.next.is_some());
    /// # Ok(()) }
    /// ```
    pub async fn list_page(&self, query: &ListQuery) -> Result<Page, Error> {
        let mut url = self.url(&["customers"]);
        query.apply(&mut url);
        self.fetch(&Call::new(Method::GET, url)).await
    }

    /// Fetches the page a link points to. Paging links are reads: a link with another
    /// method is refused, and of its headers only the continuation token is sent, so a
    /// response (or an edited saved link) cannot make the client write, or send anything
    /// else with its credentials.
    pub(crate) async fn follow<T: serde::de::DeserializeOwned>(&self, link: &Link) -> Result<T, Error> {
        if !(link.method.is_empty() || link.method.eq_ignore_ascii_case("GET")) {
            return Err(Error::Url(format!("a paging link must be a GET, not '{}'", link.method)));
        }
        let mut call = Call::new(Method::GET, resolve(&self.inner.base, &link.uri)?);
        for h in link.headers.iter().filter(|h| h.key.eq_ignore_ascii_case(MS_CONTINUATION_TOKEN)) {
            let value = HeaderValue::from_str(&h.value).map_err(|_| bad_header(&h.key))?;
            call.headers.push((HeaderName::from_static("ms-continuationtoken"), value));
        }
        self.fetch(&call).await
    }

    fn walk(&self, start: Cursor) -> PageStream {
        let client = self.clone();
        stream::try_unfold(Some(start), move |cursor| {
            let client = client.clone();
            async move {
                let (page, came_by) = match cursor {
                    None => return Ok(None),
                    Some(Cursor::Query(q)) => (client.list_page(&q).await?, None),
                    Some(Cursor::Link(link)) => (client.follow(&link).await?, Some(link)),
                };
                let next = page.links.next.clone();
                // A walk must move: a page whose next link is the one that fetched it would
                // otherwise loop for ever.
                if next.is_some() && next == came_by {
                    return Err(Error::Url("the server's next link does not advance the walk".into()));
                }
                Ok(Some((page, next.map(Cursor::Link))))
            }
        })
        .boxed()
    }
}

/// The customers of each page in turn.
fn flatten(pages: PageStream) -> CustomerStream {
    pages.map_ok(|page| stream::iter(page.items.into_iter().map(Ok))).try_flatten().boxed()
}

/// The one header a paging link carries.
const MS_CONTINUATION_TOKEN: &str = "MS-ContinuationToken";

fn bad_header(key: &str) -> Error {
    Error::Url(format!("link header '{key}' is not a valid HTTP header"))
}
