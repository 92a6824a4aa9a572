//! Field schemas of the API's inputs that say what the validators in `src/domain` and
//! `src/service` enforce: enumerations from the same lists the server checks against,
//! region codes from the region table, and patterns for 身份证, USCC, phones and dates.
//! Used by `#[schema(schema_with = …)]` and `#[schema(pattern = …)]` on the input structs.
//!
//! Some rules cannot be said in JSON Schema (a check character, a county code that existed in
//! the birth year, a record that must exist, a date that must lie ahead): the description says
//! them and `scripts/api_contract.toml` names the operations where they can refuse a
//! schema-valid request.

use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{RefOr, schema};

use crate::domain::region::{DOUMEN, FUGONG, MEITAN, regions};

/// 身份证 (GB 11643-1999): 17 digits and a digit or X; the check character (ISO 7064 MOD
/// 11-2), the birth date and the county code's history are checked too.
pub const ID_CARD: &str = r"^[0-9]{17}[0-9Xx]$";
/// USCC (GB 32100-2015): 18 characters of `0-9A-HJ-NPQRTUWXY`, positions 3–8 digits; the
/// mod-31 check character is checked too.
pub const USCC: &str = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$";
/// A mainland mobile number (`+86`, spaces and hyphens are also accepted and dropped).
pub const PHONE: &str = r"^1[3-9][0-9]{9}$";
/// A date `YYYY-MM-DD` (years 1900–2199; `2026/3/1` and `2026年3月1日` are accepted too).
pub const DATE: &str = r"^(19|20|21)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$";
/// A date or nothing (a filter left empty).
pub const DATE_OR_EMPTY: &str = r"^((19|20|21)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8]))?$";
/// China time `YYYY-MM-DDTHH:MM`.
pub const DATE_TIME: &str =
    r"^20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3]):[0-5][0-9]$";
/// A person's name: 2–30 characters of Chinese, letters and `·`, words apart by one space.
pub const PERSON_NAME: &str = r"^[\u4e00-\u9fffA-Za-z·]+( [\u4e00-\u9fffA-Za-z·]+)*$";
/// A certificate level as typed: `四级/中级工`, `四级`, `中级工`, `四` or `4`.
pub const LEVEL: &str =
    r"^\s*([五四三二一]级[\s\S]*|初级工|中级工|高级工|技师|高级技师|[五四三二一1-5])\s*$";
/// A six-digit GB/T 2260 county code.
pub const COUNTY: &str = r"^[0-9]{6}$";
/// Text without control characters (tab and newline aside).
pub const TEXT: &str = r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*$";
/// Text with at least one character that is not a space, and no control characters.
pub const NOT_BLANK: &str =
    r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x08\x0b-\x1f\x7f-\x9f]*$";
/// Text with at least two characters that are not spaces, and no control characters.
pub const TWO_CHARS: &str = r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x08\x0b-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x08\x0b-\x1f\x7f-\x9f]*$";
/// A password the strength check takes: two of letters, digits and symbols (8–128
/// characters; not a common password, not the login).
pub const PASSWORD_CHARS: &str = r"[A-Za-z\u4e00-\u9fff].*[0-9]|[0-9].*[A-Za-z\u4e00-\u9fff]|[A-Za-z\u4e00-\u9fff].*[!-/:-@\[-`{-~]|[!-/:-@\[-`{-~].*[A-Za-z\u4e00-\u9fff]|[0-9].*[!-/:-@\[-`{-~]|[!-/:-@\[-`{-~].*[0-9]";

fn strings(values: &[&str], nullable: bool, description: &str) -> Schema {
    let mut values: Vec<serde_json::Value> = values.iter().map(|v| (*v).into()).collect();
    let ty = if nullable {
        values.push(serde_json::Value::Null);
        SchemaType::from_iter([Type::String, Type::Null])
    } else {
        SchemaType::Type(Type::String)
    };
    Schema::Object(
        ObjectBuilder::new()
            .schema_type(ty)
            .enum_values(Some(values))
            .description(Some(description))
            .build(),
    )
}

/// Codes and their Chinese labels, both accepted.
fn codes_and_labels(list: &[(&str, &str)]) -> Vec<&'static str> {
    list.iter()
        .flat_map(|(c, l)| [*c, *l])
        .map(|s| &*Box::leak(s.to_owned().into_boxed_str()))
        .collect()
}

fn leak(values: Vec<String>) -> Vec<&'static str> {
    values
        .into_iter()
        .map(|s| &*Box::leak(s.into_boxed_str()))
        .collect()
}

fn townships(counties: &[&str]) -> Vec<String> {
    counties
        .iter()
        .flat_map(|c| regions().townships_of(c))
        .map(|r| r.code.clone())
        .collect()
}

/// `role` of a new login.
pub fn role() -> Schema {
    strings(
        &["admin", "station", "employer", "trainer"],
        false,
        "admin、station、employer 或 trainer",
    )
}

/// `side` of a station.
pub fn side() -> Schema {
    strings(
        &["sending", "receiving"],
        false,
        "sending（输出地）或 receiving（输入地）",
    )
}

/// `to` of an application transition.
pub fn transition_to() -> Schema {
    strings(
        &[
            "applied",
            "interviewing",
            "offered",
            "hired",
            "rejected",
            "withdrawn",
        ],
        false,
        "applied（接受邀请）、interviewing、offered、hired（须 start_date 与 wage）、rejected（须 reason）或 withdrawn",
    )
}

/// `reason` of a refusal.
pub fn refusal_reason() -> Schema {
    strings(
        &crate::service::applications::REFUSAL_REASONS,
        true,
        "拒绝原因 / refusal reason (rejected, withdrawn)",
    )
}

/// `method` of a follow-up.
pub fn method() -> Schema {
    let v = codes_and_labels(&crate::service::followups::METHODS);
    strings(&v, false, "上门 visit、电话 phone 或 微信 wechat")
}

/// `problem` raised at a follow-up (`none`, `无` or empty: none).
pub fn followup_problem() -> Schema {
    let mut v = codes_and_labels(&crate::service::followups::PROBLEMS);
    v.extend(["", "none", "无"]);
    strings(&v, true, "问题 / problem (code or label); empty: none")
}

/// `problem` a worker reports.
pub fn problem() -> Schema {
    let v = codes_and_labels(&crate::service::followups::PROBLEMS);
    strings(
        &v,
        false,
        "欠薪、工伤、劳动纠纷、住宿、子女入学或其他 (code or label)",
    )
}

/// A programme code (or its Chinese name).
pub fn programme() -> Schema {
    strings(&programme_values(), false, "培训工程 / programme code")
}

/// A programme code, or null.
pub fn programme_or_null() -> Schema {
    strings(&programme_values(), true, "培训工程 / programme code")
}

fn programme_values() -> Vec<&'static str> {
    use crate::domain::programme::Programme;
    Programme::ALL
        .iter()
        .flat_map(|p| [p.code(), p.name()])
        .collect()
}

/// `kind` of an event.
pub fn event_kind() -> Schema {
    strings(
        &["job_fair", "trip"],
        false,
        "job_fair（招聘会）或 trip（点对点返岗专车）",
    )
}

/// `kind` filter of the event list.
pub fn event_kind_filter() -> Schema {
    strings(&["job_fair", "trip", ""], true, "job_fair 或 trip")
}

/// `stage` of a check-in.
pub fn stage() -> Schema {
    strings(
        &["boarded", "arrived", ""],
        true,
        "a trip: boarded（上车）或 arrived（到达）",
    )
}

/// `channel` of a job found without the platform.
pub fn channel() -> Schema {
    strings(
        &["self", "organised"],
        false,
        "self（自主就业）或 organised（有组织输出）",
    )
}

/// `indicator` of the assessment.
pub fn indicator() -> Schema {
    let v: Vec<&str> = crate::domain::assessment::Indicator::ALL
        .iter()
        .map(|i| i.code())
        .collect();
    strings(&v, true, "考核指标 / assessment indicator")
}

/// `county` of the assessment.
pub fn assessment_county() -> Schema {
    strings(
        &[MEITAN, FUGONG, ""],
        true,
        "520328（湄潭县）或 533323（福贡县）",
    )
}

/// `shift` of a vacancy.
pub fn shift() -> Schema {
    let mut v = crate::domain::employer::SHIFTS.to_vec();
    v.push("");
    strings(&v, false, "班次 / shift; empty: not said")
}

/// Education levels.
pub fn education() -> Schema {
    strings(
        &crate::domain::worker::EDUCATION_LEVELS,
        true,
        "文化程度 / education",
    )
}

/// Labour-capacity grades.
pub fn labour_capacity() -> Schema {
    strings(
        &crate::domain::worker::LABOUR_CAPACITY,
        true,
        "劳动能力 / labour capacity",
    )
}

/// A worker's hometown: a village (12 digits) or township (9 digits) of the region table.
pub fn hometown() -> Schema {
    let mut codes = Vec::new();
    for town in townships(&[MEITAN, FUGONG, DOUMEN]) {
        codes.extend(regions().villages_of(&town).iter().map(|v| v.code.clone()));
        codes.push(town);
    }
    strings(
        &leak(codes),
        false,
        "户籍村（12位）或乡镇（9位）代码 / village or township code",
    )
}

/// A Doumen township (an enterprise's town).
pub fn doumen_town() -> Schema {
    strings(
        &leak(townships(&[DOUMEN])),
        false,
        "斗门区镇街代码（9位）/ Doumen township code",
    )
}

/// A township of the three counties (a vacancy's town: Doumen, or Meitan/Fugong for a
/// 帮扶车间).
pub fn any_town() -> Schema {
    strings(
        &leak(townships(&[DOUMEN, MEITAN, FUGONG])),
        false,
        "乡镇代码（9位）：斗门区，帮扶车间可为湄潭县或福贡县 / township code",
    )
}

/// A township of Meitan or Fugong, or null (a trip leaves from it).
pub fn sending_town() -> Schema {
    strings(
        &leak(townships(&[MEITAN, FUGONG])),
        true,
        "a trip: 出发乡镇（湄潭县或福贡县）/ township it leaves from",
    )
}

/// A Doumen township, or null (a trip goes to it).
pub fn receiving_town() -> Schema {
    strings(
        &leak(townships(&[DOUMEN])),
        true,
        "a trip: 到达的斗门区镇街 / Doumen township it goes to",
    )
}

/// An occupation code of the taxonomy, empty or null (inferred).
pub fn occupation_code() -> Schema {
    let mut codes: Vec<String> = crate::domain::occupation::taxonomy()
        .all()
        .iter()
        .map(|o| o.code.clone())
        .collect();
    codes.push(String::new());
    strings(
        &leak(codes),
        true,
        "工种代码（GET /occupations）；空：自动识别 / occupation code; empty: inferred",
    )
}

/// An occupation code of the taxonomy or empty (clears the choice).
pub fn occupation_choice() -> Schema {
    let mut codes: Vec<String> = crate::domain::occupation::taxonomy()
        .all()
        .iter()
        .map(|o| o.code.clone())
        .collect();
    codes.push(String::new());
    strings(
        &leak(codes),
        false,
        "工种代码（GET /occupations），空：清除 / occupation code, empty clears",
    )
}

/// A list given as an array of strings or as one string `粤菜、炒锅`.
pub fn string_list() -> Schema {
    let item = ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .pattern(Some(r"^[^、，,；;/|\s\x00-\x1f\x7f-\x9f]{0,30}$"))
        .max_length(Some(30));
    Schema::OneOf(
        schema::OneOfBuilder::new()
            .item(
                schema::ArrayBuilder::new()
                    .items(item)
                    .max_items(Some(30))
                    .build(),
            )
            .item(
                ObjectBuilder::new()
                    .schema_type(SchemaType::Type(Type::String))
                    .pattern(Some(TEXT))
                    .max_length(Some(30)),
            )
            .item(ObjectBuilder::new().schema_type(SchemaType::Type(Type::Null)))
            .description(Some(
                "最多30项，每项不超过30个字：数组或一个字符串（、或，分隔）/ up to 30 items of 30 characters",
            ))
            .build(),
    )
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

const fn text(min: usize, max: usize) -> Field {
    Field::Str {
        pattern: match min {
            0 => Some(TEXT),
            1 => Some(NOT_BLANK),
            _ => Some(TWO_CHARS),
        },
        min: Some(min),
        max: Some(max),
        null: false,
    }
}

const fn text_or_null(max: usize) -> Field {
    Field::Str {
        pattern: Some(TEXT),
        min: None,
        max: Some(max),
        null: true,
    }
}

const fn pat(pattern: &'static str) -> Field {
    Field::Str {
        pattern: Some(pattern),
        min: None,
        max: None,
        null: false,
    }
}

const fn pat_or_null(pattern: &'static str) -> Field {
    Field::Str {
        pattern: Some(pattern),
        min: None,
        max: None,
        null: true,
    }
}

const fn int(min: i64, max: i64) -> Field {
    Field::Int {
        min,
        max,
        null: false,
    }
}

const fn int_or_null(min: i64, max: i64) -> Field {
    Field::Int {
        min,
        max,
        null: true,
    }
}

const WAGE: Field = int(0, crate::domain::values::MAX_WAGE);
const WAGE_OR_NULL: Field = int_or_null(0, crate::domain::values::MAX_WAGE);
const PASSWORD: Field = Field::Str {
    pattern: Some(PASSWORD_CHARS),
    min: Some(8),
    max: Some(128),
    null: false,
};

/// Fields of the request bodies, by schema name and property.
pub const FIELDS: &[(&str, &str, Field)] = &[
    ("TokenRequest", "login", text(1, 254)),
    (
        "TokenRequest",
        "password",
        Field::Str {
            pattern: None,
            min: Some(1),
            max: Some(128),
            null: false,
        },
    ),
    ("TokenRequest", "name", text_or_null(60)),
    ("ResetCodeRequest", "phone", pat(PHONE)),
    ("ResetRequest", "phone", pat(PHONE)),
    ("ResetRequest", "code", pat(r"^[0-9]{6}$")),
    ("ResetRequest", "password", PASSWORD),
    ("ResetLinkRequest", "email", Field::Email { null: false }),
    ("ResetByLinkRequest", "token", text(1, 200)),
    ("ResetByLinkRequest", "password", PASSWORD),
    (
        "WorkerInput",
        "name",
        Field::Str {
            pattern: Some(PERSON_NAME),
            min: Some(2),
            max: Some(30),
            null: false,
        },
    ),
    ("WorkerInput", "id_number", pat(ID_CARD)),
    ("WorkerInput", "phone", pat(PHONE)),
    ("WorkerInput", "hometown_code", Field::Of(hometown)),
    ("WorkerInput", "skills", Field::List),
    ("WorkerInput", "desired_jobs", Field::List),
    ("WorkerInput", "occupation_code", Field::Of(occupation_code)),
    ("WorkerInput", "expected_wage", WAGE_OR_NULL),
    ("WorkerInput", "email", Field::Email { null: true }),
    ("WorkerInput", "education", Field::Of(education)),
    ("WorkerInput", "labour_capacity", Field::Of(labour_capacity)),
    ("WorkerInput", "available_from", pat_or_null(DATE_OR_EMPTY)),
    (
        "WorkerInput",
        "password",
        Field::Str {
            pattern: Some(PASSWORD_CHARS),
            min: Some(8),
            max: Some(128),
            null: true,
        },
    ),
    ("Correction", "phone", pat_or_null(r"^(1[3-9][0-9]{9})?$")),
    ("Correction", "email", Field::Email { null: true }),
    (
        "Correction",
        "skills",
        Field::Str {
            pattern: None,
            min: None,
            max: Some(400),
            null: true,
        },
    ),
    (
        "Correction",
        "desired_jobs",
        Field::Str {
            pattern: None,
            min: None,
            max: Some(400),
            null: true,
        },
    ),
    ("Correction", "expected_wage", WAGE_OR_NULL),
    ("Correction", "available_from", pat_or_null(DATE_OR_EMPTY)),
    (
        "OccupationChoice",
        "occupation_code",
        Field::Of(occupation_choice),
    ),
    ("EmployerInput", "name", text(2, 100)),
    ("EmployerInput", "uscc", pat(USCC)),
    ("EmployerInput", "town_code", Field::Of(doumen_town)),
    ("EmployerInput", "address", text(0, 200)),
    (
        "EmployerInput",
        "contact_name",
        Field::Str {
            pattern: Some(PERSON_NAME),
            min: Some(2),
            max: Some(30),
            null: false,
        },
    ),
    ("EmployerInput", "contact_phone", pat(PHONE)),
    (
        "EmployerInput",
        "contact_email",
        Field::Email { null: false },
    ),
    ("VacancyInput", "title", text(2, 60)),
    ("VacancyInput", "description", text(0, 5000)),
    ("VacancyInput", "occupation", text(0, 30)),
    (
        "VacancyInput",
        "occupation_code",
        Field::Of(occupation_code),
    ),
    ("VacancyInput", "headcount", int(1, 10_000)),
    ("VacancyInput", "wage_min", WAGE),
    ("VacancyInput", "wage_max", WAGE),
    ("VacancyInput", "town_code", Field::Of(any_town)),
    ("VacancyInput", "shift", Field::Of(shift)),
    ("VacancyInput", "min_age", int_or_null(16, 70)),
    ("VacancyInput", "max_age", int_or_null(16, 70)),
    (
        "VacancyInput",
        "required_programme",
        Field::Of(programme_or_null),
    ),
    ("VacancyInput", "expires_on", pat(DATE)),
    ("FollowUpInput", "method", Field::Of(method)),
    ("FollowUpInput", "monthly_wage", WAGE_OR_NULL),
    ("FollowUpInput", "problem", Field::Of(followup_problem)),
    ("FollowUpInput", "note", text_or_null(1000)),
    ("FollowUpInput", "left_reason", text_or_null(500)),
    ("FoundJobInput", "employer_name", text(2, 60)),
    ("FoundJobInput", "workplace_county", pat(COUNTY)),
    ("FoundJobInput", "start_date", pat(DATE)),
    (
        "FoundJobInput",
        "wage",
        int(1, crate::domain::values::MAX_WAGE),
    ),
    ("FoundJobInput", "channel", Field::Of(channel)),
    ("ProblemInput", "problem", Field::Of(problem)),
    ("ProblemInput", "description", text(0, 500)),
    ("LeaveInput", "left_reason", text(1, 500)),
    ("ResolveInput", "resolution", text(2, 1000)),
    ("ApplicationInput", "vacancy_id", int(1, i64::MAX)),
    ("TransitionInput", "to", Field::Of(transition_to)),
    ("TransitionInput", "note", text_or_null(1000)),
    ("TransitionInput", "reason", Field::Of(refusal_reason)),
    ("TransitionInput", "start_date", pat_or_null(DATE_OR_EMPTY)),
    ("TransitionInput", "wage", WAGE_OR_NULL),
    ("EventInput", "kind", Field::Of(event_kind)),
    ("EventInput", "title", text(1, 80)),
    ("EventInput", "starts_at", pat(DATE_TIME)),
    ("EventInput", "place", text(1, 100)),
    ("EventInput", "capacity", int(1, 10_000)),
    ("EventInput", "from_town", Field::Of(sending_town)),
    ("EventInput", "to_town", Field::Of(receiving_town)),
    ("BoothInput", "vacancy_ids", Field::Ids { min: 1 }),
    ("SignUpInput", "id_number", pat_or_null(ID_CARD)),
    ("CheckInInput", "id_number", pat_or_null(ID_CARD)),
    ("CheckInInput", "stage", Field::Of(stage)),
    ("CheckInInput", "start_date", pat_or_null(DATE_OR_EMPTY)),
    ("CheckInInput", "wage", WAGE_OR_NULL),
    ("CourseInput", "programme", Field::Of(programme)),
    ("CourseInput", "title", text(2, 80)),
    ("CourseInput", "occupation", text(2, 30)),
    ("CourseInput", "start_date", pat(DATE)),
    ("CourseInput", "end_date", pat(DATE)),
    ("CourseInput", "place", text_or_null(100)),
    ("CourseInput", "capacity", int_or_null(1, 10_000)),
    (
        "CompletionInput",
        "certificate_no",
        pat_or_null(r"^[0-9A-Za-z-]{1,40}$"),
    ),
    ("CompletionInput", "issued_on", pat_or_null(DATE_OR_EMPTY)),
    (
        "CertificateInput",
        "programme",
        Field::Of(programme_or_null),
    ),
    ("CertificateInput", "occupation", text(2, 30)),
    ("CertificateInput", "level", pat(LEVEL)),
    (
        "CertificateInput",
        "certificate_no",
        pat(r"^[0-9A-Za-z-]{1,40}$"),
    ),
    ("CertificateInput", "issued_on", pat_or_null(DATE_OR_EMPTY)),
    ("CertificateInput", "issuer", text(2, 80)),
    ("DropInput", "reason", text(2, 200)),
    ("AttendanceInput", "session_date", pat(DATE)),
    ("OccupationsInput", "occupations", Field::Occupations),
    ("UserInput", "email", Field::Email { null: false }),
    ("UserInput", "password", PASSWORD),
    ("UserInput", "role", Field::Of(role)),
    ("StationInput", "name", text(2, 60)),
    ("StationInput", "side", Field::Of(side)),
    ("StationInput", "email", Field::Email { null: false }),
    ("StationInput", "county_code", pat_or_null(r"^([0-9]{6})?$")),
    (
        "StationInput",
        "phone",
        pat_or_null(r"^([0-9][0-9-]{6,19})?$"),
    ),
    ("SmsSetting", "enabled", Field::Bool),
    ("TargetInput", "value", int(0, 10_000_000)),
    (
        "TargetInput",
        "county",
        Field::Of(|| {
            strings(
                &[MEITAN, FUGONG],
                false,
                "520328（湄潭县）或 533323（福贡县）",
            )
        }),
    ),
    (
        "TargetInput",
        "indicator",
        Field::Of(|| {
            let v: Vec<&str> = crate::domain::assessment::Indicator::ALL
                .iter()
                .map(|i| i.code())
                .collect();
            strings(&v, false, "考核指标 / assessment indicator")
        }),
    ),
    ("ProviderInput", "name", text(2, 100)),
    ("ProviderInput", "email", Field::Email { null: false }),
];

/// Properties the server refuses to go without (422 naming the field), by schema name.
pub const REQUIRED: &[(&str, &[&str])] = &[
    ("TokenRequest", &["login", "password"]),
    ("ResetCodeRequest", &["phone"]),
    ("ResetRequest", &["phone", "code", "password"]),
    ("ResetLinkRequest", &["email"]),
    ("ResetByLinkRequest", &["token", "password"]),
    (
        "WorkerInput",
        &["name", "id_number", "phone", "hometown_code"],
    ),
    (
        "EmployerInput",
        &[
            "name",
            "uscc",
            "town_code",
            "contact_name",
            "contact_phone",
            "contact_email",
        ],
    ),
    (
        "VacancyInput",
        &[
            "title",
            "headcount",
            "wage_min",
            "wage_max",
            "town_code",
            "expires_on",
        ],
    ),
    ("FollowUpInput", &["method", "still_employed"]),
    (
        "FoundJobInput",
        &[
            "worker_id",
            "employer_name",
            "workplace_county",
            "start_date",
            "wage",
            "channel",
        ],
    ),
    ("ProblemInput", &["problem"]),
    ("LeaveInput", &["left_reason"]),
    ("ResolveInput", &["resolution"]),
    ("ApplicationInput", &["worker_id", "vacancy_id"]),
    ("TransitionInput", &["to"]),
    (
        "EventInput",
        &["kind", "title", "starts_at", "place", "capacity"],
    ),
    ("BoothInput", &["vacancy_ids"]),
    (
        "CourseInput",
        &["programme", "title", "occupation", "start_date", "end_date"],
    ),
    (
        "CertificateInput",
        &["occupation", "level", "certificate_no", "issuer"],
    ),
    ("DropInput", &["reason"]),
    ("AttendanceInput", &["session_date"]),
    ("OccupationsInput", &["occupations"]),
    ("SmsSetting", &["enabled"]),
    ("UserInput", &["email", "password", "role"]),
    ("StationInput", &["name", "side", "email"]),
    ("ProviderInput", &["name", "email"]),
];

/// Query parameters the server refuses to go without, by path and name.
pub const REQUIRED_PARAMS: &[(&str, &str)] = &[("/reports/assessment/people", "indicator")];

/// Query parameters, by path and name.
pub const PARAMS: &[(&str, &str, Field)] = &[
    (
        "/workers",
        "status",
        Field::Of(|| {
            strings(
                &["seeking", "placed", "inactive", ""],
                false,
                "seeking、placed 或 inactive",
            )
        }),
    ),
    (
        "/workers",
        "township",
        Field::Of(|| {
            strings(
                &leak(
                    townships(&[MEITAN, FUGONG, DOUMEN])
                        .into_iter()
                        .chain([String::new()])
                        .collect(),
                ),
                false,
                "乡镇代码（9位）",
            )
        }),
    ),
    (
        "/vacancies",
        "wage",
        pat(r"^([0-9]{1,5}|1[0-9]{5}|200000)?$"),
    ),
    (
        "/vacancies",
        "town",
        Field::Of(|| {
            strings(
                &leak(
                    townships(&[DOUMEN, MEITAN, FUGONG])
                        .into_iter()
                        .chain([String::new()])
                        .collect(),
                ),
                false,
                "乡镇代码（9位）",
            )
        }),
    ),
    (
        "/vacancies",
        "programme",
        Field::Of(|| {
            strings(
                &programme_values()
                    .into_iter()
                    .chain([""])
                    .collect::<Vec<_>>(),
                false,
                "培训工程 / programme code",
            )
        }),
    ),
    (
        "/followups",
        "status",
        Field::Of(|| {
            strings(
                &["due", "overdue", "done", "escalated", ""],
                false,
                "due、overdue、done 或 escalated",
            )
        }),
    ),
    (
        "/reports/monthly",
        "month",
        pat(r"^((20[0-9]{2}|2100)-(0?[1-9]|1[0-2]))?$"),
    ),
    ("/reports/assessment", "year", int_or_null(2000, 2100)),
    (
        "/reports/assessment",
        "county",
        Field::Of(assessment_county),
    ),
    ("/reports/assessment", "month", pat(r"^([1-9]|1[0-2])?$")),
    (
        "/reports/assessment/people",
        "year",
        int_or_null(2000, 2100),
    ),
    (
        "/reports/assessment/people",
        "county",
        Field::Of(assessment_county),
    ),
    (
        "/reports/assessment/people",
        "month",
        pat(r"^([1-9]|1[0-2])?$"),
    ),
    (
        "/reports/assessment/people",
        "indicator",
        Field::Of(|| {
            let v: Vec<&str> = crate::domain::assessment::Indicator::ALL
                .iter()
                .map(|i| i.code())
                .collect();
            strings(&v, false, "考核指标 / assessment indicator")
        }),
    ),
    ("/targets/{year}", "year", int(2000, 2100)),
    ("/events", "kind", Field::Of(event_kind_filter)),
    ("/events", "from", pat(DATE_OR_EMPTY)),
    ("/events", "to", pat(DATE_OR_EMPTY)),
    (
        "/courses",
        "programme",
        Field::Of(|| {
            strings(
                &programme_values()
                    .into_iter()
                    .chain([""])
                    .collect::<Vec<_>>(),
                false,
                "培训工程 / programme code",
            )
        }),
    ),
    ("/courses", "from", pat(DATE_OR_EMPTY)),
];

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

/// Examples of the main request bodies, each one the server takes as it stands (a test posts
/// them): a worker registering themselves, an enterprise, a vacancy (expiring 90 days after
/// `today`), an application moved to interview.
pub fn examples(today: time::Date) -> Vec<(&'static str, serde_json::Value)> {
    use crate::domain::values::fmt_date;
    let expires = fmt_date(today + time::Duration::days(90));
    vec![
        (
            "WorkerInput",
            serde_json::json!({
                "name": "冉小梅",
                "id_number": crate::domain::id_card::with_check_char("52032819980307021"),
                "phone": "13985210001",
                "hometown_code": "520328102",
                "skills": ["粤菜", "炒锅"],
                "desired_jobs": "厨师",
                "expected_wage": 5500,
                "needs_lodging": true,
                "household": {"poverty_alleviated": true, "monitored": false, "relocated": false, "zero_employment": false},
                "education": "初中",
                "consent": true,
                "password": "Meitan-2026-chef"
            }),
        ),
        (
            "EmployerInput",
            serde_json::json!({
                "name": "珠海斗门粤香楼餐饮有限公司",
                "uscc": crate::domain::uscc::with_check_char("91440403MA4UXK001"),
                "town_code": "440403105",
                "address": "乾务镇富山工业园1号",
                "contact_name": "李经理",
                "contact_phone": "13900001111",
                "contact_email": "hr@yuexianglou.example.com"
            }),
        ),
        (
            "VacancyInput",
            serde_json::json!({
                "title": "粤菜厨师",
                "description": "酒楼后厨，炒锅、砧板均可，包吃住，月休4天",
                "occupation": "中式烹调师",
                "occupation_code": "4-03-02-01",
                "headcount": 3,
                "wage_min": 6000,
                "wage_max": 8500,
                "town_code": "440403106",
                "lodging": true,
                "meals": true,
                "shift": "两班倒",
                "min_age": 18,
                "max_age": 50,
                "required_programme": "cantonese-chef",
                "expires_on": expires
            }),
        ),
        (
            "TransitionInput",
            serde_json::json!({"to": "interviewing", "note": "周三上午九点到店面试，请带身份证"}),
        ),
    ]
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
