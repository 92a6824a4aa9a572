//! One error type for the whole application, mapped to HTTP statuses in one place.
//!
//! API handlers return [`AppError`] and get a JSON body
//! (`{"error": "...", "errors": {"field": ["message"]}}`, see `web/error.rs`); page handlers
//! wrap it in [`crate::web::pages::PageError`], which renders the same error as a Chinese page.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use serde::Serialize;

/// Field name → messages, in Chinese, for 422 answers and re-rendered forms.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct FieldErrors(pub BTreeMap<String, Vec<String>>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// A single error on one field.
    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut e = Self::new();
        e.add(field, message);
        e
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_owned())
            .or_default()
            .push(message.into());
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every message on one line, for a notice on the next page.
    pub fn summary(&self) -> String {
        self.0
            .values()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join("；")
    }

    /// The first message for a field (forms show one line per field).
    pub fn first(&self, field: &str) -> Option<&str> {
        self.0
            .get(field)
            .and_then(|v| v.first())
            .map(String::as_str)
    }

    /// Records the error of a parse and returns its value, if any.
    pub fn take<T, E: ToString>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(field, e.to_string());
                None
            }
        }
    }

    /// `Ok(())` when empty, else the errors as [`AppError::Validation`].
    pub fn check(self) -> Result<(), AppError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self))
        }
    }
}

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("请先登录")]
    Unauthorized,
    #[error("没有权限进行此操作")]
    Forbidden,
    #[error("找不到该记录")]
    NotFound,
    #[error("{message}")]
    Conflict { field: String, message: String },
    #[error("提交的信息有误")]
    Validation(FieldErrors),
    #[error("{0}")]
    BadRequest(String),
    #[error("提交的内容太大")]
    PayloadTooLarge,
    #[error("请求体应为 JSON（Content-Type: application/json）")]
    UnsupportedMediaType,
    #[error("尝试次数过多，请稍后再试")]
    TooManyRequests { retry_after_secs: u64 },
    /// A limit of the actor's own (e.g. problem reports a day): 429 with a message naming
    /// the field and the limit.
    #[error("{message}")]
    Limited {
        field: String,
        message: String,
        retry_after_secs: u64,
    },
    #[error("服务器内部错误")]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::TooManyRequests { .. } | AppError::Limited { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn conflict(field: &str, message: impl Into<String>) -> Self {
        AppError::Conflict {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// Seconds to wait before trying again, when throttled.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::TooManyRequests { retry_after_secs }
            | AppError::Limited {
                retry_after_secs, ..
            } => Some(*retry_after_secs),
            _ => None,
        }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Validation(FieldErrors::single(field, message))
    }

    /// Field errors carried by this error, if any.
    pub fn field_errors(&self) -> FieldErrors {
        match self {
            AppError::Validation(e) => e.clone(),
            AppError::Conflict { field, message } | AppError::Limited { field, message, .. } => {
                FieldErrors::single(field, message.clone())
            }
            _ => FieldErrors::new(),
        }
    }
}

impl From<crate::db::DbError> for AppError {
    fn from(e: crate::db::DbError) -> Self {
        match e {
            crate::db::DbError::Duplicate { field, message } => AppError::conflict(field, message),
            crate::db::DbError::Sqlx(e) => e.into(),
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => AppError::NotFound,
            // the database's own last word when two hires of one worker met (issue #12)
            ref e if is_unique_violation_of(e, "placements_one_active", "placements.worker_id") => {
                AppError::conflict("worker_id", WORKER_ALREADY_PLACED)
            }
            other => AppError::Internal(anyhow::Error::new(other).context("database error")),
        }
    }
}

/// Result alias for request handlers.
pub type AppResult<T> = Result<T, AppError>;

/// Whether a database error is a unique-constraint violation (both backends).
pub use crate::db::is_unique_violation;
/// Whether a database error is a violation of one unique index: by its name on PostgreSQL,
/// by the columns SQLite names in its message (`UNIQUE constraint failed: table.column`).
pub fn is_unique_violation_of(e: &sqlx::Error, index: &str, sqlite_columns: &str) -> bool {
    // (kept here beside the answer it leads to; the plain check lives in `db`)
    let sqlx::Error::Database(db) = e else {
        return false;
    };
    is_unique_violation(e)
        && (db.constraint() == Some(index)
            || db.message().contains(index)
            || db.message().ends_with(sqlite_columns))
}

/// The answer when a worker already has an active placement.
pub const WORKER_ALREADY_PLACED: &str = "该务工人员已在岗（已被录用到其他岗位），不能同时录用两次";
