//! `POST /api/v1/imports` (a ledger file, multipart field `file`) → 202 with the job, and
//! `GET /api/v1/imports/{id}` → the job's progress and counts. The upload takes a bearer token
//! only: a form of another site could send multipart with the browser's session cookie.

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, header::AUTHORIZATION};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::service::import_jobs::{self as svc, ImportJob};
use crate::state::AppState;

/// The queued job.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobCreated {
    pub id: i64,
    /// `queued`
    pub status: String,
}

/// Queues a ledger import (`.xlsx`, `.xls` or `.csv`, at most 50 MiB) for the station (or the
/// admin). 409 while the station's previous job is queued or running.
#[utoipa::path(post, path = "/imports", tag = "reports",
    request_body(content = String, content_type = "multipart/form-data", description = "字段 `file`：台账文件"),
    responses((status = 202, body = JobCreated), (status = 401), (status = 403), (status = 409),
        (status = 413), (status = 422)),
    security(("bearer" = [])))]
pub async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    mut multipart: Multipart,
) -> AppResult<(StatusCode, Json<JobCreated>)> {
    if !headers.contains_key(AUTHORIZATION) {
        return Err(AppError::Unauthorized);
    }
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart.next_field().await.map_err(upload_error)? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("ledger.xlsx").to_owned();
            let bytes = field.bytes().await.map_err(upload_error)?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let (name, bytes) = file.unwrap_or_default();
    let id = svc::upload(&state, &user, &name, bytes).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(JobCreated {
            id,
            status: "queued".into(),
        }),
    ))
}

fn upload_error(e: axum::extract::multipart::MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::PayloadTooLarge
    } else {
        AppError::BadRequest(format!("上传失败：{e}"))
    }
}

/// An import job: status, rows done of the total, the counts, the report's link once done.
#[utoipa::path(get, path = "/imports/{id}", tag = "reports", params(("id" = i64, Path)),
    responses((status = 200, body = ImportJob), (status = 401), (status = 403), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<ImportJob>> {
    Ok(Json(svc::get(&state, &user, id).await?))
}
