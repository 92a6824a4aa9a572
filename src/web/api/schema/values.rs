//! Patterns and enumerations of the API's inputs, from the same lists the validators use.

use utoipa::openapi::schema;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};

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

pub fn strings(values: &[&str], nullable: bool, description: &str) -> Schema {
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
pub fn codes_and_labels(list: &[(&str, &str)]) -> Vec<&'static str> {
    list.iter()
        .flat_map(|(c, l)| [*c, *l])
        .map(|s| &*Box::leak(s.to_owned().into_boxed_str()))
        .collect()
}

pub fn leak(values: Vec<String>) -> Vec<&'static str> {
    values
        .into_iter()
        .map(|s| &*Box::leak(s.into_boxed_str()))
        .collect()
}

pub fn townships(counties: &[&str]) -> Vec<String> {
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

pub fn programme_values() -> Vec<&'static str> {
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
