//! Data-quality rules on the real-name ledger, each with an id and a message, as errors (the
//! row is refused) or warnings and alarms (recorded, shown to the worker's station). They run
//! when a ledger is imported and when a worker is saved.

use serde::Serialize;
use utoipa::ToSchema;

use crate::db::Db;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Alarm,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Alarm => "alarm",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Level::Error => "错误",
            Level::Warning => "警告",
            Level::Alarm => "预警",
        }
    }
}

/// One rule that fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Finding {
    pub rule: &'static str,
    pub level: Level,
    /// the ledger column concerned
    pub column: &'static str,
    pub message: String,
}

/// The rules, for the README and the pages.
pub const RULES: [(&str, &str, &str); 5] = [
    ("DQ101", "警告", "务工地点未填写到县（区、市）一级"),
    ("DQ102", "错误", "无劳动能力的人员登记为在外务工"),
    ("DQ103", "警告", "同一手机号登记在不同县的两名人员名下"),
    ("DQ104", "警告", "在外务工但月收入低于400元"),
    ("DQ105", "预警", "易地搬迁户家中无人就业（零就业预警）"),
];

/// The ledger facts the row rules look at.
#[derive(Debug, Default, Clone)]
pub struct LedgerFacts<'a> {
    pub labour_capacity: Option<&'a str>,
    pub employment_note: Option<&'a str>,
    pub work_place: Option<&'a str>,
    pub monthly_income: Option<i64>,
}

/// Whether a ledger's employment note says the person is working.
pub fn is_working(note: Option<&str>) -> bool {
    note.is_some_and(|n| {
        let n = n.trim();
        !n.is_empty()
            && !n.contains("未")
            && !n.contains("无")
            && ["务工", "就业", "在岗", "打工", "上班", "工作"]
                .iter()
                .any(|w| n.contains(w))
    })
}

/// Whether a work place names a county-level division (县, 区, 县级市, 旗) or below.
fn to_county_level(place: &str) -> bool {
    let p = place.trim();
    let chars = p.chars().count();
    chars >= 3
        && (p.contains('县')
            || p.contains('区')
            || p.contains('旗')
            || p.matches('市').count() >= 2
            || p.ends_with("镇")
            || p.ends_with("乡"))
}

/// The rules that need only the row itself.
pub fn row_findings(f: &LedgerFacts<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let working = is_working(f.employment_note);
    if working {
        let place = f.work_place.map(str::trim).unwrap_or("");
        let resolved = crate::domain::workplace::resolve(place);
        match resolved.map(|w| w.level) {
            Some(crate::domain::workplace::Level::County) => {}
            // a township or street of the home county (湄江街道), not on the national list
            None if to_county_level(place) => {}
            Some(level) => out.push(Finding {
                rule: "DQ101",
                level: Level::Warning,
                column: "务工地点",
                message: format!(
                    "务工地点只到{}一级，请填写到县（区、市）",
                    if level == crate::domain::workplace::Level::City {
                        "市"
                    } else {
                        "省"
                    }
                ),
            }),
            None => out.push(Finding {
                rule: "DQ101",
                level: Level::Warning,
                column: "务工地点",
                message: "在外务工人员的务工地点应填写到县（区、市）一级".into(),
            }),
        }
        if f.labour_capacity
            .is_some_and(|c| c.contains("无劳动") || c.contains("丧失"))
        {
            out.push(Finding {
                rule: "DQ102",
                level: Level::Error,
                column: "劳动能力",
                message: "登记为无劳动能力，却填写了在外务工".into(),
            });
        }
        if f.monthly_income.is_some_and(|i| i < 400) {
            out.push(Finding {
                rule: "DQ104",
                level: Level::Warning,
                column: "月收入",
                message: "在外务工但月收入低于400元，请核实".into(),
            });
        }
    }
    out
}

/// The phone-shared-across-counties finding, when it applies.
pub fn phone_conflict(other_county: Option<&str>) -> Option<Finding> {
    other_county.map(|c| Finding {
        rule: "DQ103",
        level: Level::Warning,
        column: "联系电话",
        message: format!("该手机号也登记在另一个县（{c}）的人员名下"),
    })
}

/// Recomputes the database-wide rules of one worker and stores every finding (row rules
/// included) in place of the earlier ones.
pub async fn refresh(
    db: &Db,
    worker_id: i64,
    row: &[Finding],
) -> Result<Vec<Finding>, sqlx::Error> {
    let Some(w) = crate::db::quality::worker_facts(db, worker_id).await? else {
        return Ok(Vec::new());
    };
    let county: String = w.township_code.chars().take(6).collect();
    let mut findings: Vec<Finding> = row
        .iter()
        .filter(|f| f.level != Level::Error)
        .cloned()
        .collect();
    let other = crate::db::quality::phone_townships(db, &w.phone, worker_id)
        .await?
        .into_iter()
        .map(|t| t.chars().take(6).collect::<String>())
        .find(|c| *c != county);
    if let Some(c) = phone_conflict(
        other
            .map(|c| {
                crate::domain::region::regions()
                    .townships_of(&c)
                    .first()
                    .map_or(c.clone(), |t| t.county.clone())
            })
            .as_deref(),
    ) {
        findings.push(c);
    }
    if w.relocated && !household_has_work(db, worker_id, w.household_no).await? {
        findings.push(Finding {
            rule: "DQ105",
            level: Level::Alarm,
            column: "是否易地搬迁",
            message: "易地搬迁户家中目前无人就业，请工作站优先帮扶".into(),
        });
    }
    let mut tx = db.begin().await?;
    clear(&mut tx, worker_id).await?;
    store(&mut tx, worker_id, &findings).await?;
    tx.commit().await?;
    Ok(findings)
}

/// Whether anyone of the worker's household (same 户编号; else the worker alone) is employed:
/// placed through the platform, or recorded as working in the ledger.
async fn household_has_work(
    db: &Db,
    worker_id: i64,
    household_no: Option<String>,
) -> Result<bool, sqlx::Error> {
    Ok(
        crate::db::quality::household_members(db, worker_id, household_no)
            .await?
            .iter()
            .any(|(status, note)| status == "placed" || is_working(note.as_deref())),
    )
}

pub use crate::db::quality::{StoredFinding, clear, findings, store};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_rules() {
        let f = row_findings(&LedgerFacts {
            labour_capacity: Some("无劳动能力"),
            employment_note: Some("省外务工"),
            work_place: Some("广东"),
            monthly_income: Some(300),
        });
        let rules: Vec<&str> = f.iter().map(|f| f.rule).collect();
        assert_eq!(rules, ["DQ101", "DQ102", "DQ104"]);
        assert!(
            row_findings(&LedgerFacts {
                employment_note: Some("省外务工"),
                work_place: Some("广东省珠海市斗门区"),
                monthly_income: Some(5000),
                ..Default::default()
            })
            .is_empty()
        );
        assert!(!is_working(Some("未就业")));
        assert!(
            row_findings(&LedgerFacts {
                employment_note: Some("未就业"),
                ..Default::default()
            })
            .is_empty()
        );
    }
}
