//! Small value parsers shared by forms, the API and imports: dates, money, counts, flags.

use time::{Date, Month};

use super::text::normalize_width;

/// Highest monthly wage the platform accepts, in whole yuan.
pub const MAX_WAGE: i64 = 200_000;

/// The lowest monthly wage a placement (a hire, or a job found without the platform) may
/// record, in yuan: below it the figure is a daily or hourly rate typed as a month, or a typo
/// (Guizhou's lowest minimum wage is about 1,600 yuan; 公益性岗位 pay from about 500).
pub const MIN_PLACEMENT_WAGE: i64 = 500;
/// How many days before today a placement's first day may lie (a job reported late).
pub const START_DAYS_BACK: i64 = 90;
/// How many days after today a placement's first day may lie.
pub const START_DAYS_AHEAD: i64 = 180;

/// A placement's first day: a date from [`START_DAYS_BACK`] days ago to [`START_DAYS_AHEAD`]
/// days ahead. The same rule for hires and for jobs found without the platform.
pub fn placement_start(input: Option<&str>, today: Date) -> Result<Date, String> {
    let input = input.map(str::trim).unwrap_or("");
    if input.is_empty() {
        return Err("请填写上岗日期".into());
    }
    let start = parse_date(input)?;
    let days = (start - today).whole_days();
    if !(-START_DAYS_BACK..=START_DAYS_AHEAD).contains(&days) {
        return Err(format!(
            "上岗日期应在{START_DAYS_BACK}天以前到{START_DAYS_AHEAD}天以后之间（{} 至 {}）",
            fmt_date(today - time::Duration::days(START_DAYS_BACK)),
            fmt_date(today + time::Duration::days(START_DAYS_AHEAD)),
        ));
    }
    Ok(start)
}

/// A placement's monthly wage in yuan: from [`MIN_PLACEMENT_WAGE`] to [`MAX_WAGE`].
pub fn placement_wage(input: Option<i64>) -> Result<i64, String> {
    match input {
        None => Err("请填写月薪".into()),
        Some(w) if (MIN_PLACEMENT_WAGE..=MAX_WAGE).contains(&w) => Ok(w),
        Some(_) => Err(format!(
            "月薪应在{MIN_PLACEMENT_WAGE}到{MAX_WAGE}元之间（按月计）"
        )),
    }
}

/// Parses `2026-03-01`, `2026/3/1`, `2026.3.1` or `2026年3月1日`.
pub fn parse_date(input: &str) -> Result<Date, &'static str> {
    let s = normalize_width(input);
    if s.is_empty() {
        return Err("请填写日期");
    }
    let s = s.replace(['年', '月', '/', '.'], "-").replace('日', "");
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts[..] else {
        return Err("日期格式应为 YYYY-MM-DD");
    };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u8>(), d.parse::<u8>()) else {
        return Err("日期格式应为 YYYY-MM-DD");
    };
    if !(1900..=2200).contains(&y) {
        return Err("日期的年份不对");
    }
    let month = Month::try_from(m).map_err(|_| "日期的月份不对")?;
    Date::from_calendar_date(y, month, d).map_err(|_| "没有这一天")
}

/// Formats a date as `YYYY-MM-DD`.
pub fn fmt_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

/// A monthly wage in whole yuan: `5500`, `5,500`, `5500元`, `0.55万`.
pub fn parse_wage(input: &str) -> Result<i64, &'static str> {
    let s = normalize_width(input).replace([',', '，'], "");
    let s = s.trim_end_matches("元/月").trim_end_matches('元');
    if s.is_empty() {
        return Err("请填写月薪");
    }
    let value = if let Some(wan) = s.strip_suffix('万') {
        let v: f64 = wan.parse().map_err(|_| "月薪应为整数（元/月）")?;
        (v * 10_000.0).round()
    } else {
        let v: f64 = s.parse().map_err(|_| "月薪应为整数（元/月）")?;
        if v.fract() != 0.0 {
            return Err("月薪应为整数（元/月）");
        }
        v
    };
    check_wage(value as i64).map_err(|_| "月薪应在0到200000元之间")
}

/// Checks a wage given as a number.
pub fn check_wage(value: i64) -> Result<i64, &'static str> {
    if (0..=MAX_WAGE).contains(&value) {
        Ok(value)
    } else {
        Err("月薪应在0到200000元之间")
    }
}

/// `是`/`否` and friends from ledgers and forms.
pub fn parse_flag(input: &str) -> Result<bool, &'static str> {
    match input.trim().to_lowercase().as_str() {
        "是" | "y" | "yes" | "true" | "1" | "on" | "√" | "✓" | "有" => Ok(true),
        "否" | "n" | "no" | "false" | "0" | "off" | "" | "无" | "×" => Ok(false),
        _ => Err("应填“是”或“否”"),
    }
}

/// A page number from the query string, 1 when absent or silly.
pub fn page_of(page: Option<&str>) -> i64 {
    page.and_then(|p| p.trim().parse::<i64>().ok())
        .filter(|p| (1..=100_000).contains(p))
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {

    #[test]
    fn placement_terms_have_a_window_and_a_floor() {
        let today = Date::from_calendar_date(2026, Month::December, 6).unwrap();
        assert!(placement_start(Some("2026-09-07"), today).is_ok());
        assert!(placement_start(Some("2026-09-06"), today).is_err());
        assert!(placement_start(Some("2027-06-04"), today).is_ok());
        assert!(placement_start(Some("2027-06-05"), today).is_err());
        assert!(
            placement_start(Some("2025-12-06"), today).is_err(),
            "a year ago"
        );
        assert!(placement_start(None, today).is_err());
        assert!(placement_start(Some("明天"), today).is_err());
        assert_eq!(placement_wage(Some(500)), Ok(500));
        assert!(placement_wage(Some(1)).is_err());
        assert!(placement_wage(Some(-5)).is_err());
        assert!(placement_wage(Some(200_001)).is_err());
        assert!(placement_wage(None).is_err());
    }

    use super::*;
    use time::macros::date;

    #[test]
    fn dates() {
        assert_eq!(parse_date("2026-03-01").unwrap(), date!(2026 - 03 - 01));
        assert_eq!(parse_date("2026/3/1").unwrap(), date!(2026 - 03 - 01));
        assert_eq!(parse_date("2026年3月1日").unwrap(), date!(2026 - 03 - 01));
        assert!(parse_date("2026-02-30").is_err());
        assert!(parse_date("tomorrow").is_err());
        assert_eq!(fmt_date(date!(2026 - 03 - 01)), "2026-03-01");
    }

    #[test]
    fn wages() {
        assert_eq!(parse_wage("5,500元").unwrap(), 5500);
        assert_eq!(parse_wage("0.6万").unwrap(), 6000);
        assert!(parse_wage("-1").is_err());
        assert!(parse_wage("5500.5").is_err());
        assert!(parse_wage("9999999").is_err());
    }

    #[test]
    fn flags() {
        assert!(parse_flag("是").unwrap());
        assert!(!parse_flag("否").unwrap());
        assert!(parse_flag("maybe").is_err());
    }
}
