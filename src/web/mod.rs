//! HTTP: the JSON API under `/api/v1`, the HTML pages, static files, and the layers every
//! request passes (sessions, CSRF, security headers, limits, timeouts, tracing).

pub mod api;
pub mod assets;
pub mod catch_panic;
pub mod csrf;
pub mod error;
pub mod extract;
pub mod pages;

use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::get;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::{Expiry, SessionManagerLayer, SessionStore};

use crate::state::AppState;

/// Largest request body accepted (imports have their own, larger limit).
pub const MAX_BODY: usize = 2 * 1024 * 1024;

async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match crate::service::health(&state).await {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

async fn not_found() -> impl IntoResponse {
    crate::web::pages::PageError(crate::error::AppError::NotFound)
}

fn header_layer(name: &'static str, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(
        HeaderName::from_static(name),
        HeaderValue::from_static(value),
    )
}

/// The span of one request: the method and the matched route template
/// (`/api/v1/check/id-card/{number}`), never the path itself or its query string, which can
/// carry a 身份证 number or a phone.
fn request_span(request: &axum::extract::Request) -> tracing::Span {
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("(no route)", |p| p.as_str());
    tracing::info_span!("request", method = %request.method(), route = %route)
}

/// The whole application.
pub fn router<S: SessionStore + Clone>(state: AppState, store: S) -> Router {
    let sessions = SessionManagerLayer::new(store)
        .with_name("laowu_session")
        .with_http_only(true)
        .with_same_site(tower_sessions::cookie::SameSite::Lax)
        .with_secure(state.config.secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::hours(8)));
    Router::new()
        .route("/healthz", get(healthz))
        .route("/static/app.css", get(assets::css))
        .route("/static/{file}", get(assets::serve))
        .nest("/api/v1", api::router())
        .merge(
            pages::router()
                .layer(RequestBodyLimitLayer::new(MAX_BODY))
                .layer(middleware::from_fn(pages::next::remember)),
        )
        .merge(pages::upload_router())
        .fallback(not_found)
        .layer(middleware::from_fn(csrf::check))
        .layer(sessions)
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(catch_panic::layer())
        .layer(header_layer(
            "content-security-policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ))
        .layer(header_layer("x-frame-options", "DENY"))
        .layer(header_layer("x-content-type-options", "nosniff"))
        .layer(header_layer("referrer-policy", "same-origin"))
        // gzip or br for whoever asks (pages, API, static files): a phone on a slow network
        // gets a page in a quarter of the bytes
        .layer(CompressionLayer::new().gzip(true).br(true))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(state)
}
