//! The JSON API under `/api/v1`, with its OpenAPI document generated from the handlers.

pub mod account;
pub mod admin;
pub mod assessment;
pub mod auth;
pub mod check;
pub mod contract;
pub mod employers;
pub mod events;
pub mod found;
pub mod imports;
pub mod openapi;
pub mod placements;
pub mod reports;
pub mod schema;
pub mod training;
pub mod vacancies;
pub mod workers;

use axum::Json;
use axum::Router;
use axum::routing::get;
use tower_http::limit::RequestBodyLimitLayer;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use axum::extract::Request;
use axum::http::Method;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, TRANSFER_ENCODING};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::state::AppState;
use crate::web::extract::is_json_content_type;

#[derive(OpenApi)]
#[openapi(
    info(title = "laowu — 斗门·湄潭劳务协作平台 API", version = "1"),
    servers((url = "/api/v1")),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "登录令牌"),
        (name = "check", description = "身份证与统一社会信用代码校验"),
        (name = "workers", description = "务工人员"),
        (name = "employers", description = "用人单位"),
        (name = "vacancies", description = "岗位"),
        (name = "matching", description = "双向匹配"),
        (name = "applications", description = "求职申请"),
        (name = "follow-up", description = "上岗与跟踪服务"),
        (name = "training", description = "培训与证书"),
        (name = "events", description = "招聘会与点对点专车"),
        (name = "reports", description = "信息报送"),
        (name = "rights", description = "个人信息权利"),
        (name = "admin", description = "管理"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API routes (relative to `/api/v1`) and the OpenAPI document describing them. Every
/// route takes JSON of at most 2 MiB, except the ledger upload (multipart, 50 MiB, bearer
/// token only).
pub fn router() -> Router<AppState> {
    let (router, doc) = parts();
    let doc = std::sync::Arc::new(doc);
    router
        .route(
            "/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move { Json(doc.as_ref().clone()) }
            }),
        )
        // an address under /api/v1 that is no route: 404 in the error schema, not the HTML page
        .fallback(|| async { AppError::NotFound })
        .layer(middleware::from_fn(contract::json_errors))
}

/// The OpenAPI document alone (`laowu openapi`).
pub fn document() -> utoipa::openapi::OpenApi {
    parts().1
}

/// The routes and the completed document describing them.
fn parts() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let uploads = OpenApiRouter::<AppState>::new()
        .routes(routes!(imports::upload))
        .layer(axum::extract::DefaultBodyLimit::max(
            crate::web::pages::reports::MAX_UPLOAD,
        ))
        .layer(RequestBodyLimitLayer::new(
            crate::web::pages::reports::MAX_UPLOAD,
        ));
    let (router, mut doc) = OpenApiRouter::<AppState>::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::token))
        .routes(routes!(auth::reset_code))
        .routes(routes!(auth::reset))
        .routes(routes!(auth::reset_link))
        .routes(routes!(auth::reset_by_link))
        .routes(routes!(auth::worker_reset_code))
        .routes(routes!(check::id_card))
        .routes(routes!(check::id_card_post))
        .routes(routes!(check::uscc))
        .routes(routes!(workers::create, workers::list))
        .routes(routes!(workers::get, account::correct))
        .routes(routes!(account::tokens))
        .routes(routes!(account::revoke))
        .routes(routes!(account::my_data))
        .routes(routes!(account::sms_setting))
        .routes(routes!(account::request_deletion))
        .routes(routes!(account::deletion_requests))
        .routes(routes!(account::anonymise))
        .routes(routes!(workers::matches))
        .routes(routes!(workers::set_occupation))
        .routes(routes!(workers::occupations))
        .routes(routes!(vacancies::matches))
        .routes(routes!(employers::create))
        .routes(routes!(employers::get))
        .routes(routes!(employers::verify))
        .routes(routes!(employers::reject))
        .routes(routes!(employers::suspend))
        .routes(routes!(admin::create_user))
        .routes(routes!(admin::set_head))
        .routes(routes!(admin::create_station))
        .routes(routes!(admin::create_provider))
        .routes(routes!(vacancies::list, vacancies::create))
        .routes(routes!(vacancies::get, vacancies::update))
        .routes(routes!(vacancies::close))
        .routes(routes!(vacancies::reopen))
        .routes(routes!(placements::create))
        .routes(routes!(placements::get))
        .routes(routes!(placements::transition))
        .routes(routes!(placements::of_vacancy))
        .routes(routes!(placements::placement))
        .routes(routes!(placements::record_found))
        .routes(routes!(placements::report_problem))
        .routes(routes!(found::report, found::mine))
        .routes(routes!(found::list))
        .routes(routes!(found::confirm))
        .routes(routes!(found::decline))
        .routes(routes!(placements::leave))
        .routes(routes!(placements::followups))
        .routes(routes!(placements::complete))
        .routes(routes!(placements::cases))
        .routes(routes!(placements::escalations))
        .routes(routes!(placements::resolve))
        .routes(routes!(placements::retention))
        .routes(routes!(training::programmes))
        .routes(routes!(training::edit_programme))
        .routes(routes!(training::create_course, training::courses))
        .routes(routes!(training::course))
        .routes(routes!(training::enroll, training::roster))
        .routes(routes!(training::confirm))
        .routes(routes!(training::drop_out))
        .routes(routes!(training::attendance))
        .routes(routes!(training::complete))
        .routes(routes!(
            training::add_certificate,
            training::certificates_of
        ))
        .routes(routes!(training::figures))
        .routes(routes!(reports::monthly))
        .routes(routes!(events::create, events::list))
        .routes(routes!(events::get))
        .routes(routes!(events::booth))
        .routes(routes!(events::sign_up))
        .routes(routes!(events::check_in))
        .routes(routes!(events::figures))
        .routes(routes!(assessment::put_targets, assessment::get_targets))
        .routes(routes!(assessment::assessment))
        .routes(routes!(assessment::people))
        .routes(routes!(imports::get))
        .layer(middleware::from_fn(require_json))
        .layer(RequestBodyLimitLayer::new(crate::web::MAX_BODY))
        .merge(uploads)
        .split_for_parts();
    doc.openapi = utoipa::openapi::OpenApiVersion::Version31;
    openapi::complete(&mut doc);
    // The number belongs in a body, not in a URL that proxies and logs keep.
    if let Some(get) = doc
        .paths
        .paths
        .get_mut("/check/id-card/{number}")
        .and_then(|p| p.get.as_mut())
    {
        get.deprecated = Some(utoipa::openapi::Deprecated::True);
    }
    (router, doc)
}

/// Middleware: an API write (POST, PUT, PATCH, DELETE) carries JSON (`Content-Type:
/// application/json`) or no body at all; anything else is 415. An HTML form can only send
/// `application/x-www-form-urlencoded`, `multipart/form-data` or `text/plain`, so no page of
/// any site can make a logged-in browser write through the API with its session cookie.
/// (The one API route that takes an upload, `POST /imports`, is outside this layer and takes
/// a bearer token only.)
pub async fn require_json(request: Request, next: Next) -> Response {
    if !matches!(
        *request.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let acceptable = match headers.get(CONTENT_TYPE) {
        Some(ct) => ct.to_str().is_ok_and(is_json_content_type),
        None => {
            headers.get(TRANSFER_ENCODING).is_none()
                && headers
                    .get(CONTENT_LENGTH)
                    .is_none_or(|len| len.as_bytes() == b"0")
        }
    };
    if acceptable {
        next.run(request).await
    } else {
        AppError::UnsupportedMediaType.into_response()
    }
}
