//! The one error type: every failure a client can cause becomes the contract's error body
//! (spec §9) with its status, whichever layer noticed it.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use partnerd_model::canonical::MemberError;
use partnerd_model::{ErrorBody, FilterError, Violations};
use partnerd_store::{Conflict, StoreError};

use crate::reply::{Json, Payload};

/// An error response: status, contract body and any headers the status needs.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
    www_authenticate: bool,
    retry_after: Option<u64>,
    /// Throttling answers with Partner Center's own body, not the error body (spec §9).
    throttled: bool,
}

impl ApiError {
    pub fn new(status: StatusCode, code: i64, description: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: ErrorBody::new(code, description),
            www_authenticate: false,
            retry_after: None,
            throttled: false,
        }
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn body(&self) -> &ErrorBody {
        &self.body
    }

    /// Adds a detail string to the body's `data`.
    pub fn with_data(mut self, item: impl Into<String>) -> ApiError {
        self.body.data.push(item.into());
        self
    }

    /// Says when to retry (`Retry-After`, in seconds).
    pub(crate) fn with_retry_after(mut self, secs: u64) -> ApiError {
        self.retry_after = Some(secs);
        self
    }

    pub(crate) fn with_code(mut self, code: i64) -> ApiError {
        self.body.code = code;
        self
    }

    pub(crate) fn with_description(mut self, description: String) -> ApiError {
        self.body.description = description;
        self
    }

    /// Unknown or foreign customer: the two are indistinguishable on purpose.
    pub fn customer_not_found() -> ApiError {
        Self::new(StatusCode::NOT_FOUND, 1000, "The customer was not found.")
    }

    /// Unknown, purged or deleted user of a customer (users-api §8).
    pub fn user_not_found() -> ApiError {
        Self::new(StatusCode::NOT_FOUND, 60002, "User object Id is not found")
    }

    pub fn route_not_found() -> ApiError {
        Self::new(StatusCode::NOT_FOUND, 1000, "No resource exists at this path.")
    }

    pub fn method_not_allowed() -> ApiError {
        Self::new(StatusCode::METHOD_NOT_ALLOWED, 800002, "This method is not supported on this resource.")
    }

    pub fn bad_customer_id(id: &str) -> ApiError {
        Self::new(StatusCode::BAD_REQUEST, 900118, "The customer id is not a valid GUID.").with_data(id)
    }

    pub fn invalid(description: impl Into<String>) -> ApiError {
        Self::new(StatusCode::BAD_REQUEST, 800002, description)
    }

    pub fn invalid_enum(description: impl Into<String>) -> ApiError {
        Self::new(StatusCode::BAD_REQUEST, 900126, description)
    }

    pub fn unauthorized(description: impl Into<String>) -> ApiError {
        ApiError { www_authenticate: true, ..Self::new(StatusCode::UNAUTHORIZED, 800001, description) }
    }

    pub fn not_acceptable() -> ApiError {
        Self::new(
            StatusCode::NOT_ACCEPTABLE,
            800002,
            "The Accept header allows none of application/json, text/json, application/xml, text/xml.",
        )
    }

    pub fn internal() -> ApiError {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, 800003, "An unexpected error occurred.")
    }

    pub fn unavailable(retry_after: u64) -> ApiError {
        ApiError {
            retry_after: Some(retry_after),
            ..Self::new(StatusCode::SERVICE_UNAVAILABLE, 800003, "The service is temporarily unavailable; retry later.")
        }
    }

    /// 429: over the rate limit; retry in `retry_after` seconds.
    pub fn throttled(retry_after: u64) -> ApiError {
        ApiError {
            retry_after: Some(retry_after),
            throttled: true,
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                429,
                format!("Rate limit is exceeded. Try again in {retry_after} seconds."),
            )
        }
    }
}

impl From<FilterError> for ApiError {
    fn from(e: FilterError) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, e.code(), e.to_string())
    }
}

/// 400/800002 naming every refused member: the description says what is wrong with each,
/// and `data` lists their paths in the same order.
impl From<Violations> for ApiError {
    fn from(v: Violations) -> Self {
        ApiError::refused(Vec::new(), Some(v))
    }
}

impl ApiError {
    /// 400 naming every member that could not be read (wrong type or value, in body order)
    /// and then every member refused by the checks (in member order), each once: the
    /// description says what is wrong with each, `data` lists their paths in the same order.
    /// The code is 900126 when an enum value is the only problem, else 800002.
    pub(crate) fn refused(unreadable: Vec<MemberError>, refused: Option<Violations>) -> ApiError {
        let only_enums = refused.is_none() && unreadable.iter().all(|e| e.is_enum);
        let mut sentences = Vec::new();
        let mut members = Vec::new();
        for e in &unreadable {
            sentences.push(format!("{} is not valid: {}.", e.member, e.message));
            members.push(e.member.clone());
        }
        // A member left out for its type is not reported again as missing.
        for invalid in refused.iter().flat_map(Violations::iter) {
            if !unreadable.iter().any(|e| e.member == invalid.member) {
                sentences.push(format!("{invalid}."));
                members.push(invalid.member.clone());
            }
        }
        let error = if only_enums {
            ApiError::invalid_enum(sentences.join(" "))
        } else {
            ApiError::invalid(sentences.join(" "))
        };
        members.into_iter().fold(error, ApiError::with_data)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(detail) => {
                tracing::warn!(%detail, "database unavailable");
                ApiError::unavailable(1)
            }
            StoreError::Conflict(Conflict::Domain) => {
                ApiError::new(StatusCode::CONFLICT, 600006, "A customer with this domain already exists.")
            }
            // Ids are the server's own (random), never the client's: a clash is no fault of the
            // request, and a retry gets a new id.
            StoreError::Conflict(Conflict::Id) => {
                tracing::error!("a generated customer id is already taken");
                ApiError::internal()
            }
            StoreError::Internal(detail) => {
                tracing::error!(%detail, "database error");
                ApiError::internal()
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let json = if self.throttled {
            serde_json::json!({"statusCode": 429, "message": self.body.description}).to_string()
        } else {
            serde_json::to_string(&self.body).expect("error bodies serialise")
        };
        let mut res = self.status.into_response();
        if self.www_authenticate {
            res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(secs) = self.retry_after {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res.extensions_mut().insert(Payload { root: "Error", json: Json::Whole(json) });
        res
    }
}
