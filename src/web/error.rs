//! How an [`AppError`] goes out over HTTP: its status, and the JSON body
//! `{"error": "...", "errors": {"field": ["message"]}}` (with `Retry-After` when throttled).

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::{AppError, FieldErrors};

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: String,
    errors: &'a FieldErrors,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let AppError::Internal(e) = &self {
            tracing::error!(error = ?e, "request failed");
        }
        let errors = self.field_errors();
        let body = ErrorBody {
            error: self.to_string(),
            errors: &errors,
        };
        let mut response = (status, axum::Json(body)).into_response();
        if let Some(retry_after_secs) = self.retry_after()
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}
