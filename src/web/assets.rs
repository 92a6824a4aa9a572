//! Static files with a content hash in their name (`/static/app.3f9a1c2b.css`), cached for a
//! year by browsers and proxies: a changed file gets a new name, so nothing stale is ever
//! served. Templates link them through [`href`]. The plain name (`/static/app.css`) still
//! answers, with a short cache, for anything that bookmarked it.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// One static file: its plain name, content type and content.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: String,
    hashed: String,
}

const FILES: [(&str, &str, &str); 2] = [
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("../../templates/static/app.css"),
    ),
    (
        "hometown.js",
        "text/javascript; charset=utf-8",
        include_str!("../../templates/static/hometown.js"),
    ),
];

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|(name, content_type, body)| {
            let body = if *name == "hometown.js" {
                format!("var HOMETOWN_VILLAGES = {};\n{body}", village_table())
            } else {
                (*body).to_owned()
            };
            let digest = hex::encode(Sha256::digest(body.as_bytes()));
            let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
            Asset {
                name,
                content_type,
                body,
                hashed: format!("{stem}.{}.{ext}", &digest[..10]),
            }
        })
        .collect()
});

/// The villages of every township of the sending counties, for the hometown picker's script:
/// `{"520328100": [["520328100", "某镇（村/社区不详）"], ["520328100201", "某村"], …], …}`.
fn village_table() -> String {
    use crate::domain::region::{FUGONG, MEITAN, regions};
    let r = regions();
    let table: serde_json::Map<String, serde_json::Value> = [MEITAN, FUGONG]
        .iter()
        .flat_map(|county| r.townships_of(county))
        .map(|t| {
            let mut list = vec![serde_json::json!([
                t.code,
                format!("{}（村/社区不详）", t.name)
            ])];
            list.extend(
                r.villages_of(&t.code)
                    .into_iter()
                    .map(|v| serde_json::json!([v.code, v.short_name])),
            );
            (t.code.clone(), serde_json::Value::Array(list))
        })
        .collect();
    serde_json::Value::Object(table).to_string()
}

/// The URL a page links a static file by: with its content hash (`/static/app.<hash>.css`).
pub fn href(name: &str) -> String {
    ASSETS.iter().find(|a| a.name == name).map_or_else(
        || format!("/static/{name}"),
        |a| format!("/static/{}", a.hashed),
    )
}

/// `GET /static/{file}`: the hashed name for a year (immutable), the plain name for an hour.
pub async fn serve(Path(file): Path<String>) -> Response {
    let found = ASSETS.iter().find_map(|a| {
        if a.hashed == file {
            Some((a, "public, max-age=31536000, immutable"))
        } else if a.name == file {
            Some((a, "public, max-age=3600"))
        } else {
            None
        }
    });
    match found {
        Some((a, cache)) => (
            [
                (header::CONTENT_TYPE, a.content_type),
                (header::CACHE_CONTROL, cache),
            ],
            a.body.clone(),
        )
            .into_response(),
        None => crate::web::pages::PageError(crate::error::AppError::NotFound).into_response(),
    }
}

/// `GET /static/app.css` (the row the role matrix has always had).
pub async fn css() -> Response {
    serve(Path("app.css".to_owned())).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_carry_ten_hex_digits_of_the_content() {
        let css = href("app.css");
        assert!(css.starts_with("/static/app."), "{css}");
        assert!(css.ends_with(".css"));
        assert_eq!(css.len(), "/static/app..css".len() + 10);
        assert_eq!(href("nothing.txt"), "/static/nothing.txt");
    }
}
