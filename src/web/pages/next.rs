//! Back to where one was after logging in: a page that needs a login sends a visitor to
//! `/login?next=/the/page`, and the login form returns there. Only a path on this site is
//! followed (never `//host`, `/\host`, `https:` or anything with a control character).

use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

/// `next` when it is a safe relative path on this site.
pub fn safe_next(next: &str) -> Option<&str> {
    let n = next.trim();
    let ok = n.starts_with('/')
        && !n.starts_with("//")
        && !n.starts_with("/\\")
        && n.len() <= 512
        && !n.starts_with("/login")
        && !n.starts_with("/logout")
        && n.chars()
            .all(|c| !c.is_control() && c != '\\' && !c.is_whitespace());
    ok.then_some(n)
}

/// `/login?next=…` for `path` (just `/login` when the path is not worth returning to).
pub fn login_url(path: &str) -> String {
    match safe_next(path) {
        Some(p) if p != "/" => format!(
            "/login?{}",
            form_urlencoded::Serializer::new(String::new())
                .append_pair("next", p)
                .finish()
        ),
        _ => "/login".to_owned(),
    }
}

/// Middleware of the pages: a GET that was sent to `/login` learns where it came from.
pub async fn remember(request: Request, next: Next) -> Response {
    let is_get = request.method() == Method::GET;
    let path = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let mut response = next.run(request).await;
    if is_get
        && response.status() == StatusCode::SEE_OTHER
        && response
            .headers()
            .get(header::LOCATION)
            .and_then(|l| l.to_str().ok())
            == Some("/login")
        && let Ok(v) = header::HeaderValue::from_str(&login_url(&path))
    {
        response.headers_mut().insert(header::LOCATION, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_path_on_this_site_is_followed() {
        assert_eq!(safe_next("/vacancies/7"), Some("/vacancies/7"));
        assert_eq!(safe_next("/station?page=2"), Some("/station?page=2"));
        for bad in [
            "//evil.example/x",
            "/\\evil.example",
            "https://evil.example",
            "evil.example",
            "",
            "/login?next=/x",
            "/a\r\nSet-Cookie: x",
            "javascript:alert(1)",
        ] {
            assert_eq!(safe_next(bad), None, "{bad:?}");
        }
        assert_eq!(login_url("/vacancies/7"), "/login?next=%2Fvacancies%2F7");
        assert_eq!(login_url("//evil"), "/login");
        assert_eq!(login_url("/"), "/login");
    }
}
