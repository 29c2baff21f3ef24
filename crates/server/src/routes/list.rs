//! GET /v1/customers: one keyset page, with its links and continuation token.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderName};
use partnerd_model::{Filter, Header, Link, ResourceLinks, SeekOperation};
use partnerd_store::{ListQuery, Seek};

use crate::auth::VerifiedPartner;
use crate::continuation::Cursor;
use crate::list_query::{ListParams, MAX_PAGE_SIZE};
use crate::page_cache::KeptPage;
use crate::reply::{Json, Reply};
use crate::{ApiError, AppState};

const MS_CONTINUATION_TOKEN: HeaderName = HeaderName::from_static("ms-continuationtoken");

pub(crate) async fn list(
    State(state): State<AppState>,
    partner: VerifiedPartner,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Reply, ApiError> {
    let raw = raw.unwrap_or_default();
    let params = ListParams::parse(&raw)?;
    let token = continuation_header(&headers)?;
    let query = plan(&state, &partner, params, token)?;
    let page = state.pages.read(partner.store(), &query).await?;
    Ok(Reply::ok_json_pieces("Collection", render(&state, &partner, &query, &page, &raw)))
}

fn continuation_header(headers: &HeaderMap) -> Result<Option<&str>, ApiError> {
    match headers.get(MS_CONTINUATION_TOKEN) {
        None => Ok(None),
        Some(v) => {
            let t = v.to_str().map_err(|_| ApiError::invalid("The continuation token is not valid."))?.trim();
            Ok((!t.is_empty()).then_some(t))
        }
    }
}

/// Turns the request into the page to read: a fresh query starts at the first page; a seek
/// takes its query from the token, which a repeated `size` or `filter` must agree with.
fn plan(
    state: &AppState,
    partner: &VerifiedPartner,
    params: ListParams,
    token: Option<&str>,
) -> Result<ListQuery, ApiError> {
    let open = |t: &str| -> Result<Cursor, ApiError> {
        let cursor = state.sealer.open(t, partner.id())?;
        agree(&params, &cursor)?;
        Ok(cursor)
    };
    let fresh = |seek| ListQuery { filter: params.filter.clone(), size: params.size.unwrap_or(MAX_PAGE_SIZE), seek };
    match params.seek {
        None => Ok(fresh(Seek::First)),
        Some(SeekOperation::PageIndex) => Err(ApiError::invalid("seekOperation PageIndex is not supported.")),
        Some(op @ (SeekOperation::First | SeekOperation::Last)) => {
            let seek = if op == SeekOperation::First { Seek::First } else { Seek::Last };
            match token {
                Some(t) => {
                    let c = open(t)?;
                    Ok(ListQuery { filter: c.filter, size: c.size, seek })
                }
                None => Ok(fresh(seek)),
            }
        }
        Some(op @ (SeekOperation::Next | SeekOperation::Previous)) => {
            let t = token.ok_or_else(|| {
                ApiError::invalid("seekOperation Next and Previous need the MS-ContinuationToken header.")
            })?;
            let c = open(t)?;
            let seek = if op == SeekOperation::Next {
                c.next.map(Seek::After).ok_or_else(|| ApiError::invalid("The continuation token has no next page."))?
            } else {
                match c.previous {
                    Some((p, true)) => Seek::UpTo(p),
                    Some((p, false)) => Seek::Before(p),
                    None => return Err(ApiError::invalid("The continuation token has no previous page.")),
                }
            };
            Ok(ListQuery { filter: c.filter, size: c.size, seek })
        }
    }
}

fn agree(params: &ListParams, cursor: &Cursor) -> Result<(), ApiError> {
    if params.size.is_some_and(|s| s != cursor.size) {
        return Err(ApiError::invalid("size does not match the continuation token's query.").with_data("size"));
    }
    if params.filter.as_ref().is_some_and(|f| Some(f) != cursor.filter.as_ref()) {
        return Err(ApiError::invalid("filter does not match the continuation token's query.").with_data("filter"));
    }
    Ok(())
}

/// The collection JSON, assembled around the stored item JSON without re-serialising it: what
/// comes before the items, the items (the kept page's own bytes), what comes after.
fn render(state: &AppState, partner: &VerifiedPartner, query: &ListQuery, page: &KeptPage, raw_query: &str) -> Json {
    let (next, previous) = (&page.next, &page.previous);
    let token = (next.is_some() || previous.is_some()).then(|| {
        state.sealer.seal(&Cursor {
            partner: partner.id().to_string(),
            filter: query.filter.clone(),
            size: query.size,
            next: next.clone(),
            previous: previous.clone(),
        })
    });
    let seek_link = |op: &str| {
        let mut uri = format!("/v1/customers?size={}&seekOperation={op}", query.size);
        if let Some(f) = &query.filter {
            uri.push_str("&filter=");
            uri.extend(form_urlencoded::byte_serialize(filter_json(f).as_bytes()));
        }
        Link {
            uri,
            method: "GET".into(),
            headers: vec![Header { key: "MS-ContinuationToken".into(), value: token.clone().unwrap_or_default() }],
            body: None,
        }
    };
    // The query is echoed as sent, except that a literal `?` (legal in a query) is encoded so
    // that no URI ever holds two.
    let self_uri = if raw_query.is_empty() {
        "/v1/customers".to_string()
    } else {
        format!("/v1/customers?{}", raw_query.replace('?', "%3F"))
    };
    let links = ResourceLinks {
        self_link: Some(Link::get(self_uri)),
        next: next.is_some().then(|| seek_link("Next")),
        previous: previous.is_some().then(|| seek_link("Previous")),
    };
    let mut head = String::with_capacity(1024);
    head.push('{');
    if let (Some(t), Some(_)) = (&token, &next) {
        head.push_str("\"continuationToken\":");
        head.push_str(&serde_json::to_string(t).expect("strings serialise"));
        head.push(',');
    }
    head.push_str(&format!("\"totalCount\":{},\"items\":[", page.count));
    let mut tail = String::with_capacity(1024);
    tail.push_str("],\"links\":");
    tail.push_str(&serde_json::to_string(&links).expect("links serialise"));
    tail.push_str(",\"attributes\":{\"objectType\":\"Collection\"}}");
    Json::Pieces(vec![head.into(), page.items.clone(), tail.into()])
}

/// The canonical JSON form of a filter, as links carry it.
fn filter_json(f: &Filter) -> String {
    serde_json::json!({"Field": f.field.as_str(), "Value": f.value, "Operator": "starts_with"}).to_string()
}
