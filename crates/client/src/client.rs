//! The client handle and the single-resource operations (spec §2, operations 2–10).

use std::sync::Arc;

use partnerd_model::{Attributes, BillingProfile, CompanyProfile, Customer, Relationship};
use reqwest::header::{HeaderValue, IF_MATCH};
use reqwest::{Method, StatusCode, Url};
use serde::{Deserialize, Serialize};

use crate::links::endpoint;
use crate::token::Credentials;
use crate::transport::Call;
use crate::{ClientBuilder, Error, RetryPolicy};

/// An async client for the Customers API of Partner Center or a partnerd. Cheap to clone:
/// clones share the connection pool, the token source and the correlation id.
///
/// ```no_run
/// # async fn demo() -> Result<(), partnerd_client::Error> {
/// use partnerd_client::Client;
///
/// let client = Client::builder().base_url("http://127.0.0.1:8080").token("eyJ...").build()?;
/// let customer = client.get("3f2504e0-4f89-11d3-9a0c-0305e82c3301").await?;
/// println!("{}", customer.company_name());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

/// Shows where the client goes and its correlation id, never its token.
impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base.as_str())
            .field("correlation_id", &self.correlation_id())
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

pub(crate) struct Inner {
    pub http: reqwest::Client,
    pub base: Url,
    pub credentials: Credentials,
    pub correlation_id: HeaderValue,
    pub retry: RetryPolicy,
}

/// The reseller relationship request link (operation 10) that a partner sends a customer.
///
/// ```
/// let r: partnerd_client::RelationshipRequest = serde_json::from_str(r#"{"url": "https://example.com/invite"}"#).unwrap();
/// assert_eq!(r.url, "https://example.com/invite");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelationshipRequest {
    /// The link the customer opens to accept the relationship.
    pub url: String,
    /// `objectType: "RelationshipRequest"`.
    #[serde(default)]
    pub attributes: Attributes,
}

impl Client {
    /// Starts configuring a client.
    ///
    /// ```
    /// let client = partnerd_client::Client::builder().token("eyJ...").build().unwrap();
    /// assert_eq!(client.base_url().as_str(), "https://api.partnercenter.microsoft.com/");
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// The service root requests go to.
    ///
    /// ```
    /// let client = partnerd_client::Client::builder().base_url("http://localhost:8080").token("t").build().unwrap();
    /// assert_eq!(client.base_url().host_str(), Some("localhost"));
    /// ```
    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    /// The `MS-CorrelationId` every call of this client carries.
    ///
    /// ```
    /// let client = partnerd_client::Client::builder().token("t").build().unwrap();
    /// assert!(uuid::Uuid::parse_str(client.correlation_id()).is_ok());
    /// ```
    pub fn correlation_id(&self) -> &str {
        self.inner.correlation_id.to_str().expect("built from a uuid")
    }

    pub(crate) fn url(&self, segments: &[&str]) -> Url {
        endpoint(&self.inner.base, segments)
    }

    /// The URL of a customer (or below it). Customer ids are GUIDs; anything else is refused
    /// before a request is sent, so an id such as `..` or `relationshiprequests` can never
    /// turn into another resource's path.
    pub(crate) fn customer_url(&self, id: &str, below: &[&str]) -> Result<Url, Error> {
        let id =
            partnerd_model::parse_guid(id).ok_or_else(|| Error::Url(format!("customer id '{id}' is not a GUID")))?;
        let segments: Vec<&str> = ["customers", id.as_str()].into_iter().chain(below.iter().copied()).collect();
        Ok(self.url(&segments))
    }

    /// Gets a customer with all its members (operation 2).
    ///
    /// ```no_run
    /// # async fn demo(client: partnerd_client::Client) -> Result<(), partnerd_client::Error> {
    /// let customer = client.get("3f2504e0-4f89-11d3-9a0c-0305e82c3301").await?;
    /// println!("{:?}", customer.billing_profile);
    /// # Ok(()) }
    /// ```
    pub async fn get(&self, id: &str) -> Result<Customer, Error> {
        self.fetch(&Call::new(Method::GET, self.customer_url(id, &[])?)).await
    }

    /// Creates a customer (operation 3) and returns it with its admin credentials, which
    /// are shown only in this response. Retries resend the same `MS-RequestId`, so a
    /// retried create never creates twice.
    ///
    /// ```no_run
    /// # async fn demo(client: partnerd_client::Client) -> Result<(), partnerd_client::Error> {
    /// let input: partnerd_model::Customer = serde_json::from_str(r#"{
    ///   "companyProfile": {"domain": "contoso.onmicrosoft.com"},
    ///   "billingProfile": {"email": "a@contoso.com", "culture": "en-US", "language": "en",
    ///     "companyName": "Contoso", "defaultAddress": {"country": "US", "city": "Redmond",
    ///     "addressLine1": "1 Microsoft Way", "postalCode": "98052"}}
    /// }"#).unwrap();
    /// let created = client.create(&input).await?;
    /// println!("{:?} {:?}", created.id, created.user_credentials);
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, customer: &Customer) -> Result<Customer, Error> {
        self.create_with_request_id(customer, uuid::Uuid::new_v4()).await
    }

    /// Creates a customer under a request id of the caller's choosing. When every attempt of
    /// an earlier create failed on the way back, repeating it with the same id and body gets
    /// the response the server kept (spec §6), admin password included, instead of a 409 for
    /// the domain the first attempt already took.
    ///
    /// ```no_run
    /// # async fn demo(client: partnerd_client::Client, input: partnerd_model::Customer) -> Result<(), partnerd_client::Error> {
    /// let request_id = uuid::Uuid::new_v4();
    /// let created = match client.create_with_request_id(&input, request_id).await {
    ///     Ok(c) => c,
    ///     Err(_) => client.create_with_request_id(&input, request_id).await?, // later, same id
    /// };
    /// # let _ = created;
    /// # Ok(()) }
    /// ```
    pub async fn create_with_request_id(&self, customer: &Customer, request_id: uuid::Uuid) -> Result<Customer, Error> {
        let mut call = Call::new(Method::POST, self.url(&["customers"])).json_body(customer);
        call.request_id = Some(request_id);
        self.fetch(&call).await
    }

    /// Deletes a customer (operation 4; only sandbox deployments allow it).
    ///
    /// ```no_run
    /// # async fn demo(client: partnerd_client::Client) -> Result<(), partnerd_client::Error> {
    /// client.delete("3f2504e0-4f89-11d3-9a0c-0305e82c3301").await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete(&self, id: &str) -> Result<(), Error> {
        self.execute(&Call::new(Method::DELETE, self.customer_url(id, &[])?)).await?.success()?;
        Ok(())
    }

    /// Ends the partner's relationship with a customer (operation 5): afterwards the
    /// customer is gone from this partner's list. Returns the customer as the server
    /// answered.
    ///
    /// ```no_run
    /// # async fn demo(client: partnerd_client::Client) -> Result<(), partnerd_client::Error> {
    /// let customer = client.remove_relationship("3f2504e0-4f89-11d3-9a0c-0305e82c3301").await?;
    /// assert_eq!(customer.relationship_to_partner, Some(partnerd_model::Relationship::None));
    /// # Ok(()) }
    /// ```
    pub async fn remove_relationship(&self, id: &str) -> Result<Customer, Error> {
        let body = Customer {
            id: Some(id.to_string()),
            relationship_to_partner: Some(Relationship::None),
            attributes: Some(Attributes::object("Customer")),
            ..Customer::default()
        };
        self.fetch(&Call::new(Method::PATCH, self.customer_url(id, &[])?).json_body(&body)).await
    }

    /// Gets a customer's company profile (operation 6).
    ///
    /// ```no_run
    /// # async fn demo(client: partnerd_client::Client) -> Result<(), partnerd_client::Error> {
    /// let profile = client.company_profile("3f2504e0-4f89-11d3-9a0c-0305e82c3301").await?;
    /// println!("{:?}", profile.domain);
    /// # Ok(()) }
    /// ```
    pub async fn company_profile(&self, id: &str) -> Result<CompanyProfile, Error> {
        self.fetch(&Call::new(Method::GET, self.customer_url(id, &["profiles", "company"])?)).await
    }

    /// Gets a customer's billing profile (operation 7), with the etag that an update needs.
    ///
    /// ```no_run
    /// # async fn demo(client: partnerd_client::Client) -> Result<(), partnerd_client::Error> {
    /// let profile = client.billing_profile("3f2504e0-4f89-11d3-9a0c-0305e82c3301").await?;
    /// println!("{:?}", profile.attributes.and_then(|a| a.etag));
    /// # Ok(()) }
    /// ```
    pub async fn billing_profile(&self, id: &str) -> Result<BillingProfile, Error> {
        self.fetch(&Call::new(Method::GET, self.customer_url(id, &["profiles", "billing"])?)).await
    }

    /// Replaces a customer's billing profile (operation 8). When the profile carries the
    /// etag it was read with, it goes in `If-Match` and a concurrent change makes this
    /// fail with code 2055 instead of being overwritten.
    ///
    /// ```no_run
    /// # async fn demo(client: partnerd_client::Client) -> Result<(), partnerd_client::Error> {
    /// let id = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
    /// let mut profile = client.billing_profile(id).await?;
    /// profile.email = Some("billing@contoso.com".into());
    /// let updated = client.update_billing_profile(id, &profile).await?;
    /// # let _ = updated;
    /// # Ok(()) }
    /// ```
    pub async fn update_billing_profile(&self, id: &str, profile: &BillingProfile) -> Result<BillingProfile, Error> {
        let mut call = Call::new(Method::PUT, self.customer_url(id, &["profiles", "billing"])?).json_body(profile);
        let etag = profile.attributes.as_ref().and_then(|a| a.etag.as_deref());
        if let Some(value) = etag.and_then(|e| HeaderValue::from_str(&format!("\"{e}\"")).ok()) {
            call.headers.push((IF_MATCH, value));
        }
        self.fetch(&call).await
    }

    /// Whether a domain is already taken (operation 9), e.g. before creating a customer.
    ///
    /// ```no_run
    /// # async fn demo(client: partnerd_client::Client) -> Result<(), partnerd_client::Error> {
    /// if client.domain_exists("contoso.onmicrosoft.com").await? {
    ///     println!("pick another domain");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn domain_exists(&self, domain: &str) -> Result<bool, Error> {
        let reply = self.execute(&Call::new(Method::HEAD, self.url(&["domains", domain]))).await?;
        match reply.status {
            StatusCode::NOT_FOUND => Ok(false),
            _ => reply.success().map(|_| true),
        }
    }

    /// Gets the link a customer follows to accept a reseller relationship (operation 10).
    ///
    /// ```no_run
    /// # async fn demo(client: partnerd_client::Client) -> Result<(), partnerd_client::Error> {
    /// println!("{}", client.relationship_request().await?.url);
    /// # Ok(()) }
    /// ```
    pub async fn relationship_request(&self) -> Result<RelationshipRequest, Error> {
        self.fetch(&Call::new(Method::GET, self.url(&["customers", "relationshiprequests"]))).await
    }
}
