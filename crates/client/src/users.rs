//! A customer's users and licenses: the users list as a stream that follows `links.next`,
//! and the single-user operations (create, get, update, delete, restore, license updates).

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use partnerd_model::license::{LicenseUpdate, SubscribedSku};
use partnerd_model::{Collection, CustomerUser, Link, UserState};
use reqwest::{Method, Url};

use crate::transport::Call;
use crate::{Client, Error};

/// Every user of a walk, page after page; an error ends it.
pub type UserStream = BoxStream<'static, Result<CustomerUser, Error>>;

/// Where a users walk goes next.
enum Walk {
    First(Url),
    Next(Link),
    Done,
}

/// The filter that lists the deleted users instead of the active ones.
const INACTIVE: &str = r#"{"Field":"UserState","Value":"Inactive","Operator":"equals"}"#;

impl Client {
    fn user_url(&self, customer: &str, user: Option<&str>, below: &[&str]) -> Result<Url, Error> {
        let mut segments = vec!["users"];
        let user = match user {
            Some(u) => {
                Some(partnerd_model::parse_guid(u).ok_or_else(|| Error::Url(format!("user id '{u}' is not a GUID")))?)
            }
            None => None,
        };
        segments.extend(user.as_deref());
        segments.extend(below);
        self.customer_url(customer, &segments)
    }

    /// Every active user of a customer (or, with `deleted`, every deleted one still
    /// restorable), by display name, in pages of `size` (the server's 500 when `None`),
    /// following `links.next` to the last page.
    ///
    /// ```no_run
    /// # async fn demo(client: partnerd_client::Client) -> Result<(), partnerd_client::Error> {
    /// use futures::TryStreamExt;
    /// let users: Vec<_> = client.users("3f2504e0-4f89-11d3-9a0c-0305e82c3301", false, None).try_collect().await?;
    /// # let _ = users;
    /// # Ok(()) }
    /// ```
    pub fn users(&self, customer: &str, deleted: bool, size: Option<u32>) -> UserStream {
        let first = match self.user_url(customer, None, &[]) {
            Ok(mut url) => {
                if let Some(size) = size {
                    url.query_pairs_mut().append_pair("size", &size.to_string());
                }
                if deleted {
                    url.query_pairs_mut().append_pair("filter", INACTIVE);
                }
                Walk::First(url)
            }
            Err(e) => return stream::once(async { Err(e) }).boxed(),
        };
        let client = self.clone();
        let pages = stream::try_unfold(first, move |walk| {
            let client = client.clone();
            async move {
                let page: Collection<CustomerUser> = match walk {
                    Walk::Done => return Ok(None),
                    Walk::First(url) => client.fetch(&Call::new(Method::GET, url)).await?,
                    Walk::Next(link) => client.follow(&link).await?,
                };
                let next = page.links.next.clone().map_or(Walk::Done, Walk::Next);
                Ok(Some((page, next)))
            }
        });
        pages.map_ok(|page| stream::iter(page.items.into_iter().map(Ok))).try_flatten().boxed()
    }

    /// One active user.
    pub async fn get_user(&self, customer: &str, user: &str) -> Result<CustomerUser, Error> {
        self.fetch(&Call::new(Method::GET, self.user_url(customer, Some(user), &[])?)).await
    }

    /// Creates a user; the answer holds its password profile, shown only here. Retries resend
    /// the same `MS-RequestId`, so a retried create never creates twice.
    pub async fn create_user(&self, customer: &str, user: &CustomerUser) -> Result<CustomerUser, Error> {
        let mut call = Call::new(Method::POST, self.user_url(customer, None, &[])?).json_body(user);
        call.request_id = Some(uuid::Uuid::new_v4());
        self.fetch(&call).await
    }

    /// Changes the members `changes` sets (a password with `passwordProfile`).
    pub async fn update_user(&self, customer: &str, user: &str, changes: &CustomerUser) -> Result<CustomerUser, Error> {
        self.fetch(&Call::new(Method::PATCH, self.user_url(customer, Some(user), &[])?).json_body(changes)).await
    }

    /// Deletes a user: restorable for 30 days with [`restore_user`](Self::restore_user).
    pub async fn delete_user(&self, customer: &str, user: &str) -> Result<(), Error> {
        self.execute(&Call::new(Method::DELETE, self.user_url(customer, Some(user), &[])?)).await?.success()?;
        Ok(())
    }

    /// Restores a deleted user.
    pub async fn restore_user(&self, customer: &str, user: &str) -> Result<CustomerUser, Error> {
        let body = CustomerUser { state: Some(UserState::Active), ..CustomerUser::default() };
        self.update_user(customer, user, &body).await
    }

    /// Assigns and removes a user's licenses, all or nothing; the answer is the update applied.
    pub async fn update_licenses(
        &self,
        customer: &str,
        user: &str,
        update: &LicenseUpdate,
    ) -> Result<LicenseUpdate, Error> {
        let url = self.user_url(customer, Some(user), &["licenseupdates"])?;
        let mut call = Call::new(Method::POST, url).json_body(update);
        call.request_id = Some(uuid::Uuid::new_v4());
        self.fetch(&call).await
    }

    /// The customer's subscribed SKUs (license group 1) with their unit counts.
    pub async fn subscribed_skus(&self, customer: &str) -> Result<Vec<SubscribedSku>, Error> {
        let page: Collection<SubscribedSku> =
            self.fetch(&Call::new(Method::GET, self.customer_url(customer, &["subscribedskus"])?)).await?;
        Ok(page.items)
    }
}
