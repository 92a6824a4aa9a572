//! A worker's real-name registration: the raw input as it arrives (API JSON, page form,
//! ledger row) and the validated [`NewWorker`] that the database stores.

use serde::Deserialize;
use time::Date;
use utoipa::ToSchema;

use super::contact::{Email, MobilePhone, PersonName};
use super::id_card::IdCardNumber;
use super::occupation::OccupationCode;
use super::region::RegionCode;
use super::text::{clean_text, split_list};
use super::values::{check_wage, parse_date};
use crate::error::FieldErrors;

/// Youngest age at which a job seeker may register (劳动法: 16).
pub const MIN_WORKING_AGE: i32 = 16;

/// Education levels as ledgers record them.
pub const EDUCATION_LEVELS: [&str; 6] = [
    "小学及以下",
    "初中",
    "高中",
    "中专/技校",
    "大专",
    "本科及以上",
];

/// Labour-capacity grades of the national monitoring system.
pub const LABOUR_CAPACITY: [&str; 6] = [
    "普通劳动力",
    "技能劳动力",
    "弱劳动力或半劳动力",
    "丧失劳动力",
    "无劳动力",
    "无劳动能力",
];

/// A list typed either as a JSON array or as one string `粤菜、炒锅`.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, ToSchema)]
#[serde(untagged)]
pub enum StringList {
    #[default]
    None,
    Many(Vec<String>),
    One(String),
}

impl StringList {
    pub fn items(&self) -> Vec<String> {
        match self {
            StringList::None => Vec::new(),
            StringList::One(s) => split_list(s),
            StringList::Many(v) => split_list(&v.join("、")),
        }
    }
}

/// Household situation (户情况) that decides the support a worker gets.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema, PartialEq, Eq, serde::Serialize)]
#[serde(default)]
pub struct Household {
    /// 脱贫户
    pub poverty_alleviated: bool,
    /// 监测对象 (防返贫监测)
    pub monitored: bool,
    /// 易地搬迁户
    pub relocated: bool,
    /// 零就业家庭
    pub zero_employment: bool,
}

impl Household {
    /// Chinese labels of the flags that are set.
    pub fn labels(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.poverty_alleviated {
            v.push("脱贫户");
        }
        if self.monitored {
            v.push("监测对象");
        }
        if self.relocated {
            v.push("易地搬迁户");
        }
        if self.zero_employment {
            v.push("零就业家庭");
        }
        v
    }
}

/// A registration as it arrives; every field may be missing or wrong.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct WorkerInput {
    /// 姓名
    pub name: String,
    /// 18-character 身份证 number
    pub id_number: String,
    /// 11-digit mobile phone
    pub phone: String,
    /// 12-digit village code, or 9-digit township code
    pub hometown_code: String,
    pub skills: StringList,
    pub desired_jobs: StringList,
    /// 工种 code from the taxonomy (`GET /api/v1/occupations`); empty: inferred from skills
    /// and wanted jobs
    pub occupation_code: Option<String>,
    /// 期望月薪, whole yuan
    pub expected_wage: Option<i64>,
    pub needs_lodging: bool,
    pub household: Household,
    pub email: Option<String>,
    pub education: Option<String>,
    pub labour_capacity: Option<String>,
    /// `YYYY-MM-DD`
    pub available_from: Option<String>,
    /// Self-registration: the person agrees to the privacy notice.
    pub consent: bool,
    /// Self-registration: the password of the new login.
    pub password: Option<String>,
    /// Admin only: the station whose caseload the worker joins.
    pub station_id: Option<i64>,
}

/// A validated registration.
#[derive(Debug, Clone)]
pub struct NewWorker {
    pub name: PersonName,
    pub id_number: IdCardNumber,
    pub phone: MobilePhone,
    pub hometown: RegionCode,
    pub household: Household,
    pub skills: Vec<String>,
    pub desired_jobs: Vec<String>,
    pub occupation_code: Option<OccupationCode>,
    pub expected_wage: Option<i64>,
    pub needs_lodging: bool,
    pub email: Option<Email>,
    pub education: Option<String>,
    pub labour_capacity: Option<String>,
    pub available_from: Option<Date>,
}

impl WorkerInput {
    /// Validates every field, collecting all errors at once.
    pub fn parse(&self, today: Date) -> Result<NewWorker, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = e.take("name", PersonName::parse(&self.name));
        let id_number = e.take("id_number", IdCardNumber::parse(&self.id_number, today));
        if let Some(id) = &id_number
            && id.age_on(today) < MIN_WORKING_AGE
        {
            e.add("id_number", "求职登记须年满16周岁");
        }
        let phone = e.take("phone", MobilePhone::parse(&self.phone));
        let hometown = e.take("hometown_code", RegionCode::parse(&self.hometown_code));
        let skills = self.skills.items();
        let desired_jobs = self.desired_jobs.items();
        for (field, list) in [("skills", &skills), ("desired_jobs", &desired_jobs)] {
            if list.len() > 30 || list.iter().any(|s| s.chars().count() > 30) {
                e.add(field, "最多30项，每项不超过30个字");
            }
        }
        let occupation_code = match self.occupation_code.as_deref().map(str::trim) {
            Some(c) if !c.is_empty() => e.take("occupation_code", OccupationCode::parse(c)),
            _ => None,
        };
        let expected_wage = match self.expected_wage {
            Some(w) => e.take("expected_wage", check_wage(w)),
            None => None,
        };
        let email = match self.email.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => e.take("email", Email::parse(s)),
            _ => None,
        };
        let education = e.take(
            "education",
            one_of(self.education.as_deref(), &EDUCATION_LEVELS),
        );
        let labour_capacity = e.take(
            "labour_capacity",
            one_of(self.labour_capacity.as_deref(), &LABOUR_CAPACITY),
        );
        let available_from = match self.available_from.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => e.take("available_from", parse_date(s)),
            _ => None,
        };
        match (name, id_number, phone, hometown) {
            (Some(name), Some(id_number), Some(phone), Some(hometown)) if e.is_empty() => {
                Ok(NewWorker {
                    name,
                    id_number,
                    phone,
                    hometown,
                    household: self.household,
                    skills,
                    desired_jobs,
                    occupation_code,
                    expected_wage,
                    needs_lodging: self.needs_lodging,
                    email,
                    education: education.flatten(),
                    labour_capacity: labour_capacity.flatten(),
                    available_from,
                })
            }
            _ => Err(e),
        }
    }
}

/// The usual ways ledgers write an education level or labour capacity, mapped to ours.
fn synonym(v: &str) -> &str {
    match v {
        "文盲" | "半文盲" | "小学" | "学龄前" => "小学及以下",
        "中专" | "技校" | "职高" | "中职" => "中专/技校",
        "高职" | "专科" => "大专",
        "本科" | "研究生" | "硕士" | "博士" => "本科及以上",
        "弱劳动力" | "半劳动力" => "弱劳动力或半劳动力",
        "丧失劳动力" | "无劳动力" => "无劳动能力",
        other => other,
    }
}

/// `None` for blank, the value when it is one of `allowed`.
fn one_of(value: Option<&str>, allowed: &[&str]) -> Result<Option<String>, String> {
    match value.map(clean_text).map(|v| synonym(&v).to_owned()) {
        None => Ok(None),
        Some(v) if v.is_empty() => Ok(None),
        Some(v) if allowed.contains(&v.as_str()) => Ok(Some(v)),
        Some(_) => Err(format!("应为以下之一：{}", allowed.join("、"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::id_card::with_check_char;
    use time::macros::date;

    fn input() -> WorkerInput {
        WorkerInput {
            name: "王小明".into(),
            id_number: with_check_char("52032819900101001"),
            phone: "13800138000".into(),
            hometown_code: "520328004".into(),
            skills: StringList::One("粤菜、炒锅".into()),
            ..Default::default()
        }
    }

    #[test]
    fn parses_a_good_registration() {
        let w = input().parse(date!(2026 - 11 - 30)).unwrap();
        assert_eq!(w.skills, vec!["粤菜", "炒锅"]);
    }

    #[test]
    fn collects_every_error_and_refuses_minors() {
        let mut i = input();
        i.id_number = with_check_char("52032820150101001");
        i.phone = "123".into();
        i.education = Some("博士后".into());
        let e = i.parse(date!(2026 - 11 - 30)).unwrap_err();
        assert!(e.first("id_number").unwrap().contains("16"));
        assert!(e.first("phone").is_some());
        assert!(e.first("education").is_some());
    }
}
