//! The API's inputs as the validators in `src/domain` and `src/service` enforce them: the
//! tables of `tables.rs` (request fields, required properties, query parameters) put
//! enumerations from the same lists the server checks against (`values.rs`), region codes
//! from the region table, patterns, lengths and ranges into the generated document, with the
//! examples of `examples.rs`. (Kept beside the structs rather than on them, so that the
//! structs stay as they are for the work of others; a unit test fails when a row no longer
//! finds its field.)
//!
//! Some rules cannot be said in JSON Schema (a check character, a county code that existed in
//! the birth year, a record that must exist, a date that must lie ahead): the description says
//! them and `scripts/api_contract.toml` names the operations where they can refuse a
//! schema-valid request.

mod examples;
mod tables;
mod values;

pub use examples::examples;
pub use tables::{FIELDS, PARAMS, REQUIRED, REQUIRED_PARAMS};
pub use values::*;

use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{RefOr, schema};

/// What one field of a request is.
#[derive(Clone, Copy)]
pub enum Field {
    /// A schema of its own (enumerations).
    Of(fn() -> Schema),
    /// A string: pattern (unanchored, as JSON Schema reads it), lengths, null allowed.
    Str {
        pattern: Option<&'static str>,
        min: Option<usize>,
        max: Option<usize>,
        null: bool,
    },
    /// A whole number in a range, null allowed.
    Int { min: i64, max: i64, null: bool },
    /// An array of whole numbers with at least `min` items.
    Ids { min: usize },
    /// An e-mail address.
    Email { null: bool },
    /// A list as an array or one string.
    List,
    /// A programme's occupations: 1–50 of at most 30 characters.
    Occupations,
    /// true or false, not null.
    Bool,
}

impl Field {
    /// The schema of this field.
    pub fn schema(self) -> Schema {
        let ty = |t: Type, null: bool| {
            if null {
                SchemaType::from_iter([t, Type::Null])
            } else {
                SchemaType::Type(t)
            }
        };
        match self {
            Field::Of(f) => f(),
            Field::Str {
                pattern,
                min,
                max,
                null,
            } => Schema::Object(
                ObjectBuilder::new()
                    .schema_type(ty(Type::String, null))
                    .pattern(pattern)
                    .min_length(min)
                    .max_length(max)
                    .build(),
            ),
            Field::Int { min, max, null } => Schema::Object(
                ObjectBuilder::new()
                    .schema_type(ty(Type::Integer, null))
                    .format(Some(schema::SchemaFormat::KnownFormat(
                        schema::KnownFormat::Int64,
                    )))
                    .minimum(Some(min as f64))
                    // (no maximum for ids: i64::MAX has no exact f64)
                    .maximum((max != i64::MAX).then_some(max as f64))
                    .build(),
            ),
            Field::Ids { min } => Schema::Array(
                schema::ArrayBuilder::new()
                    .items(
                        ObjectBuilder::new()
                            .schema_type(SchemaType::Type(Type::Integer))
                            .format(Some(schema::SchemaFormat::KnownFormat(
                                schema::KnownFormat::Int64,
                            )))
                            .minimum(Some(1.0)),
                    )
                    .min_items(Some(min))
                    .build(),
            ),
            Field::Email { null } => {
                let email = ObjectBuilder::new()
                    .schema_type(SchemaType::Type(Type::String))
                    .format(Some(schema::SchemaFormat::KnownFormat(
                        schema::KnownFormat::Email,
                    )))
                    .max_length(Some(254))
                    .build();
                if null {
                    // an optional address: an address, empty or null (none)
                    Schema::OneOf(
                        schema::OneOfBuilder::new()
                            .item(email)
                            .item(
                                ObjectBuilder::new()
                                    .schema_type(SchemaType::Type(Type::String))
                                    .max_length(Some(0)),
                            )
                            .item(ObjectBuilder::new().schema_type(SchemaType::Type(Type::Null)))
                            .build(),
                    )
                } else {
                    Schema::Object(email)
                }
            }
            Field::List => string_list(),
            Field::Bool => Schema::Object(
                ObjectBuilder::new()
                    .schema_type(SchemaType::Type(Type::Boolean))
                    .build(),
            ),
            Field::Occupations => Schema::Array(
                schema::ArrayBuilder::new()
                    .items(
                        ObjectBuilder::new()
                            .schema_type(SchemaType::Type(Type::String))
                            .pattern(Some(r"^[^\s、，,；;/|\x00-\x1f\x7f-\x9f]{1,30}$"))
                            .max_length(Some(30)),
                    )
                    .min_items(Some(1))
                    .max_items(Some(50))
                    .description(Some("1–50 个工种，每个不超过30字 / 1–50 occupations"))
                    .build(),
            ),
        }
    }
}

/// Puts the fields, required lists and query parameters of this module into the document.
pub fn apply(doc: &mut utoipa::openapi::OpenApi) {
    upload_body(doc);
    if let Some(components) = doc.components.as_mut() {
        for (name, example) in examples(crate::domain::today()) {
            if let Some(RefOr::T(Schema::Object(o))) = components.schemas.get_mut(name) {
                o.examples = vec![example];
            }
        }
    }
    if let Some(components) = doc.components.as_mut() {
        for (name, prop, field) in FIELDS {
            if let Some(RefOr::T(Schema::Object(o))) = components.schemas.get_mut(*name)
                && let Some(slot) = o.properties.get_mut(*prop)
            {
                let description = match slot {
                    RefOr::T(Schema::Object(old)) => old.description.clone(),
                    _ => None,
                };
                *slot = RefOr::T(with_description(field.schema(), description));
            }
        }
        for (name, props) in REQUIRED {
            if let Some(RefOr::T(Schema::Object(o))) = components.schemas.get_mut(*name) {
                for p in *props {
                    if !o.required.iter().any(|r| r == p) {
                        o.required.push((*p).to_owned());
                    }
                }
            }
        }
    }
    for (path, item) in doc.paths.paths.iter_mut() {
        let ops: [Option<&mut Operation>; 5] = [
            item.get.as_mut(),
            item.put.as_mut(),
            item.post.as_mut(),
            item.delete.as_mut(),
            item.patch.as_mut(),
        ];
        for op in ops.into_iter().flatten() {
            for param in op.parameters.iter_mut().flatten() {
                let RefOr::T(param) = param else { continue };
                if let Some((_, _, field)) = PARAMS
                    .iter()
                    .find(|(p, n, _)| *p == path.as_str() && *n == param.name)
                {
                    let description = match &param.schema {
                        Some(RefOr::T(Schema::Object(old))) => old.description.clone(),
                        _ => None,
                    };
                    param.schema = Some(RefOr::T(with_description(field.schema(), description)));
                }
                if REQUIRED_PARAMS.contains(&(path.as_str(), param.name.as_str())) {
                    param.required = utoipa::openapi::Required::True;
                }
            }
        }
    }
}

/// The ledger upload: a multipart body with the field `file`.
fn upload_body(doc: &mut utoipa::openapi::OpenApi) {
    let Some(op) = doc
        .paths
        .paths
        .get_mut("/imports")
        .and_then(|i| i.post.as_mut())
    else {
        return;
    };
    let Some(RefOr::T(body)) = op.request_body.as_mut() else {
        return;
    };
    body.required = Some(utoipa::openapi::Required::True);
    if let Some(content) = body.content.get_mut("multipart/form-data") {
        let Some(RefOr::T(content)) = Some(content) else {
            return;
        };
        content.schema = Some(RefOr::T(Schema::Object(
            ObjectBuilder::new()
                .schema_type(SchemaType::Type(Type::Object))
                .property(
                    "file",
                    // (any bytes: whether they are a ledger, the import job says)
                    ObjectBuilder::new()
                        .content_media_type("application/octet-stream")
                        .description(Some(
                            "台账文件（.xlsx、.xls 或 .csv，最大 50 MiB）/ the ledger file",
                        )),
                )
                .required("file")
                .build(),
        )));
    }
}

/// Keeps the description written on the struct's field, if any.
fn with_description(schema: Schema, description: Option<String>) -> Schema {
    match (schema, description) {
        (Schema::Object(mut o), Some(d)) => {
            o.description = Some(match o.description.take() {
                Some(mine) => format!("{d} ({mine})"),
                None => d,
            });
            Schema::Object(o)
        }
        (s, _) => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The enumerations hold what the validators accept.
    #[test]
    fn the_enumerations_are_the_validators_lists() {
        let json = |s: Schema| serde_json::to_value(s).unwrap_or_default();
        let town = json(doumen_town());
        let towns = town["enum"].as_array().cloned().unwrap_or_default();
        assert_eq!(towns.len(), 6, "{town}");
        for t in &towns {
            let t = t.as_str().unwrap_or_default();
            assert!(
                crate::domain::region::RegionCode::parse_doumen_town(t).is_ok(),
                "{t}"
            );
        }
        let home = json(hometown());
        for c in home["enum"].as_array().into_iter().flatten() {
            let c = c.as_str().unwrap_or_default();
            assert!(crate::domain::region::RegionCode::parse(c).is_ok(), "{c}");
        }
        for p in json(programme())["enum"].as_array().into_iter().flatten() {
            let p = p.as_str().unwrap_or_default();
            assert!(crate::domain::programme::Programme::parse(p).is_ok(), "{p}");
        }
        assert!(json(role())["enum"].to_string().contains("trainer"));
    }

    /// Every row of the tables lands on a property, parameter or schema of the document (a
    /// renamed field fails here instead of silently losing its constraints).
    #[test]
    fn every_row_finds_its_field() {
        let doc = serde_json::to_value(crate::web::api::document()).unwrap_or_default();
        let schemas = &doc["components"]["schemas"];
        for (name, prop, _) in FIELDS {
            assert!(
                schemas[name]["properties"].get(prop).is_some(),
                "{name}.{prop} is not in the document"
            );
        }
        for (name, props) in REQUIRED {
            for p in *props {
                assert!(schemas[name]["properties"].get(p).is_some(), "{name}.{p}");
                let required = schemas[name]["required"].to_string();
                assert!(
                    required.contains(&format!("\"{p}\"")),
                    "{name}.{p} not required"
                );
            }
        }
        for (path, name, _) in PARAMS {
            let item = &doc["paths"][path];
            assert!(
                item.to_string().contains(&format!("\"name\":\"{name}\"")),
                "{path} ?{name} is not in the document"
            );
        }
        for (name, _) in examples(crate::domain::today()) {
            assert!(schemas[name]["examples"][0].is_object(), "{name} example");
        }
    }

    /// The examples pass the validators (the integration test posts them, too).
    #[test]
    fn the_examples_pass_the_validators() {
        let today = crate::domain::today();
        for (name, example) in examples(today) {
            match name {
                "WorkerInput" => {
                    let w: crate::domain::worker::WorkerInput =
                        serde_json::from_value(example).expect("worker");
                    assert!(w.parse(today).is_ok(), "{:?}", w.parse(today).err());
                }
                "EmployerInput" => {
                    let e: crate::domain::employer::EmployerInput =
                        serde_json::from_value(example).expect("employer");
                    assert!(e.parse().is_ok(), "{:?}", e.parse().err());
                }
                "VacancyInput" => {
                    let v: crate::domain::employer::VacancyInput =
                        serde_json::from_value(example).expect("vacancy");
                    assert!(v.parse(today).is_ok(), "{:?}", v.parse(today).err());
                }
                _ => {}
            }
        }
    }
}
