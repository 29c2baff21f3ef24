//! What can go wrong in a control-plane call, typed so that a caller can say what fixes it
//! (the CLI names its flags; the mock panics with partnerd's reason).

/// The error of every [`ControlClient`](super::ControlClient) call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ControlError {
    /// The request did not get an answer: nothing listening, a reset connection, a timeout.
    #[error("requesting {root}: {source}")]
    Unreachable {
        /// The server's root URL.
        root: String,
        /// What the transport said; `is_connect()` tells nothing listening from the rest.
        #[source]
        source: reqwest::Error,
    },
    /// partnerd (or whatever answered) refused, or failed, with this status.
    #[error("HTTP {status}: {message}")]
    Status {
        /// The HTTP status code.
        status: u16,
        /// partnerd's `description`, or the start of a body that is not partnerd's error.
        message: String,
        /// The whole body as text.
        body: String,
    },
    /// A 2xx answer that is not what the route documents.
    #[error("the control plane's answer is {0}")]
    Answer(String),
}

impl ControlError {
    /// The HTTP status of a refusal or failure that got an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            ControlError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}
