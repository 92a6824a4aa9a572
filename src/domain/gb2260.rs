//! GB/T 2260 county-level codes with the years each was in use, shipped from
//! `reference/gb2260-history.csv`, for checking the first six digits of a 身份证 number.

use std::collections::HashMap;
use std::sync::OnceLock;

const HISTORY_CSV: &str = include_str!("reference/gb2260-history.csv");

/// One period during which a code carried a name.
#[derive(Debug, Clone)]
pub struct CodePeriod {
    pub province: String,
    pub name: String,
    /// First year in use; `None` = since before the records start.
    pub from_year: Option<i32>,
    /// Last year in use; `None` = still in use.
    pub to_year: Option<i32>,
}

impl CodePeriod {
    /// Whether the code was in use at some time in `from..=to`.
    pub fn overlaps(&self, from: i32, to: i32) -> bool {
        self.from_year.is_none_or(|f| f <= to) && self.to_year.is_none_or(|t| t >= from)
    }

    /// `贵州省湄潭县`, or just `北京市` where the name repeats the province.
    pub fn label(&self) -> String {
        if self.name == self.province || self.name.starts_with(&self.province) {
            self.name.clone()
        } else {
            format!("{}{}", self.province, self.name)
        }
    }
}

fn load() -> HashMap<String, Vec<CodePeriod>> {
    let mut map: HashMap<String, Vec<CodePeriod>> = HashMap::new();
    for line in HISTORY_CSV.lines().map(str::trim_end) {
        if line.is_empty() || line.starts_with('#') || line.starts_with("code,") {
            continue;
        }
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        if f.len() < 5 {
            continue;
        }
        map.entry(f[0].to_owned()).or_default().push(CodePeriod {
            province: f[1].to_owned(),
            name: f[2].to_owned(),
            from_year: f[3].parse().ok(),
            to_year: f[4].parse().ok(),
        });
    }
    map
}

fn table() -> &'static HashMap<String, Vec<CodePeriod>> {
    static TABLE: OnceLock<HashMap<String, Vec<CodePeriod>>> = OnceLock::new();
    TABLE.get_or_init(load)
}

/// Every code in use today with its current name.
pub fn current() -> impl Iterator<Item = (&'static str, &'static CodePeriod)> {
    table().iter().filter_map(|(code, periods)| {
        periods
            .iter()
            .find(|p| p.to_year.is_none())
            .map(|p| (code.as_str(), p))
    })
}

/// All periods of a code, empty when the code never existed.
pub fn periods(code: &str) -> &'static [CodePeriod] {
    table().get(code).map_or(&[], Vec::as_slice)
}

/// The period of `code` in use at some time between `from` and `to` (inclusive), the latest
/// one when several are.
pub fn in_use_between(code: &str, from: i32, to: i32) -> Option<&'static CodePeriod> {
    periods(code)
        .iter()
        .filter(|p| p.overlaps(from, to))
        .max_by_key(|p| p.from_year.unwrap_or(i32::MIN))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meitan_codes_have_their_years() {
        assert!(in_use_between("522128", 1985, 2026).is_some());
        assert!(in_use_between("522128", 1998, 2026).is_none());
        assert!(in_use_between("520328", 1980, 2026).is_some());
        assert_eq!(
            in_use_between("520328", 1980, 2026).unwrap().label(),
            "贵州省湄潭县"
        );
        assert!(periods("999999").is_empty());
    }

    #[test]
    fn reused_code_picks_the_later_name() {
        assert_eq!(in_use_between("120110", 1980, 2026).unwrap().name, "东丽区");
        assert_eq!(in_use_between("120110", 1980, 1990).unwrap().name, "东郊区");
    }
}
