//! The ledger's Chinese headers and one row → a registration plus the ledger's own facts.

use crate::domain::region::{FUGONG, MEITAN, regions};
use crate::domain::values::{parse_flag, parse_wage};
use crate::domain::worker::{Household, LABOUR_CAPACITY, StringList, WorkerInput};
use crate::error::FieldErrors;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Name,
    IdNumber,
    Phone,
    County,
    Township,
    Village,
    Poverty,
    Monitored,
    Relocated,
    ZeroEmployment,
    Skills,
    DesiredJobs,
    ExpectedWage,
    Education,
    LabourCapacity,
    NeedsLodging,
    HouseholdNo,
    WorkPlace,
    EmploymentNote,
    MonthlyIncome,
    Email,
    WorkProvince,
    WorkCity,
    WorkCounty,
    Channel,
}

/// Accepted header texts (after removing spaces and brackets) → column.
pub const HEADERS: &[(&str, Col)] = &[
    ("姓名", Col::Name),
    ("身份证号码", Col::IdNumber),
    ("身份证号", Col::IdNumber),
    ("公民身份号码", Col::IdNumber),
    ("证件号码", Col::IdNumber),
    ("联系电话", Col::Phone),
    ("手机号码", Col::Phone),
    ("电话", Col::Phone),
    ("县", Col::County),
    ("县区", Col::County),
    ("乡镇", Col::Township),
    ("乡镇街道", Col::Township),
    ("村", Col::Village),
    ("村社区", Col::Village),
    ("行政村", Col::Village),
    ("是否脱贫户", Col::Poverty),
    ("是否监测对象", Col::Monitored),
    ("是否易地搬迁", Col::Relocated),
    ("是否易地扶贫搬迁", Col::Relocated),
    ("是否零就业家庭", Col::ZeroEmployment),
    ("劳动技能", Col::Skills),
    ("技能", Col::Skills),
    ("就业意愿", Col::DesiredJobs),
    ("求职意向", Col::DesiredJobs),
    ("期望月薪", Col::ExpectedWage),
    ("文化程度", Col::Education),
    ("劳动能力", Col::LabourCapacity),
    ("是否需要住宿", Col::NeedsLodging),
    ("户编号", Col::HouseholdNo),
    ("务工地点", Col::WorkPlace),
    ("务工状态", Col::EmploymentNote),
    ("就业状态", Col::EmploymentNote),
    ("月收入", Col::MonthlyIncome),
    ("电子邮箱", Col::Email),
    ("务工省", Col::WorkProvince),
    ("务工省份", Col::WorkProvince),
    ("务工市", Col::WorkCity),
    ("务工城市", Col::WorkCity),
    ("务工县", Col::WorkCounty),
    ("务工县区", Col::WorkCounty),
    ("就业渠道", Col::Channel),
    ("就业方式", Col::Channel),
];

/// 就业渠道 as written in ledgers → `organised` (by a station, a 劳务 company, a 点对点 trip)
/// or `self` (found alone, through relatives).
pub fn parse_channel(text: &str) -> Result<Option<&'static str>, &'static str> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if [
        "组织",
        "劳务输出",
        "工作站",
        "点对点",
        "专列",
        "专车",
        "平台",
        "推荐",
    ]
    .iter()
    .any(|w| t.contains(w))
    {
        Ok(Some("organised"))
    } else if ["自主", "自谋", "自行", "自己", "亲友", "老乡", "自发"]
        .iter()
        .any(|w| t.contains(w))
    {
        Ok(Some("self"))
    } else {
        Err("应为“组织化就业”或“自主就业”")
    }
}

/// The Chinese name of a column (for messages).
pub fn col_name(c: Col) -> &'static str {
    HEADERS.iter().find(|(_, x)| *x == c).map_or("", |(h, _)| h)
}

fn normalize_header(h: &str) -> String {
    h.chars()
        .filter(|c| !c.is_whitespace() && !"()（）[]【】*：:".contains(*c))
        .collect()
}

/// The column layout of a header row, and the headers it does not know.
pub struct Layout {
    pub cols: Vec<Option<Col>>,
    pub unknown: Vec<String>,
}

impl Layout {
    pub fn of(header: &[String]) -> Result<Self, String> {
        let mut cols = Vec::new();
        let mut unknown = Vec::new();
        for h in header {
            let n = normalize_header(h);
            let col = HEADERS.iter().find(|(k, _)| *k == n).map(|(_, c)| *c);
            if col.is_none() && !n.is_empty() && n != "序号" {
                unknown.push(h.clone());
            }
            cols.push(col);
        }
        for needed in [Col::Name, Col::IdNumber, Col::Phone, Col::Township] {
            if !cols.contains(&Some(needed)) {
                return Err(format!("表头缺少“{}”列", col_name(needed)));
            }
        }
        Ok(Self { cols, unknown })
    }

    fn get<'a>(&self, row: &'a [String], col: Col) -> &'a str {
        self.cols
            .iter()
            .position(|c| *c == Some(col))
            .and_then(|i| row.get(i))
            .map_or("", |s| s.as_str())
    }
}

/// The ledger's facts beyond the registration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extra {
    pub household_no: Option<String>,
    pub work_place: Option<String>,
    pub employment_note: Option<String>,
    pub monthly_income: Option<i64>,
    /// 就业渠道: `organised` or `self`
    pub work_channel: Option<String>,
}

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// Turns one row into a registration; errors are keyed by the ledger's column names.
pub fn parse_row(layout: &Layout, row: &[String]) -> (WorkerInput, Extra, FieldErrors) {
    let mut e = FieldErrors::new();
    let g = |c| layout.get(row, c);
    // hometown: township (and village) by name, in Meitan or Fugong (or the county given)
    let county = match g(Col::County).trim() {
        "" => None,
        c if c.contains("福贡") => Some(FUGONG),
        c if c.contains("湄潭") => Some(MEITAN),
        c => {
            e.add("县", format!("“{c}”不是本平台服务的县（湄潭县、福贡县）"));
            None
        }
    };
    let town_name = g(Col::Township);
    let township = if town_name.trim().is_empty() {
        e.add("乡镇", "请填写乡镇");
        None
    } else {
        let r = regions();
        let found = match county {
            Some(c) => r.township_by_name(Some(c), town_name),
            None => r
                .township_by_name(Some(MEITAN), town_name)
                .or_else(|| r.township_by_name(Some(FUGONG), town_name)),
        };
        if found.is_none() {
            e.add("乡镇", format!("找不到乡镇“{}”", town_name.trim()));
        }
        found
    };
    let hometown_code = match township {
        Some(t) => {
            let village = g(Col::Village);
            if village.trim().is_empty() {
                t.code.clone()
            } else {
                match regions().village_by_name(&t.code, village) {
                    Some(v) => v.code.clone(),
                    None => {
                        e.add(
                            "村",
                            format!("{}没有“{}”这个村（社区）", t.name, village.trim()),
                        );
                        t.code.clone()
                    }
                }
            }
        }
        None => String::new(),
    };
    let mut flag = |col: Col| -> bool {
        match parse_flag(g(col)) {
            Ok(b) => b,
            Err(m) => {
                e.add(col_name(col), format!("“{}”：{m}", g(col)));
                false
            }
        }
    };
    let household = Household {
        poverty_alleviated: flag(Col::Poverty),
        monitored: flag(Col::Monitored),
        relocated: flag(Col::Relocated),
        zero_employment: flag(Col::ZeroEmployment),
    };
    let needs_lodging = flag(Col::NeedsLodging);
    let expected_wage = match opt(g(Col::ExpectedWage)) {
        Some(w) => e.take("期望月薪", parse_wage(&w)),
        None => None,
    };
    let monthly_income = match opt(g(Col::MonthlyIncome)) {
        Some(w) => e.take("月收入", parse_wage(&w)),
        None => None,
    };
    // national ledgers keep the labour-capacity grade (普通劳动力 …) in 劳动技能
    let skills_text = g(Col::Skills).trim();
    let (skills_text, capacity_from_skills) = if LABOUR_CAPACITY.contains(&skills_text) {
        ("", Some(skills_text.to_owned()))
    } else {
        (skills_text, None)
    };
    // 务工省/务工市/务工县 (when present) before the free-text 务工地点
    let structured: String = [Col::WorkProvince, Col::WorkCity, Col::WorkCounty]
        .iter()
        .map(|c| g(*c).trim())
        .collect();
    let free = g(Col::WorkPlace).trim();
    let work_place = if free.contains(structured.as_str()) {
        opt(free)
    } else {
        opt(&format!("{structured}{free}"))
    };
    let work_channel = match parse_channel(g(Col::Channel)) {
        Ok(c) => c.map(str::to_owned),
        Err(m) => {
            e.add("就业渠道", format!("“{}”：{m}", g(Col::Channel).trim()));
            None
        }
    };
    let input = WorkerInput {
        name: g(Col::Name).to_owned(),
        id_number: g(Col::IdNumber).to_owned(),
        phone: g(Col::Phone).to_owned(),
        hometown_code,
        skills: StringList::One(skills_text.to_owned()),
        desired_jobs: StringList::One(g(Col::DesiredJobs).to_owned()),
        // inferred from the skills and wanted jobs when indexed
        occupation_code: None,
        expected_wage,
        needs_lodging,
        household,
        email: opt(g(Col::Email)),
        education: opt(g(Col::Education)),
        labour_capacity: opt(g(Col::LabourCapacity)).or(capacity_from_skills),
        available_from: None,
        consent: true,
        password: None,
        station_id: None,
    };
    let extra = Extra {
        household_no: opt(g(Col::HouseholdNo)),
        work_place,
        employment_note: opt(g(Col::EmploymentNote)),
        monthly_income,
        work_channel,
    };
    (input, extra, e)
}

/// The ledger column of a registration field.
pub fn column_of_field(field: &str) -> &'static str {
    match field {
        "name" => "姓名",
        "id_number" => "身份证号码",
        "phone" => "联系电话",
        "hometown_code" => "乡镇",
        "skills" => "劳动技能",
        "desired_jobs" => "就业意愿",
        "expected_wage" => "期望月薪",
        "email" => "电子邮箱",
        "education" => "文化程度",
        "labour_capacity" => "劳动能力",
        _ => "",
    }
}
