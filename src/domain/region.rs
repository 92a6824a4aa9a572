//! Hometown and workplace regions (乡镇/街道 and 村/社区) of 湄潭县, 斗门区 and 福贡县,
//! shipped with the binary from `reference/regions.csv`.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use serde::Serialize;

/// Doumen district's GB/T 2260 code; vacancies' `town_code` lies below it.
pub const DOUMEN: &str = "440403";
/// Meitan county's GB/T 2260 code since 1997.
pub const MEITAN: &str = "520328";
/// Fugong county (Yunnan), whose cooperation continues.
pub const FUGONG: &str = "533323";

const REGIONS_CSV: &str = include_str!("reference/regions.csv");

/// Whether a region is a township (9-digit code) or a village (12-digit code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Township,
    Village,
}

/// One row of the region table.
#[derive(Debug, Clone, Serialize)]
pub struct Region {
    pub code: String,
    pub level: Level,
    pub name: String,
    pub parent_code: String,
    pub county_code: String,
    pub county: String,
    /// The name as people say it: 金花村 for 金花村村民委员会.
    pub short_name: String,
}

/// All known regions, indexed by code, with townships in file order.
#[derive(Debug)]
pub struct Regions {
    by_code: HashMap<String, Region>,
    townships: Vec<String>,
    villages_of: HashMap<String, Vec<String>>,
}

impl Regions {
    fn load() -> Self {
        let mut by_code = HashMap::new();
        let mut townships = Vec::new();
        let mut villages_of: HashMap<String, Vec<String>> = HashMap::new();
        for line in REGIONS_CSV.lines().map(str::trim_end) {
            if line.is_empty() || line.starts_with('#') || line.starts_with("code,") {
                continue;
            }
            let f: Vec<&str> = line.split(',').collect();
            if f.len() < 6 {
                continue;
            }
            let level = if f[1] == "village" {
                Level::Village
            } else {
                Level::Township
            };
            let region = Region {
                code: f[0].to_owned(),
                level,
                name: f[2].to_owned(),
                parent_code: f[3].to_owned(),
                county_code: f[4].to_owned(),
                county: f[5].to_owned(),
                short_name: short_name(f[2]),
            };
            match level {
                Level::Township => townships.push(region.code.clone()),
                Level::Village => villages_of
                    .entry(region.parent_code.clone())
                    .or_default()
                    .push(region.code.clone()),
            }
            by_code.insert(region.code.clone(), region);
        }
        Self {
            by_code,
            townships,
            villages_of,
        }
    }

    /// Looks a code up.
    pub fn get(&self, code: &str) -> Option<&Region> {
        self.by_code.get(code)
    }

    /// Townships of one county, in the file's order.
    pub fn townships_of(&self, county_code: &str) -> Vec<&Region> {
        self.townships
            .iter()
            .filter_map(|c| self.by_code.get(c))
            .filter(|r| r.county_code == county_code)
            .collect()
    }

    /// Villages of one township.
    pub fn villages_of(&self, township_code: &str) -> Vec<&Region> {
        self.villages_of
            .get(township_code)
            .map(|v| v.iter().filter_map(|c| self.by_code.get(c)).collect())
            .unwrap_or_default()
    }

    /// Finds a township of a county by its name (as a ledger writes it), tolerating a
    /// missing 镇/乡/街道 suffix.
    pub fn township_by_name(&self, county_code: Option<&str>, name: &str) -> Option<&Region> {
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        self.townships
            .iter()
            .filter_map(|c| self.by_code.get(c))
            .filter(|r| county_code.is_none_or(|cc| r.county_code == cc))
            .find(|r| r.name == name || strip_suffix(&r.name) == strip_suffix(name))
    }

    /// Finds a village of a township by its name, tolerating a missing 村/社区 suffix.
    pub fn village_by_name(&self, township_code: &str, name: &str) -> Option<&Region> {
        let name = name.trim();
        self.villages_of(township_code)
            .into_iter()
            .find(|r| r.name == name || strip_suffix(&r.name) == strip_suffix(name))
    }
}

/// The everyday name of a village committee: 金花村村民委员会 → 金花村, 环西社区居民委员会 → 环西社区.
fn short_name(name: &str) -> String {
    for (suffix, keep) in [
        ("村村民委员会", "村"),
        ("村民委员会", "村"),
        ("社区居民委员会", "社区"),
        ("居民委员会", "社区"),
        ("社区居委会", "社区"),
        ("村委会", "村"),
    ] {
        if let Some(stem) = name.strip_suffix(suffix)
            && !stem.is_empty()
        {
            return format!("{stem}{keep}");
        }
    }
    name.to_owned()
}

/// The stem of a name without its administrative suffixes, for matching what a ledger wrote.
fn strip_suffix(name: &str) -> &str {
    let mut stem = name;
    loop {
        let before = stem;
        for suffix in [
            "村民委员会",
            "居民委员会",
            "社区居委会",
            "街道办事处",
            "村委会",
            "居委会",
            "街道",
            "社区",
            "镇",
            "乡",
            "村",
        ] {
            if let Some(s) = stem.strip_suffix(suffix)
                && !s.is_empty()
            {
                stem = s;
                break;
            }
        }
        if stem == before {
            return stem;
        }
    }
}

/// The process-wide region table.
pub fn regions() -> &'static Regions {
    static REGIONS: OnceLock<Regions> = OnceLock::new();
    REGIONS.get_or_init(Regions::load)
}

/// A township or village code that exists in the region table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct RegionCode(String);

impl RegionCode {
    /// Accepts a 9-digit township or 12-digit village code known to the region table.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let code = input.trim();
        if code.is_empty() {
            return Err("请选择乡镇和村");
        }
        if !(code.len() == 9 || code.len() == 12) || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err("地区代码应为9位乡镇代码或12位村代码");
        }
        if regions().get(code).is_none() {
            return Err("没有这个乡镇或村的代码");
        }
        Ok(Self(code.to_owned()))
    }

    /// Accepts only a township of Doumen district (a vacancy's town).
    pub fn parse_doumen_town(input: &str) -> Result<Self, &'static str> {
        let code = Self::parse(input)?;
        if code.region().level != Level::Township {
            return Err("请选择乡镇或街道");
        }
        if code.county_code() != DOUMEN {
            return Err("工作地点应为斗门区的镇或街道");
        }
        Ok(code)
    }

    /// Accepts any township of the three counties (帮扶车间 may be in Meitan).
    pub fn parse_town(input: &str) -> Result<Self, &'static str> {
        let code = Self::parse(input)?;
        if code.region().level != Level::Township {
            return Err("请选择乡镇或街道");
        }
        Ok(code)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn region(&self) -> &'static Region {
        regions()
            .get(&self.0)
            .expect("RegionCode only holds codes of the table")
    }

    /// The township this code belongs to (itself for a township).
    pub fn township_code(&self) -> &str {
        &self.0[..9]
    }

    pub fn county_code(&self) -> &str {
        &self.0[..6]
    }

    /// A readable name, e.g. `湄潭县 湄江街道 金花村`.
    pub fn full_name(&self) -> String {
        region_label(&self.0)
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A readable label for any code in the table (county + township [+ village]); the code
/// itself when unknown.
pub fn region_label(code: &str) -> String {
    let r = regions();
    let Some(region) = r.get(code) else {
        return code.to_owned();
    };
    match region.level {
        Level::Township => format!("{} {}", region.county, region.name),
        Level::Village => {
            let town = r.get(&region.parent_code).map_or("", |t| t.name.as_str());
            format!("{} {} {}", region.county, town, region.short_name)
        }
    }
}

/// The township's own name (no county), for short labels.
pub fn township_name(code: &str) -> String {
    regions()
        .get(code.get(..9).unwrap_or(code))
        .map_or_else(|| code.to_owned(), |r| r.name.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_meitan_townships_and_villages() {
        let towns = regions().townships_of(MEITAN);
        assert_eq!(towns.len(), 15);
        let first = towns[0];
        assert!(!regions().villages_of(&first.code).is_empty());
        assert_eq!(regions().townships_of(DOUMEN).len(), 6);
    }

    #[test]
    fn parses_codes() {
        assert!(RegionCode::parse("520328004").is_ok());
        assert!(RegionCode::parse("5203280").is_err());
        assert!(RegionCode::parse("999999999").is_err());
        assert!(RegionCode::parse_doumen_town("440403105").is_ok());
        assert!(RegionCode::parse_doumen_town("520328004").is_err());
    }

    #[test]
    fn finds_by_name_without_suffix() {
        let t = regions().township_by_name(Some(MEITAN), "湄江").unwrap();
        assert_eq!(t.code, "520328004");
        assert_eq!(
            regions().township_by_name(None, "乾务镇").unwrap().code,
            "440403105"
        );
    }
}
