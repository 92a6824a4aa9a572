//! The rules of a course a person expects: when sign-up closes and what completion needs.

use time::Date;

use super::values::{fmt_date, parse_date};

/// Completion needs presence at this share (per cent) of the course's sessions taken so far.
pub const ATTENDANCE_PERCENT: i64 = 80;

/// The last day a worker or a station can sign someone up: the day before the course starts.
pub fn last_sign_up_day(start_date: &str) -> Option<Date> {
    parse_date(start_date).ok().and_then(Date::previous_day)
}

/// Whether sign-up is still open on `today` (until the day before the course starts).
pub fn sign_up_open(start_date: &str, today: Date) -> bool {
    last_sign_up_day(start_date).is_some_and(|last| today <= last)
}

/// The sessions present needed to complete, out of the sessions the course has taken
/// attendance for (rounded up: 80 % of 4 sessions is 4 — 3.2 rounded up).
pub fn sessions_needed(sessions: i64) -> i64 {
    (sessions.max(0) * ATTENDANCE_PERCENT + 99) / 100
}

/// Why a worker may not complete yet, if they may not: too few sessions present.
pub fn attendance_shortfall(present: i64, sessions: i64) -> Option<String> {
    let needed = sessions_needed(sessions);
    (present < needed).then(|| {
        format!(
            "出勤不足：本班已点名 {sessions} 次，结业须出勤至少 {needed} 次（{ATTENDANCE_PERCENT}%），该学员出勤 {present} 次"
        )
    })
}

/// The sign-up rule as the course list says it.
pub fn sign_up_rule(start_date: &str) -> String {
    match last_sign_up_day(start_date) {
        Some(d) => format!("报名截止 {}（开班前一天）", fmt_date(d)),
        None => "报名截止：开班前一天".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn sign_up_closes_the_day_before_the_start() {
        let start = "2026-12-10";
        assert!(sign_up_open(start, date!(2026 - 12 - 08)));
        assert!(sign_up_open(start, date!(2026 - 12 - 09)));
        assert!(!sign_up_open(start, date!(2026 - 12 - 10)));
        assert!(!sign_up_open(start, date!(2026 - 12 - 20)));
        assert!(!sign_up_open("not a date", date!(2026 - 12 - 01)));
        assert_eq!(sign_up_rule(start), "报名截止 2026-12-09（开班前一天）");
    }

    #[test]
    fn completion_needs_eighty_per_cent_of_the_sessions() {
        assert_eq!(sessions_needed(0), 0);
        assert_eq!(sessions_needed(4), 4);
        assert_eq!(sessions_needed(5), 4);
        assert_eq!(sessions_needed(10), 8);
        assert!(attendance_shortfall(0, 0).is_none());
        assert!(attendance_shortfall(8, 10).is_none());
        let msg = attendance_shortfall(7, 10).unwrap();
        assert!(msg.contains("至少 8 次"), "{msg}");
    }
}
