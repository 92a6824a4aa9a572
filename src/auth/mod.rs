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

/// Bearer token → user answers of this node, for [`TokenCache::TTL`] at most, so that an API
/// client's requests do not each read `api_tokens` and `users`.
///
/// Revocation: on this node at once — every write that can change a token's answer (revoking
/// it, switching the login off or anonymising it, barring the enterprise) bumps
/// [`users::generation`] after its commit, and an entry read under an older generation is
/// not used (the generation is taken *before* the read, so a read racing a revocation is
/// cached as already stale). On the other nodes of a cluster within [`TokenCache::TTL`]: their
/// entries expire and the next request reads the database again. Only live tokens are cached;
/// an unknown or revoked token is looked up every time.
#[derive(Default)]
pub struct TokenCache {
    entries: std::sync::Mutex<std::collections::HashMap<String, CachedToken>>,
}

struct CachedToken {
    user: UserRow,
    generation: u64,
    read_at: std::time::Instant,
}

impl TokenCache {
    /// How long another node's revocation can go unnoticed here.
    pub const TTL: std::time::Duration = std::time::Duration::from_secs(2);
    /// Most tokens held (the cache is emptied when full).
    const MAX: usize = 10_000;

    /// The cached user of a token hash, if still good.
    pub fn get(&self, hash: &str) -> Option<UserRow> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let e = entries.get(hash)?;
        (e.generation == users::generation() && e.read_at.elapsed() < Self::TTL)
            .then(|| e.user.clone())
    }

    /// Remembers a token's user, read under `generation`.
    pub fn put(&self, hash: String, user: UserRow, generation: u64) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= Self::MAX {
            entries.clear();
        }
        entries.insert(
            hash,
            CachedToken {
                user,
                generation,
                read_at: std::time::Instant::now(),
            },
        );
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
        let hash = users::hash_token(token);
        let user = match state.tokens.get(&hash) {
            Some(u) => Some(u),
            None => {
                let generation = users::generation();
                let found = users::user_for_token_hash(&state.db, &hash).await?;
                if let Some(u) = &found {
                    state.tokens.put(hash, u.clone(), generation);
                }
                found
            }
        };
        return match user {
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
