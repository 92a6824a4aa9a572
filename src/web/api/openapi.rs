//! Completes the generated OpenAPI document with what every operation shares, so that it
//! says what the server does: a description (Chinese and English) on every response; the
//! error statuses each operation can answer (400 unparseable path or query, 401 without
//! credentials, 403, 404 for a path with an id, 409 for writes, 413/415 for bodies, 422 for
//! input the validators refuse, 429 for the throttled routes) with the one error schema
//! `{"error", "errors": {field: [message]}}`; and the security of each operation (bearer
//! token; optional on the public routes).

use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, ObjectBuilder, Schema, SchemaType, Type,
};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};

/// Routes anyone may call (authentication optional).
const PUBLIC: &[(&str, &str)] = &[
    ("post", "/auth/token"),
    ("get", "/check/id-card/{number}"),
    ("post", "/check/id-card"),
    ("get", "/check/uscc/{code}"),
    ("post", "/workers"),
    ("post", "/employers"),
    ("get", "/vacancies"),
    ("get", "/vacancies/{id}"),
    ("get", "/programmes"),
    ("get", "/occupations"),
    ("get", "/courses"),
    ("get", "/courses/{id}"),
    ("get", "/events"),
    ("post", "/auth/reset-code"),
    ("post", "/auth/reset"),
    ("post", "/auth/reset-link"),
    ("post", "/auth/reset-link/use"),
];

/// Routes with a throttle (429 with `Retry-After`).
const THROTTLED: &[(&str, &str)] = &[
    ("post", "/auth/token"),
    ("post", "/workers"),
    ("post", "/auth/reset-code"),
    ("post", "/auth/reset"),
    ("post", "/auth/reset-link"),
    ("post", "/me/problems"),
    ("put", "/workers/{id}"),
];

/// The bilingual description of a status.
pub fn describe(status: &str) -> &'static str {
    match status {
        "200" => "成功 / OK",
        "201" => "已创建 / Created",
        "202" => "已受理 / Accepted",
        "204" => "完成，无内容 / Done, no content",
        "400" => "请求无法解析（路径、查询参数或请求体）/ The path, query or body cannot be parsed",
        "401" => "需要登录：请提供 Bearer 令牌 / Credentials required: a bearer token",
        "403" => "没有权限进行此操作 / Not allowed for this account",
        "404" => "找不到该记录 / Not found",
        "409" => "与现有记录或其状态冲突 / Conflicts with an existing record or its state",
        "413" => "提交的内容太大 / Payload too large",
        "415" => "请求体应为 JSON（Content-Type: application/json）/ The body must be JSON",
        "422" => "输入有误，errors 按字段列出原因 / Invalid input; `errors` names each field",
        "429" => "尝试次数过多，请按 Retry-After 稍后再试 / Too many requests; see Retry-After",
        _ => "见说明 / See the operation",
    }
}

fn error_schema() -> Schema {
    Schema::Object(
        ObjectBuilder::new()
            .property(
                "error",
                ObjectBuilder::new()
                    .schema_type(SchemaType::Type(Type::String))
                    .description(Some("一句话说明 / a one-line message")),
            )
            .required("error")
            .property(
                "errors",
                ObjectBuilder::new()
                    .schema_type(SchemaType::Type(Type::Object))
                    .description(Some("字段 → 原因 / field → messages"))
                    .additional_properties(Some(AdditionalProperties::RefOr(RefOr::T(
                        Schema::Array(
                            ArrayBuilder::new()
                                .items(
                                    ObjectBuilder::new()
                                        .schema_type(SchemaType::Type(Type::String)),
                                )
                                .build(),
                        ),
                    )))),
            )
            .build(),
    )
}

fn operations(item: &mut utoipa::openapi::PathItem) -> Vec<(&'static str, &mut Operation)> {
    let mut out = Vec::new();
    for (name, op) in [
        ("get", item.get.as_mut()),
        ("put", item.put.as_mut()),
        ("post", item.post.as_mut()),
        ("delete", item.delete.as_mut()),
        ("patch", item.patch.as_mut()),
    ] {
        if let Some(op) = op {
            out.push((name, op));
        }
    }
    out
}

/// Operation ids must be unique (generators name methods after them): a handler name used by
/// several modules (`create`, `get`) becomes `method_path` (`post_employers`,
/// `get_workers_id`).
fn unique_operation_ids(doc: &mut OpenApi) {
    let mut count: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for item in doc.paths.paths.values_mut() {
        for (_, op) in operations(item) {
            if let Some(id) = &op.operation_id {
                *count.entry(id.clone()).or_default() += 1;
            }
        }
    }
    for (path, item) in doc.paths.paths.iter_mut() {
        let slug: String = path
            .split('/')
            .filter(|p| !p.is_empty())
            .map(|p| p.trim_matches(|c| c == '{' || c == '}').replace('-', "_"))
            .collect::<Vec<_>>()
            .join("_");
        for (method, op) in operations(item) {
            let shared = op
                .operation_id
                .as_ref()
                .is_none_or(|id| count.get(id).copied().unwrap_or(0) > 1);
            if shared {
                op.operation_id = Some(format!("{method}_{slug}"));
            }
        }
    }
}

/// Adds the shared statuses, descriptions, the error schema and the security of every
/// operation.
pub fn complete(doc: &mut OpenApi) {
    unique_operation_ids(doc);
    super::schema::apply(doc);
    let components = doc.components.get_or_insert_with(Default::default);
    components
        .schemas
        .insert("Error".into(), RefOr::T(error_schema()));
    for (path, item) in doc.paths.paths.iter_mut() {
        for (method, op) in operations(item) {
            let public = PUBLIC.contains(&(method, path.as_str()));
            // (a public route still refuses a token that is wrong or revoked: 401)
            let mut statuses = vec!["400", "401"];
            if !public {
                statuses.push("403");
            }
            if path.contains('{') {
                statuses.push("404");
            }
            if method != "get" {
                statuses.extend(["409", "413", "415"]);
            }
            if method != "get" || op.parameters.as_ref().is_some_and(|p| !p.is_empty()) {
                statuses.push("422");
            }
            if THROTTLED.contains(&(method, path.as_str())) {
                statuses.push("429");
            }
            for status in statuses {
                op.responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| {
                        // (a 400 from the router — an id that is not a number — is made
                        // JSON too, by `contract::json_errors`)
                        RefOr::T(
                            ResponseBuilder::new()
                                .description(describe(status))
                                .content(
                                    "application/json",
                                    ContentBuilder::new()
                                        .schema(Some(Ref::from_schema_name("Error")))
                                        .build(),
                                )
                                .build(),
                        )
                    });
            }
            for (status, response) in op.responses.responses.iter_mut() {
                if let RefOr::T(r) = response {
                    if r.description.trim().is_empty() {
                        r.description = describe(status).to_owned();
                    }
                    // every 4xx carries the one error schema
                    if status.starts_with('4') && r.content.is_empty() {
                        r.content.insert(
                            "application/json".into(),
                            RefOr::T(
                                ContentBuilder::new()
                                    .schema(Some(Ref::from_schema_name("Error")))
                                    .build(),
                            ),
                        );
                    }
                }
            }
            let bearer = SecurityRequirement::new("bearer", Vec::<String>::new());
            op.security = Some(if public {
                vec![SecurityRequirement::default(), bearer]
            } else {
                vec![bearer]
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What openapi-spec-validator refused before (CI runs the validator itself too).
    #[test]
    fn the_document_holds_together() {
        let mut doc = crate::web::api::document();
        let mut ids = std::collections::HashSet::new();
        for (path, item) in doc.paths.paths.iter_mut() {
            for (method, op) in operations(item) {
                let id = op.operation_id.clone().unwrap_or_default();
                assert!(ids.insert(id.clone()), "operation id {id} twice");
                for (status, r) in &op.responses.responses {
                    if let RefOr::T(r) = r {
                        assert!(!r.description.is_empty(), "{method} {path} {status}");
                    }
                }
                for p in op.parameters.iter().flatten() {
                    if let RefOr::T(p) = p
                        && p.parameter_in == utoipa::openapi::path::ParameterIn::Path
                    {
                        assert!(
                            path.contains(&format!("{{{}}}", p.name)),
                            "{method} {path}: path parameter {} not in the path",
                            p.name
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn every_status_has_both_languages() {
        for s in [
            "200", "201", "202", "204", "400", "401", "403", "404", "409", "413", "415", "422",
            "429",
        ] {
            let d = describe(s);
            let chinese = d.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            let english = d.chars().any(|c| c.is_ascii_alphabetic());
            assert!(
                chinese && english && d.contains('/') && !d.starts_with("见说明"),
                "{s}: {d}"
            );
        }
    }
}
