//! `GET /api/v1/reports/monthly`: the month's figures as JSON (admin).

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::service::reports::{self as svc, Month, MonthlyReport};
use crate::state::AppState;
use crate::web::extract::ApiQuery;

#[derive(Debug, Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct MonthQuery {
    /// `YYYY-MM`; default the current month
    pub month: Option<String>,
}

impl MonthQuery {
    pub fn month(&self) -> Result<Month, AppError> {
        match self.month.as_deref().map(str::trim) {
            None | Some("") => Ok(Month::current()),
            Some(m) => Month::parse(m).map_err(|e| AppError::invalid("month", e)),
        }
    }
}

/// The month's figures and the year to date.
#[utoipa::path(get, path = "/reports/monthly", tag = "reports", params(MonthQuery),
    responses((status = 200, body = MonthlyReport), (status = 403), (status = 422)))]
pub async fn monthly(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<MonthQuery>,
) -> AppResult<Json<MonthlyReport>> {
    let month = q.month()?;
    Ok(Json(svc::monthly(&state, &user, month).await?))
}
