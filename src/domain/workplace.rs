//! Where someone works, as a GB/T 2260 code: the ledger's free-text 务工地点 (广东省珠海市斗门区,
//! 广东珠海斗门, 浙江宁波, 遵义市, 在东莞) resolved by name against the national list the project
//! ships (current names only). A county gives its own code; a city or province alone gives the
//! city's (`520300`) or province's (`440000`) code, kept with a warning, since the assessment's
//! buckets need only the province and, for 县内/省内, the county.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::gb2260;

/// How precisely a workplace is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    County,
    City,
    Province,
}

/// A resolved workplace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workplace {
    /// Six digits: a county, or a city (`XXXX00`), or a province (`XX0000`).
    pub code: String,
    pub level: Level,
}

impl Workplace {
    /// The two-digit province code.
    pub fn province(&self) -> &str {
        &self.code[..2]
    }
}

/// Names of current divisions: full and short forms → codes.
struct Names {
    provinces: Vec<(String, String)>,
    /// (name, code, province code)
    cities: Vec<(String, String)>,
    /// (name, code, whether it is the full name)
    counties: Vec<(String, String, bool)>,
}

/// Whether `name` occurs in `text` as a place: a short form followed by 镇/乡/村/街/路 is a
/// township or street of that name (湄潭县永兴镇 is not 永兴县).
fn names_place(text: &str, name: &str, full: bool) -> bool {
    text.match_indices(name).any(|(i, _)| {
        full || !text[i + name.len()..]
            .chars()
            .next()
            .is_some_and(|c| matches!(c, '镇' | '乡' | '村' | '街' | '路' | '社'))
    })
}

const PROVINCE_SUFFIXES: [&str; 7] = [
    "壮族自治区",
    "回族自治区",
    "维吾尔自治区",
    "特别行政区",
    "自治区",
    "省",
    "市",
];
const CITY_SUFFIXES: [&str; 4] = ["自治州", "地区", "市", "盟"];
const COUNTY_SUFFIXES: [&str; 5] = ["自治县", "县", "区", "市", "旗"];

/// The name and its short form (suffix dropped, at least two characters left).
fn forms(name: &str, suffixes: &[&str]) -> Vec<String> {
    let mut out = vec![name.to_owned()];
    for s in suffixes {
        if let Some(short) = name.strip_suffix(s)
            && short.chars().count() >= 2
        {
            out.push(short.to_owned());
            break;
        }
    }
    out
}

fn names() -> &'static Names {
    static NAMES: OnceLock<Names> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut provinces: HashMap<String, String> = HashMap::new();
        let mut cities = Vec::new();
        let mut counties = Vec::new();
        for (code, p) in gb2260::current() {
            if code.ends_with("0000") {
                for f in forms(&p.name, &PROVINCE_SUFFIXES) {
                    provinces.insert(f, code.to_owned());
                }
            } else if code.ends_with("00") {
                // not the placeholders (市辖区, 县, 省直辖县级行政区划)
                if p.name.chars().count() < 2 || p.name.contains('辖') {
                    continue;
                }
                for f in forms(&p.name, &CITY_SUFFIXES) {
                    cities.push((f, code.to_owned()));
                }
            } else if p.name.chars().count() >= 2 && !p.name.contains('辖') {
                for (i, f) in forms(&p.name, &COUNTY_SUFFIXES).into_iter().enumerate() {
                    counties.push((f, code.to_owned(), i == 0));
                }
            }
        }
        let mut provinces: Vec<(String, String)> = provinces.into_iter().collect();
        // longest names first, so that 广东省 wins over 广东 and 珠海市 over 珠海
        provinces.sort_by_key(|(n, _)| std::cmp::Reverse(n.chars().count()));
        cities.sort_by_key(|(n, _)| std::cmp::Reverse(n.chars().count()));
        counties.sort_by_key(|(n, _, _)| std::cmp::Reverse(n.chars().count()));
        Names {
            provinces,
            cities,
            counties,
        }
    })
}

/// Resolves a workplace text. `None`: nothing in it names a place on the national list.
pub fn resolve(text: &str) -> Option<Workplace> {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if text.is_empty() {
        return None;
    }
    let n = names();
    let province = n
        .provinces
        .iter()
        .find(|(name, _)| text.contains(name.as_str()))
        .map(|(_, c)| c[..2].to_owned());
    let in_province = |code: &str| province.as_deref().is_none_or(|p| code.starts_with(p));
    let city: Option<&str> = {
        let found: Vec<&str> = n
            .cities
            .iter()
            .filter(|(name, code)| text.contains(name.as_str()) && in_province(code))
            .map(|(_, c)| c.as_str())
            .collect();
        found.first().copied()
    };
    let in_city = |code: &str| city.is_none_or(|c| code.starts_with(&c[..4])) && in_province(code);
    let found: Vec<(&str, bool)> = n
        .counties
        .iter()
        .filter(|(name, code, full)| names_place(&text, name, *full) && in_city(code))
        .map(|(_, c, full)| (c.as_str(), *full))
        .collect();
    // a full name (湄潭县) outranks short forms found elsewhere in the text
    let any_full = found.iter().any(|(_, full)| *full);
    let mut counties: Vec<&str> = found
        .into_iter()
        .filter(|(_, full)| *full || !any_full)
        .map(|(c, _)| c)
        .collect();
    counties.sort_unstable();
    counties.dedup();
    if counties.len() == 1 {
        return Some(Workplace {
            code: counties[0].to_owned(),
            level: Level::County,
        });
    }
    if let Some(c) = city {
        return Some(Workplace {
            code: c.to_owned(),
            level: Level::City,
        });
    }
    // several counties of the same name and no city: the province if they share one
    if let Some(first) = counties.first()
        && counties.iter().all(|c| c[..2] == first[..2])
    {
        return Some(Workplace {
            code: format!("{}0000", &first[..2]),
            level: Level::Province,
        });
    }
    province.map(|p| Workplace {
        code: format!("{p}0000"),
        level: Level::Province,
    })
}

/// Where Meitan workers most often work, for the workplace picker of a found job
/// (code, label); anything else is typed as a name and resolved by [`county_field`].
pub const COMMON_WORKPLACES: [(&str, &str); 14] = [
    ("440403", "广东省珠海市斗门区"),
    ("440402", "广东省珠海市香洲区"),
    ("440404", "广东省珠海市金湾区"),
    ("442000", "广东省中山市"),
    ("441900", "广东省东莞市"),
    ("440705", "广东省江门市新会区"),
    ("440606", "广东省佛山市顺德区"),
    ("440111", "广东省广州市白云区"),
    ("440306", "广东省深圳市宝安区"),
    ("330212", "浙江省宁波市鄞州区"),
    ("520328", "贵州省遵义市湄潭县"),
    ("520302", "贵州省遵义市红花岗区"),
    ("520303", "贵州省遵义市汇川区"),
    ("520115", "贵州省贵阳市观山湖区"),
];

/// Whether a current code is a city with no counties under it (东莞市, 中山市), which then
/// stands for a county.
fn city_without_counties(code: &str) -> bool {
    code.ends_with("00")
        && !code.ends_with("0000")
        && !gb2260::current().any(|(c, _)| c != code && c.starts_with(&code[..4]))
}

/// The workplace county of a job: a current six-digit GB/T 2260 county code (or a city with
/// no counties, such as 东莞市 441900), or a place name resolved to one (`浙江宁波鄞州区`).
pub fn county_field(input: &str) -> Result<String, &'static str> {
    let narrow = super::text::normalize_width(input);
    let text = narrow.trim();
    if text.is_empty() {
        return Err("请选择或填写务工地（区县）");
    }
    let code = if text.len() == 6 && text.bytes().all(|b| b.is_ascii_digit()) {
        text.to_owned()
    } else {
        match resolve(text) {
            Some(w) => w.code,
            None => return Err("没有找到这个地方，请写省、市和区县（如 浙江省宁波市鄞州区）"),
        }
    };
    let current = gb2260::periods(&code).iter().any(|p| p.to_year.is_none());
    if !current {
        return Err("务工地应为现行的县级行政区划代码（如斗门区 440403）");
    }
    if code.ends_with("00") && !city_without_counties(&code) {
        return Err("请写到区县（如 广东省珠海市斗门区），不能只写省或市");
    }
    Ok(code)
}

/// The name of a workplace county for pages (`广东省斗门区`), or the code itself.
pub fn county_label(code: &str) -> String {
    if let Some((_, label)) = COMMON_WORKPLACES.iter().find(|(c, _)| *c == code) {
        return (*label).to_owned();
    }
    gb2260::periods(code)
        .iter()
        .find(|p| p.to_year.is_none())
        .map_or_else(|| code.to_owned(), gb2260::CodePeriod::label)
}

/// The county of a township or village code (its first six digits).
pub fn county_of_town(town_code: &str) -> Option<String> {
    town_code
        .get(..6)
        .filter(|c| c.chars().all(|d| d.is_ascii_digit()))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(t: &str) -> Option<(String, Level)> {
        resolve(t).map(|w| (w.code, w.level))
    }

    #[test]
    fn a_found_job_names_a_county() {
        assert_eq!(county_field("440403"), Ok("440403".into()));
        assert_eq!(
            county_field("441900"),
            Ok("441900".into()),
            "东莞 has no counties"
        );
        assert_eq!(county_field("浙江宁波鄞州区"), Ok("330212".into()));
        assert!(county_field("440400").is_err(), "珠海市 has districts");
        assert!(county_field("440000").is_err());
        assert!(county_field("522128").is_err(), "no longer in use");
        assert!(county_field("999999").is_err());
        assert!(county_field("火星").is_err());
        assert!(county_field("").is_err());
        for (code, _) in COMMON_WORKPLACES {
            assert_eq!(county_field(code), Ok(code.to_owned()), "{code}");
        }
    }

    #[test]
    fn counties_cities_and_provinces_by_name() {
        assert_eq!(
            code("广东省珠海市斗门区"),
            Some(("440403".into(), Level::County))
        );
        assert_eq!(code("广东珠海斗门"), Some(("440403".into(), Level::County)));
        assert_eq!(code("斗门区"), Some(("440403".into(), Level::County)));
        assert_eq!(code("遵义市"), Some(("520300".into(), Level::City)));
        assert_eq!(code("在东莞打工"), Some(("441900".into(), Level::City)));
        assert_eq!(code("浙江宁波"), Some(("330200".into(), Level::City)));
        assert_eq!(code("湄潭县永兴镇"), Some(("520328".into(), Level::County)));
        assert_eq!(code("贵州"), Some(("520000".into(), Level::Province)));
        assert_eq!(code("永兴镇"), None);
        assert_eq!(code("外省"), None);
        assert_eq!(code(""), None);
    }
}
