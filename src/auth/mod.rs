//! Who is asking: roles, password hashing (argon2id), and the [`CurrentUser`] extractor that
//! accepts a bearer token (API) or the session cookie (pages).

pub mod password;
pub mod throttle;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use tower_sessions::Session;

use crate::db::users::{self, UserRow};
pub use crate::domain::Role;
use crate::error::AppError;
use crate::state::AppState;

/// Session key holding the logged-in user's id.
pub const SESSION_USER: &str = "user_id";
/// The user's session epoch when the session logged in: a new password moves the user's on,
/// and a session with an older one is over.
pub const SESSION_EPOCH: &str = "epoch";

/// The authenticated user of a request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i64,
    pub role: Role,
    pub display_name: String,
    pub login: String,
    pub station_id: Option<i64>,
    pub employer_id: Option<i64>,
    pub provider_id: Option<i64>,
    pub worker_id: Option<i64>,
    /// The client address, for the audit log.
    pub ip: String,
}

impl CurrentUser {
    fn from_row(u: UserRow, ip: String) -> Self {
        Self {
            id: u.id,
            role: u.role,
            display_name: u.display_name,
            login: u.email.or(u.phone).unwrap_or_default(),
            station_id: u.station_id,
            employer_id: u.employer_id,
            provider_id: u.provider_id,
            worker_id: u.worker_id,
            ip,
        }
    }

    /// The actor as the audit log records them.
    pub fn by(&self) -> crate::db::audit::By<'_> {
        crate::db::audit::By {
            user_id: self.id,
            role: self.role,
            ip: &self.ip,
        }
    }

    pub fn is(&self, role: Role) -> bool {
        self.role == role
    }

    /// `Ok` when the user has one of `roles`, else 403.
    pub fn require(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// The user if one is logged in.
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<CurrentUser>);

async fn resolve(parts: &mut Parts, state: &AppState) -> Result<Option<CurrentUser>, AppError> {
    let ip = crate::web::extract::ClientIp::of(parts, state).to_string();
    if let Some(value) = parts.headers.get(AUTHORIZATION) {
        let value = value.to_str().map_err(|_| AppError::Unauthorized)?;
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .ok_or(AppError::Unauthorized)?
            .trim();
        return match users::user_for_token(&state.db, token).await? {
            Some(u) if u.active => Ok(Some(CurrentUser::from_row(u, ip))),
            _ => Err(AppError::Unauthorized),
        };
    }
    let Some(session) = parts.extensions.get::<Session>().cloned() else {
        return Ok(None);
    };
    let user_id: Option<i64> = session.get(SESSION_USER).await.ok().flatten();
    let Some(user_id) = user_id else {
        return Ok(None);
    };
    let epoch: i64 = session.get(SESSION_EPOCH).await.ok().flatten().unwrap_or(0);
    match users::get(&state.db, user_id).await? {
        Some(u) if u.active && u.session_epoch == epoch => Ok(Some(CurrentUser::from_row(u, ip))),
        _ => {
            session.flush().await.ok();
            Ok(None)
        }
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(u) = parts.extensions.get::<CurrentUser>() {
            return Ok(u.clone());
        }
        let user = resolve(parts, state).await?.ok_or(AppError::Unauthorized)?;
        parts.extensions.insert(user.clone());
        Ok(user)
    }
}

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(u) = parts.extensions.get::<CurrentUser>() {
            return Ok(MaybeUser(Some(u.clone())));
        }
        let user = resolve(parts, state).await?;
        if let Some(u) = &user {
            parts.extensions.insert(u.clone());
        }
        Ok(MaybeUser(user))
    }
}
