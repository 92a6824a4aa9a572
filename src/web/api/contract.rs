//! What keeps every answer of the API inside its contract: an error that axum itself writes
//! (an id in the path that is not a number or beyond i64, a method the route does not have)
//! leaves in the one error schema `{"error", "errors"}` instead of plain text.

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::web::extract::is_json_content_type;

/// The most of a plain-text rejection that is read to explain it.
const MAX_REJECTION: usize = 4096;

/// Middleware: a 4xx answer without a JSON body becomes `{"error": "…", "errors": {}}` with
/// the same status and headers (`Allow` on a 405 stays).
pub async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(is_json_content_type);
    if !status.is_client_error() || is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let detail = match axum::body::to_bytes(body, MAX_REJECTION).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).trim().to_owned(),
        Err(_) => String::new(),
    };
    let error = explain(status, &detail);
    tracing::debug!(status = status.as_u16(), detail = %detail, "rejection answered as JSON");
    let body = serde_json::json!({ "error": error, "errors": {} }).to_string();
    parts.headers.remove(CONTENT_LENGTH);
    parts.headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    (parts, Body::from(body)).into_response()
}

/// A Chinese sentence for a rejection axum wrote, with its own English detail after it.
fn explain(status: StatusCode, detail: &str) -> String {
    let head = match status {
        StatusCode::BAD_REQUEST => "请求无法解析（路径或查询参数的格式不对）",
        StatusCode::UNAUTHORIZED => "请先登录",
        StatusCode::FORBIDDEN => "没有权限进行此操作",
        StatusCode::NOT_FOUND => "找不到该记录",
        StatusCode::METHOD_NOT_ALLOWED => "该地址不支持这种请求方法",
        StatusCode::PAYLOAD_TOO_LARGE => "提交的内容太大",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "请求体应为 JSON（Content-Type: application/json）",
        StatusCode::UNPROCESSABLE_ENTITY => "提交的信息有误",
        StatusCode::TOO_MANY_REQUESTS => "尝试次数过多，请稍后再试",
        _ => "请求有误",
    };
    if detail.is_empty() {
        head.to_owned()
    } else {
        format!("{head}：{}", detail.chars().take(300).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rejection_is_explained_in_chinese_with_its_detail() {
        let e = explain(
            StatusCode::BAD_REQUEST,
            "Invalid URL: Cannot parse `99999999999999999999` to a `i64`",
        );
        assert!(e.starts_with("请求无法解析"), "{e}");
        assert!(e.contains("i64"), "{e}");
        assert_eq!(
            explain(StatusCode::METHOD_NOT_ALLOWED, ""),
            "该地址不支持这种请求方法"
        );
        assert_eq!(
            explain(StatusCode::NOT_FOUND, &"x".repeat(1000))
                .chars()
                .count(),
            7 + 300
        );
    }
}
