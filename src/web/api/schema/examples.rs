//! Examples of the main request bodies.

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
