//! What can go wrong in a call, typed so that callers can act on the server's error code
//! (spec §9) without parsing text.

use std::time::Duration;

use partnerd_model::ErrorBody;

/// The error of every [`Client`](crate::Client) call.
///
/// ```
/// use partnerd_client::Error;
///
/// fn explain(e: &Error) -> String {
///     match e {
///         Error::Api(api) if api.code == 1000 => "no such customer".to_string(),
///         other => other.to_string(),
///     }
/// }
/// # let _ = explain;
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server refused the request with the contract's error body.
    #[error("{0}")]
    Api(ApiError),
    /// The server kept answering 429 after every retry the [`RetryPolicy`](crate::RetryPolicy) allows.
    #[error("HTTP 429, throttled: {message}")]
    Throttled {
        /// How long the server last asked to wait, when it said.
        retry_after: Option<Duration>,
        /// The server's message, e.g. `Rate limit is exceeded. Try again in 5 seconds.`
        message: String,
    },
    /// An error status whose body is not the contract's error body (e.g. from a proxy).
    #[error("HTTP {status}: {body}")]
    Status {
        /// The HTTP status code.
        status: u16,
        /// The start of the body as text.
        body: String,
    },
    /// The request could not be sent or its response not read, after every retry.
    #[error("could not reach the server: {0}")]
    Transport(#[source] reqwest::Error),
    /// The token provider failed; no request was sent.
    #[error("could not get a token: {0}")]
    Token(#[source] crate::BoxError),
    /// A success response whose body is not what the operation returns.
    #[error("unexpected response body: {0}")]
    Decode(#[source] serde_json::Error),
    /// A link or base URL that cannot be followed safely.
    #[error("{0}")]
    Url(String),
}

impl Error {
    /// The contract's error code, when the server sent an error body.
    ///
    /// ```
    /// use partnerd_client::{ApiError, Error};
    /// let e = Error::Api(ApiError { status: 404, code: 1000, description: "gone".into(), data: vec![], request_id: None });
    /// assert_eq!(e.code(), Some(1000));
    /// ```
    pub fn code(&self) -> Option<i64> {
        match self {
            Error::Api(api) => Some(api.code),
            _ => None,
        }
    }

    /// The HTTP status the server answered with, when it answered.
    ///
    /// ```
    /// use partnerd_client::Error;
    /// let e = Error::Status { status: 502, body: "Bad Gateway".into() };
    /// assert_eq!(e.status(), Some(502));
    /// ```
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Throttled { .. } => Some(429),
            Error::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// A refusal in the contract's form: `{"code", "description", "data", "source"}` with its
/// status and the request id to quote when asking the service's operators.
///
/// ```
/// use partnerd_client::ApiError;
/// let e = ApiError { status: 404, code: 1000, description: "The customer was not found.".into(), data: vec![], request_id: None };
/// assert_eq!(e.to_string(), "HTTP 404, code 1000: The customer was not found.");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status code.
    pub status: u16,
    /// The contract's error code, e.g. 1000 for an unknown customer.
    pub code: i64,
    /// What went wrong, for a person.
    pub description: String,
    /// Details, e.g. the name of the offending member.
    pub data: Vec<String>,
    /// The `MS-RequestId` of the failed request, as the server echoed it.
    pub request_id: Option<String>,
}

impl ApiError {
    pub(crate) fn new(status: u16, body: ErrorBody, request_id: Option<String>) -> ApiError {
        ApiError { status, code: body.code, description: body.description, data: body.data, request_id }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {}, code {}: {}", self.status, self.code, self.description)?;
        if !self.data.is_empty() {
            write!(f, " ({})", self.data.join(", "))?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}
