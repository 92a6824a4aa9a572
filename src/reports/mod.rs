//! The monthly figures (信息报送): registrations, placements by destination, retention,
//! vacancies, training, follow-ups and problems, for a month and the year to date — as JSON,
//! a page and an .xlsx workbook ([`xlsx`]); and the dashboard's charts ([`charts`]).

pub mod assessment;
pub mod charts;
pub mod lists;
pub mod manifest;
pub mod xlsx;

pub use crate::db::lists::{DashboardData, dashboard_data, export_table};
pub use lists::ExportTable;

use std::fmt;

use serde::Serialize;
use time::{Date, Month as TMonth, PrimitiveDateTime, Time};
use utoipa::ToSchema;

use crate::domain::CST;

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Month {
    pub year: i32,
    pub month: u8,
}

impl Month {
    /// Parses `YYYY-MM`.
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        let s = s.trim();
        let (y, m) = s.split_once('-').ok_or("月份格式应为 YYYY-MM")?;
        let (Ok(year), Ok(month)) = (y.parse::<i32>(), m.parse::<u8>()) else {
            return Err("月份格式应为 YYYY-MM");
        };
        if !(2000..=2100).contains(&year) || !(1..=12).contains(&month) || y.len() != 4 {
            return Err("月份格式应为 YYYY-MM");
        }
        Ok(Self { year, month })
    }

    pub fn first_day(self) -> Date {
        Date::from_calendar_date(
            self.year,
            TMonth::try_from(self.month).unwrap_or(TMonth::January),
            1,
        )
        .unwrap_or(Date::MIN)
    }

    pub fn last_day(self) -> Date {
        let next = if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        };
        next.first_day().previous_day().unwrap_or(Date::MIN)
    }

    /// The current month in China.
    pub fn current() -> Self {
        let t = crate::domain::today();
        Self {
            year: t.year(),
            month: t.month() as u8,
        }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Midnight of a China date as a stored UTC instant.
pub(crate) fn instant(d: Date) -> String {
    crate::domain::fmt_instant(PrimitiveDateTime::new(d, Time::MIDNIGHT).assume_offset(CST))
}

/// 结业后就业: placed within this many days after completing a course (one rule for the
/// monthly report and the training figures).
pub const EMPLOYED_AFTER_DAYS: i64 = 183;

/// A figure for the month and the year to date.
#[derive(Debug, Clone, Copy, Default, Serialize, ToSchema, PartialEq, Eq)]
pub struct Pair {
    pub month: i64,
    pub ytd: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TownshipCount {
    pub code: String,
    pub name: String,
    pub month: i64,
    pub ytd: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Registrations {
    pub total: Pair,
    pub by_township: Vec<TownshipCount>,
    pub poverty_alleviated: Pair,
    pub monitored: Pair,
    pub relocated: Pair,
    pub zero_employment: Pair,
}

/// Hires (上岗) in the period. The four destination rows are taken from the workplace county
/// relative to the worker's home and always add up to `total`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Placements {
    pub total: Pair,
    /// 到广东
    pub guangdong: Pair,
    /// 东部其他省份 (every province other than Guangdong and the home province)
    pub east_other: Pair,
    /// 省内县外
    pub in_province: Pair,
    /// 县内（含帮扶车间）
    pub in_county: Pair,
    /// 其中：脱贫劳动力
    pub poverty_alleviated: Pair,
    /// 其中：监测对象
    pub monitored: Pair,
}

/// The main figures of one home county.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CountyFigures {
    pub code: String,
    pub name: String,
    pub registrations: Pair,
    pub placements: Pair,
    /// hires of 脱贫劳动力 and 监测对象
    pub placements_poverty: Pair,
    pub certified: Pair,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RetentionFigures {
    /// placements at least 3 months old at the month's end
    pub due_3m: i64,
    pub held_3m: i64,
    pub due_6m: i64,
    pub held_6m: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VacancyFigures {
    /// vacancy records posted
    pub posted: Pair,
    /// places posted: the sum of the posted vacancies' headcounts
    pub places_posted: Pair,
    /// people hired into vacancies
    pub places_filled: Pair,
    /// vacancies now filled whose last place was filled in the period
    pub vacancies_filled: Pair,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProgrammeFigures {
    pub code: String,
    pub name: String,
    pub enrolled: Pair,
    /// certificates issued in the period (by their issue date, not when entered)
    pub certified: Pair,
    /// completed in the period and placed within 183 days of completing (the same rule as
    /// `/training`: [`EMPLOYED_AFTER_DAYS`])
    pub employed_after: Pair,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FollowUpFigures {
    pub done: Pair,
    /// due before the month's end and not done by then
    pub overdue_at_month_end: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseFigures {
    pub opened: Pair,
    pub resolved: Pair,
    pub open_at_month_end: i64,
}

/// Job fairs and 点对点 trips (issue 17), by the events' start (China time).
#[derive(Debug, Clone, Copy, Default, Serialize, ToSchema)]
pub struct EventFigures {
    /// job fairs held
    pub fairs: Pair,
    /// people checked in at them (walk-ins included)
    pub fair_attended: Pair,
    /// applications made at them
    pub fair_applications: Pair,
    /// trips that left
    pub trips: Pair,
    /// people who arrived with a trip (by the arrival's instant)
    pub trip_arrived: Pair,
    /// placements (by start date) begun through an event: a fair application, or a trip's arrival
    pub hired: Pair,
}

/// The month's figures.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MonthlyReport {
    /// whose figures: 全平台, or a county's name (a sending station reads its own county's)
    pub scope: String,
    pub month: String,
    pub from: String,
    pub to: String,
    pub year_from: String,
    pub registrations: Registrations,
    pub placements: Placements,
    /// 湄潭县 and 福贡县 each
    pub counties: Vec<CountyFigures>,
    pub retention: RetentionFigures,
    pub vacancies: VacancyFigures,
    pub training: Vec<ProgrammeFigures>,
    pub follow_ups: FollowUpFigures,
    pub cases: CaseFigures,
    pub events: EventFigures,
    pub generated_at: String,
}

pub use crate::db::figures::monthly;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::values::fmt_date;

    #[test]
    fn months() {
        let m = Month::parse("2024-02").unwrap();
        assert_eq!(fmt_date(m.last_day()), "2024-02-29");
        assert_eq!(
            fmt_date(Month::parse("2026-12").unwrap().last_day()),
            "2026-12-31"
        );
        assert!(Month::parse("2026-13").is_err());
        assert!(Month::parse("26-01").is_err());
        assert_eq!(instant(m.first_day()), "2024-01-31T16:00:00Z");
    }
}
