//! The worker's own profile, and the trainer's landing page.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::station::WorkerPage;
use super::{Layout, PageResult, PageUser, render};
use crate::auth::Role;
use crate::domain::today;
use crate::error::AppError;
use crate::service::workers as svc;
use crate::state::AppState;

pub async fn profile(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
) -> PageResult<Response> {
    if !user.is(Role::Worker) {
        return Ok(Redirect::to(user.role.home()).into_response());
    }
    let id = user.worker_id.ok_or(AppError::NotFound)?;
    let (w, _) = svc::view(&state, &user, id).await?;
    Ok(render(&WorkerPage {
        layout: Layout::new("我的信息", &session, Some(&user)).await,
        household: w.household.labels().join("、"),
        status: w.status_label(),
        w: w.full_view(today()),
        is_self: true,
    }))
}

#[derive(askama::Template)]
#[template(path = "trainer.html")]
struct TrainerPage {
    layout: Layout,
    provider: String,
}

pub async fn trainer_home(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
) -> PageResult<Response> {
    user.require(&[Role::Trainer])?;
    let provider = match user.provider_id {
        Some(id) => sqlx::query_scalar::<_, String>("select name from providers where id = $1")
            .bind(id)
            .fetch_optional(&state.db)
            .await?
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(render(&TrainerPage {
        layout: Layout::new("培训机构", &session, Some(&user)).await,
        provider,
    }))
}
