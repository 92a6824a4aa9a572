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

/// A monthly wage in whole yuan, as people type it: `5500`, `5,500`, `５５００`, `5500元`,
/// `5500元/月`, `5千`, `5.5千`, `5千5` (5500), `5k`, `0.55万`, `1万2` (12000). Anything else is
/// refused with a message saying what to type — never read as a prefix (`5千` is never 5).
pub fn parse_wage(input: &str) -> Result<i64, &'static str> {
    const NOT_A_WAGE: &str = "月薪请填一个数，以元为单位，如 5000、5千、0.5万";
    let s = normalize_width(input).replace([',', '，', '_'], "");
    let s = s
        .trim_start_matches("月薪")
        .trim_start_matches("每月")
        .trim_end_matches("/月")
        .trim_end_matches("每月")
        .trim_end_matches("人民币")
        .trim_end_matches("元")
        .trim_end_matches("块");
    if s.is_empty() {
        return Err("请填写月薪");
    }
    if s.contains(['-', '~', '～', '至', '到']) && s.chars().any(|c| c.is_ascii_digit()) {
        return Err("月薪请只填一个数（如 5000），不要填范围");
    }
    // the unit: 千/k (thousand) or 万/w (ten thousand), with an optional spoken tail digit
    let (number, unit, tail) = match s.find(['千', 'k', 'K', '万', 'w', 'W']) {
        Some(i) => {
            let unit_char = s[i..].chars().next().unwrap_or('千');
            let unit: i64 = if matches!(unit_char, '万' | 'w' | 'W') {
                10_000
            } else {
                1_000
            };
            let tail = &s[i + unit_char.len_utf8()..];
            (&s[..i], unit, tail)
        }
        None => (s, 1, ""),
    };
    let digits_ok = |t: &str| {
        !t.is_empty()
            && t.chars().all(|c| c.is_ascii_digit() || c == '.')
            && t.chars().filter(|c| *c == '.').count() <= 1
            && t.chars().any(|c| c.is_ascii_digit())
    };
    let tail_ok = tail.is_empty() || (tail.len() == 1 && digits_ok(tail));
    if !digits_ok(number) || !tail_ok {
        return Err(NOT_A_WAGE);
    }
    if number.len() > 12 || tail.len() > 1 {
        return Err("月薪应在0到200000元之间");
    }
    // whole yuan in integers (`0.57万` is 5700, not 5699.999…)
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if fraction.len() > 4 {
        return Err("月薪应为整数（元/月）");
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| NOT_A_WAGE)?
    };
    let scale = 10_i64.pow(fraction.len() as u32);
    let fraction: i64 = if fraction.is_empty() {
        0
    } else {
        fraction.parse().map_err(|_| NOT_A_WAGE)?
    };
    if (fraction * unit) % scale != 0 {
        return Err("月薪应为整数（元/月）");
    }
    let mut value = whole * unit + fraction * unit / scale;
    if let Ok(t) = tail.parse::<i64>() {
        if scale > 1 {
            return Err(NOT_A_WAGE);
        }
        // 5千5 = 5500, 1万2 = 12000
        value += t * unit / 10;
    }
    if !(0..=MAX_WAGE).contains(&value) {
        return Err("月薪应在0到200000元之间");
    }
    check_wage(value).map_err(|_| "月薪应在0到200000元之间")
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
        for (typed, yuan) in [
            ("5千", 5000),
            ("5000元", 5000),
            ("5,000", 5000),
            ("５０００", 5000),
            ("5000元/月", 5000),
            ("5.5千", 5500),
            ("5千5", 5500),
            ("5k", 5000),
            ("1万2", 12000),
            ("月薪6000", 6000),
            ("0.57万", 5700),
            ("0.55万", 5500),
            ("1.25千", 1250),
        ] {
            assert_eq!(parse_wage(typed), Ok(yuan), "{typed}");
        }
        for typed in [
            "5千多",
            "五千",
            "5000-6000",
            "面议",
            "千",
            "5..5千",
            "5千55",
        ] {
            assert!(parse_wage(typed).is_err(), "{typed}");
        }
    }

    #[test]
    fn flags() {
        assert!(parse_flag("是").unwrap());
        assert!(!parse_flag("否").unwrap());
        assert!(parse_flag("maybe").is_err());
    }
}
