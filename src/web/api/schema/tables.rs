//! The tables: what each request field is, which are required, what each query parameter is.

use super::Field;
use super::values::*;
use crate::domain::region::{DOUMEN, FUGONG, MEITAN};
use utoipa::openapi::schema::Schema;

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

pub const fn text_or_null(max: usize) -> Field {
    Field::Str {
        pattern: Some(TEXT),
        min: None,
        max: Some(max),
        null: true,
    }
}

pub const fn pat(pattern: &'static str) -> Field {
    Field::Str {
        pattern: Some(pattern),
        min: None,
        max: None,
        null: false,
    }
}

pub const fn pat_or_null(pattern: &'static str) -> Field {
    Field::Str {
        pattern: Some(pattern),
        min: None,
        max: None,
        null: true,
    }
}

pub const fn int(min: i64, max: i64) -> Field {
    Field::Int {
        min,
        max,
        null: false,
    }
}

pub const fn int_or_null(min: i64, max: i64) -> Field {
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
    ("HeadInput", "head", Field::Bool),
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
    ("HeadInput", &["head"]),
    ("UserInput", &["email", "password", "role"]),
    ("StationInput", &["name", "side", "email"]),
    ("ProviderInput", &["name", "email"]),
];

/// Query parameters the server refuses to go without, by path and name.
pub const REQUIRED_PARAMS: &[(&str, &str)] = &[("/reports/assessment/people", "indicator")];

/// A filter by township: any township code of the three counties, or empty.
fn township_filter() -> Schema {
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
}

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
    ("/workers", "township", Field::Of(township_filter)),
    (
        "/vacancies",
        "wage",
        pat(r"^([0-9]{1,5}|1[0-9]{5}|200000)?$"),
    ),
    ("/vacancies", "town", Field::Of(township_filter)),
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
        "/cases",
        "status",
        Field::Of(|| {
            strings(
                &["open", "all", "escalated", ""],
                false,
                "open、all 或 escalated",
            )
        }),
    ),
    (
        "/escalations",
        "level",
        Field::Of(|| {
            strings(
                &["head", "bureau", "escalated", ""],
                false,
                "head 或 bureau",
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
