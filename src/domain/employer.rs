//! Enterprises (用人单位) and their vacancies (岗位): raw input and validated values.

use serde::Deserialize;
use time::Date;
use utoipa::ToSchema;

use super::contact::{Email, MobilePhone, PersonName};
use super::occupation::OccupationCode;
use super::programme::Programme;
use super::region::RegionCode;
use super::text::clean_text;
use super::uscc::Uscc;
use super::values::{check_wage, parse_date};
use crate::error::FieldErrors;

/// Shift patterns an HR clerk picks from.
pub const SHIFTS: [&str; 5] = ["常白班", "两班倒", "三班倒", "做一休一", "弹性工作"];

/// An enterprise registration as it arrives.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct EmployerInput {
    pub name: String,
    /// 统一社会信用代码
    pub uscc: String,
    /// Doumen township code (9 digits)
    pub town_code: String,
    pub address: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
}

/// A validated enterprise registration.
#[derive(Debug, Clone)]
pub struct NewEmployer {
    pub name: String,
    pub uscc: Uscc,
    pub town: RegionCode,
    pub address: String,
    pub contact_name: PersonName,
    pub contact_phone: MobilePhone,
    pub contact_email: Email,
}

impl EmployerInput {
    pub fn parse(&self) -> Result<NewEmployer, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = e.take("name", text_field(&self.name, 2, 100, "单位名称"));
        let uscc = e.take("uscc", Uscc::parse(&self.uscc));
        let town = e.take("town_code", RegionCode::parse_doumen_town(&self.town_code));
        let address = e.take("address", text_field(&self.address, 0, 200, "地址"));
        let contact_name = e.take("contact_name", PersonName::parse(&self.contact_name));
        let contact_phone = e.take("contact_phone", MobilePhone::parse(&self.contact_phone));
        let contact_email = e.take("contact_email", Email::parse(&self.contact_email));
        match (
            name,
            uscc,
            town,
            address,
            contact_name,
            contact_phone,
            contact_email,
        ) {
            (Some(name), Some(uscc), Some(town), Some(address), Some(cn), Some(cp), Some(ce)) => {
                Ok(NewEmployer {
                    name,
                    uscc,
                    town,
                    address,
                    contact_name: cn,
                    contact_phone: cp,
                    contact_email: ce,
                })
            }
            _ => Err(e),
        }
    }
}

/// A vacancy as it arrives (create or edit).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct VacancyInput {
    pub title: String,
    pub description: String,
    /// 工种, e.g. 中式烹调师, 普工
    pub occupation: String,
    /// The occupation's code in the taxonomy (`GET /api/v1/occupations`); empty: inferred
    /// from the title, 工种 and description
    pub occupation_code: Option<String>,
    pub headcount: Option<i64>,
    pub wage_min: Option<i64>,
    pub wage_max: Option<i64>,
    /// Township code; Doumen, or Meitan/Fugong for a 帮扶车间
    pub town_code: String,
    /// 包住
    pub lodging: bool,
    /// 包吃
    pub meals: bool,
    pub shift: String,
    pub min_age: Option<i64>,
    pub max_age: Option<i64>,
    /// Programme code whose certificate the job asks for
    pub required_programme: Option<String>,
    /// `YYYY-MM-DD`
    pub expires_on: String,
    /// 帮扶车间
    pub assistance_workshop: bool,
    /// 顶岗实习
    pub internship: bool,
    /// Admin only: the enterprise the vacancy belongs to
    pub employer_id: Option<i64>,
}

/// A validated vacancy.
#[derive(Debug, Clone)]
pub struct NewVacancy {
    pub title: String,
    pub description: String,
    pub occupation: String,
    pub occupation_code: Option<OccupationCode>,
    pub headcount: i64,
    pub wage_min: i64,
    pub wage_max: i64,
    pub town: RegionCode,
    pub lodging: bool,
    pub meals: bool,
    pub shift: String,
    pub min_age: i64,
    pub max_age: i64,
    pub required_programme: Option<Programme>,
    pub expires_on: Date,
    pub assistance_workshop: bool,
    pub internship: bool,
}

impl VacancyInput {
    /// Validates a vacancy; `today` bounds the expiry date.
    pub fn parse(&self, today: Date) -> Result<NewVacancy, FieldErrors> {
        let mut e = FieldErrors::new();
        let title = e.take("title", text_field(&self.title, 2, 60, "岗位名称"));
        let description = e.take(
            "description",
            text_field(&self.description, 0, 5000, "岗位描述"),
        );
        let occupation = e.take("occupation", text_field(&self.occupation, 0, 30, "工种"));
        let occupation_code = match self.occupation_code.as_deref().map(str::trim) {
            Some(c) if !c.is_empty() => e.take("occupation_code", OccupationCode::parse(c)),
            _ => None,
        };
        let headcount = match self.headcount {
            None => {
                e.add("headcount", "请填写招聘人数");
                None
            }
            Some(h) if !(1..=10_000).contains(&h) => {
                e.add("headcount", "招聘人数应在1到10000之间");
                None
            }
            Some(h) => Some(h),
        };
        let wage_min = wage(&mut e, "wage_min", self.wage_min, "请填写最低月薪");
        let wage_max = wage(&mut e, "wage_max", self.wage_max, "请填写最高月薪");
        if let (Some(lo), Some(hi)) = (wage_min, wage_max)
            && lo > hi
        {
            e.add("wage_max", "最高月薪不能低于最低月薪");
        }
        let town_result = if self.assistance_workshop {
            RegionCode::parse_town(&self.town_code)
        } else {
            RegionCode::parse_doumen_town(&self.town_code)
        };
        let town = e.take("town_code", town_result);
        let shift = clean_text(&self.shift);
        if !shift.is_empty() && !SHIFTS.contains(&shift.as_str()) {
            e.add("shift", format!("班次应为以下之一：{}", SHIFTS.join("、")));
        }
        let min_age = self.min_age.unwrap_or(16);
        let max_age = self.max_age.unwrap_or(60);
        if !(16..=70).contains(&min_age) {
            e.add("min_age", "最低年龄应在16到70岁之间");
        }
        if !(16..=70).contains(&max_age) {
            e.add("max_age", "最高年龄应在16到70岁之间");
        } else if max_age < min_age {
            e.add("max_age", "最高年龄不能低于最低年龄");
        }
        let required_programme = match self.required_programme.as_deref().map(str::trim) {
            Some(p) if !p.is_empty() => e.take("required_programme", Programme::parse(p)),
            _ => None,
        };
        let expires_on = e.take("expires_on", parse_date(&self.expires_on));
        if let Some(d) = expires_on {
            if d < today {
                e.add("expires_on", "截止日期不能早于今天");
            } else if (d - today).whole_days() > 366 {
                e.add("expires_on", "截止日期最多为一年以后");
            }
        }
        if !e.is_empty() {
            return Err(e);
        }
        match (
            title,
            description,
            occupation,
            headcount,
            wage_min,
            wage_max,
            town,
            expires_on,
        ) {
            (
                Some(title),
                Some(description),
                Some(occupation),
                Some(headcount),
                Some(lo),
                Some(hi),
                Some(town),
                Some(exp),
            ) => Ok(NewVacancy {
                title,
                description,
                occupation,
                occupation_code,
                headcount,
                wage_min: lo,
                wage_max: hi,
                town,
                lodging: self.lodging,
                meals: self.meals,
                shift,
                min_age,
                max_age,
                required_programme,
                expires_on: exp,
                assistance_workshop: self.assistance_workshop,
                internship: self.internship,
            }),
            _ => Err(e),
        }
    }
}

fn wage(e: &mut FieldErrors, field: &str, value: Option<i64>, missing: &str) -> Option<i64> {
    match value {
        None => {
            e.add(field, missing);
            None
        }
        Some(v) => e.take(field, check_wage(v)),
    }
}

/// Trimmed free text between `min` and `max` characters.
pub fn text_field(input: &str, min: usize, max: usize, label: &str) -> Result<String, String> {
    let text = input.trim().replace('\r', "");
    let len = text.chars().count();
    if len < min {
        return Err(if len == 0 {
            format!("请填写{label}")
        } else {
            format!("{label}至少{min}个字")
        });
    }
    if len > max {
        return Err(format!("{label}不能超过{max}个字"));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(format!("{label}含有不可见的控制字符"));
    }
    Ok(text)
}
