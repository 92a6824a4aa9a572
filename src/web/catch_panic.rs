//! The last net under every handler: a panic becomes one logged 500 with the app's usual
//! error body (`{"error": "服务器内部错误", …}`) instead of a connection dropped without an
//! answer. The router in [`super::router`] uses [`layer`]; so does the test below.

use std::any::Any;

use axum::response::{IntoResponse, Response};
use tower_http::catch_panic::CatchPanicLayer;

/// The answer to a request whose handler panicked.
type PanicResponse = fn(Box<dyn Any + Send + 'static>) -> Response;

/// Turns a panic anywhere below it into one logged 500 with the app's usual error body, instead
/// of a connection dropped without an answer.
pub fn layer() -> CatchPanicLayer<PanicResponse> {
    CatchPanicLayer::custom(panic_response as PanicResponse)
}

fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    // logged once, by AppError's response
    crate::error::AppError::Internal(anyhow::anyhow!("a request handler panicked: {message}"))
        .into_response()
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    #[tokio::test]
    async fn a_panicking_handler_gets_the_usual_500_body_and_the_server_goes_on() {
        async fn boom() -> &'static str {
            panic!("boom")
        }
        let app = Router::new()
            .route("/boom", get(boom))
            .route("/ok", get(|| async { "ok" }))
            .layer(layer());
        let get = |path: &str| Request::get(path).body(Body::empty()).unwrap();
        let r = app.clone().oneshot(get("/boom")).await.unwrap();
        assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(r.into_body(), 1 << 16).await.unwrap();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["error"], "服务器内部错误");
        let r = app.oneshot(get("/ok")).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
}
