//! Walking a customer list page by page, as a client does.

use partnerd_model::PartnerId;
use serde_json::Value;

use crate::TestApp;

/// One page as the server answered it.
pub struct PageSeen {
    pub body: Value,
    pub ids: Vec<String>,
}

impl PageSeen {
    /// The next link's URI and continuation token, when there is one.
    pub fn next(&self) -> Option<(String, String)> {
        link(&self.body, "next")
    }

    pub fn previous(&self) -> Option<(String, String)> {
        link(&self.body, "previous")
    }
}

fn link(body: &Value, name: &str) -> Option<(String, String)> {
    let l = body.get("links")?.get(name)?;
    let token = l["headers"].as_array()?.iter().find(|h| h["key"] == "MS-ContinuationToken")?["value"].as_str()?;
    Some((l["uri"].as_str()?.to_string(), token.to_string()))
}

/// GET `path_and_query` with an optional continuation token; panics unless 200.
pub async fn page(app: &TestApp, partner: &PartnerId, path_and_query: &str, token: Option<&str>) -> PageSeen {
    let mut req = app.get(partner, path_and_query);
    if let Some(t) = token {
        req = req.header("MS-ContinuationToken", t);
    }
    let res = req.send().await.expect("request");
    let status = res.status();
    let body: Value = res.json().await.expect("json body");
    assert_eq!(status, 200, "{path_and_query}: {body}");
    let ids =
        body["items"].as_array().expect("items").iter().map(|i| i["id"].as_str().expect("id").to_string()).collect();
    PageSeen { body, ids }
}

/// Follows `links.next` from `first` to the end; returns every id in order and the pages seen.
pub async fn walk(app: &TestApp, partner: &PartnerId, first: &str) -> (Vec<String>, Vec<PageSeen>) {
    let mut pages = vec![page(app, partner, first, None).await];
    while let Some((uri, token)) = pages.last().and_then(|p| p.next()) {
        pages.push(page(app, partner, &uri, Some(&token)).await);
        assert!(pages.len() < 100_000, "walk does not end");
    }
    let ids = pages.iter().flat_map(|p| p.ids.clone()).collect();
    (ids, pages)
}
