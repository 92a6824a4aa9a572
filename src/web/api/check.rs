//! The public check endpoints for 身份证 numbers and USCCs.

use axum::Json;
use axum::extract::Path;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::values::fmt_date;
use crate::domain::{IdCardNumber, Uscc, today};
use crate::web::extract::ApiJson;

/// The region a 身份证 number was issued in.
#[derive(Serialize, ToSchema)]
pub struct RegionInfo {
    pub code: String,
    pub name: String,
}

/// Result of checking a 身份证 number.
#[derive(Serialize, ToSchema)]
pub struct IdCardCheck {
    pub valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub normalized: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    /// `male` or `female`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sex: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<RegionInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A 身份证 number to check.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct IdCardQuery {
    /// 18-character number as typed
    pub number: String,
}

/// Checks a 身份证 number (GB 11643): length, check digit, birth date, region code history.
/// Deprecated: the number ends up in URLs that proxies and access logs keep; use
/// `POST /check/id-card` with `{"number"}`, which answers the same.
#[utoipa::path(get, path = "/check/id-card/{number}", tag = "check",
    params(("number" = String, Path, description = "18-character number as typed")),
    responses((status = 200, body = IdCardCheck)))]
pub async fn id_card(Path(number): Path<String>) -> Json<IdCardCheck> {
    Json(check_id_card(&number))
}

/// Checks a 身份证 number sent in the body (GB 11643): length, check digit, birth date,
/// region code history.
#[utoipa::path(post, path = "/check/id-card", tag = "check", request_body = IdCardQuery,
    responses((status = 200, body = IdCardCheck)))]
pub async fn id_card_post(ApiJson(query): ApiJson<IdCardQuery>) -> Json<IdCardCheck> {
    Json(check_id_card(&query.number))
}

fn check_id_card(number: &str) -> IdCardCheck {
    let today = today();
    match IdCardNumber::parse(number, today) {
        Ok(id) => IdCardCheck {
            valid: true,
            normalized: Some(id.as_str().to_owned()),
            birth_date: Some(fmt_date(id.birth_date())),
            sex: Some(id.sex().as_str().to_owned()),
            region: Some(RegionInfo {
                code: id.region_code().to_owned(),
                name: id.region_name().to_owned(),
            }),
            age: Some(id.age_on(today)),
            error: None,
        },
        Err(e) => IdCardCheck {
            valid: false,
            normalized: None,
            birth_date: None,
            sex: None,
            region: None,
            age: None,
            error: Some(e.to_string()),
        },
    }
}

/// Result of checking a USCC.
#[derive(Serialize, ToSchema)]
pub struct UsccCheck {
    pub valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub normalized: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Checks a 统一社会信用代码 (GB 32100).
#[utoipa::path(get, path = "/check/uscc/{code}", tag = "check",
    params(("code" = String, Path, description = "18-character code as typed")),
    responses((status = 200, body = UsccCheck)))]
pub async fn uscc(Path(code): Path<String>) -> Json<UsccCheck> {
    Json(match Uscc::parse(&code) {
        Ok(c) => UsccCheck {
            valid: true,
            normalized: Some(c.as_str().to_owned()),
            error: None,
        },
        Err(e) => UsccCheck {
            valid: false,
            normalized: None,
            error: Some(e.to_string()),
        },
    })
}
