//! Where bearer tokens come from: a fixed string, or an async provider that an OAuth flow
//! (client credentials, refresh tokens, managed identity...) plugs into.

use std::future::Future;
use std::sync::Arc;

use futures::future::BoxFuture;

/// Any error a token provider reports; it reaches the caller as [`Error::Token`](crate::Error::Token).
///
/// ```
/// let e: partnerd_client::BoxError = "no refresh token".into();
/// assert_eq!(e.to_string(), "no refresh token");
/// ```
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Supplies the bearer token for each request attempt. It is asked before every attempt,
/// retries included, so a provider that caches and refreshes its token keeps long walks
/// (an export of a million customers) authenticated; caching is the provider's job.
///
/// Any `Fn() -> impl Future<Output = Result<String, E>>` is a provider:
///
/// ```
/// use partnerd_client::Client;
///
/// let client = Client::builder()
///     .token_provider(|| async { Ok::<_, std::io::Error>(std::env::var("PC_TOKEN").unwrap_or_default()) })
///     .build()
///     .unwrap();
/// # let _ = client;
/// ```
pub trait TokenProvider: Send + Sync {
    /// The token to send now, without the `Bearer ` prefix.
    ///
    /// ```
    /// use partnerd_client::{BoxError, TokenProvider};
    /// use futures::future::BoxFuture;
    ///
    /// struct Fixed;
    /// impl TokenProvider for Fixed {
    ///     fn token(&self) -> BoxFuture<'_, Result<String, BoxError>> {
    ///         Box::pin(async { Ok("eyJ...".to_string()) })
    ///     }
    /// }
    /// ```
    fn token(&self) -> BoxFuture<'_, Result<String, BoxError>>;
}

impl<F, Fut, E> TokenProvider for F
where
    F: Fn() -> Fut + Send + Sync,
    Fut: Future<Output = Result<String, E>> + Send + 'static,
    E: Into<BoxError>,
{
    fn token(&self) -> BoxFuture<'_, Result<String, BoxError>> {
        let fut = self();
        Box::pin(async move { fut.await.map_err(Into::into) })
    }
}

/// The client's token source.
#[derive(Clone)]
pub(crate) enum Credentials {
    Static(String),
    Provider(Arc<dyn TokenProvider>),
}

impl Credentials {
    pub(crate) async fn token(&self) -> Result<String, BoxError> {
        match self {
            Credentials::Static(t) => Ok(t.clone()),
            Credentials::Provider(p) => p.token().await,
        }
    }
}
