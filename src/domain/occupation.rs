//! Occupations: the backbone of matching. The taxonomy is plain data (`index/occupations.txt`):
//! each occupation has a code (from the 职业分类大典 2022 where it has one, else a local `L-`
//! code), a name, a family, and the words people use for it. [`Taxonomy::infer`] reads free
//! text — an ad, a worker's own description — and says which occupations it speaks of, with
//! the longest phrase winning where phrases overlap ("厨房保洁" is a cleaner, not a cook).

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::Serialize;
use utoipa::ToSchema;

/// The taxonomy compiled in, used when no `index/` folder overrides it.
const OCCUPATIONS: &str = include_str!("../../index/occupations.txt");

/// Most occupations inferred from one text.
const MAX_INFERRED: usize = 3;
/// Weight of a weak phrase (`~工厂`): it names an occupation only when nothing stronger does.
const WEAK: f32 = 0.25;

/// One occupation of the taxonomy.
#[derive(Debug, Clone, Serialize)]
pub struct Occupation {
    pub code: String,
    pub name: String,
    pub family: String,
    /// The words people use for it, as written in the data file (weak ones without `~`).
    #[serde(skip)]
    pub words: Vec<String>,
}

impl Occupation {
    /// `中式烹调师（厨师）`: the name and, when it differs, the everyday word for it.
    pub fn label(&self) -> String {
        match self
            .words
            .iter()
            .find(|w| **w != self.name && w.chars().count() >= 2)
        {
            Some(w) => format!("{}（{w}）", self.name),
            None => self.name.clone(),
        }
    }
}

/// The occupations and the phrase matcher built from their words.
pub struct Taxonomy {
    occupations: Vec<Occupation>,
    families: Vec<String>,
    by_code: HashMap<String, usize>,
    matcher: AhoCorasick,
    /// per matcher pattern: (occupation index, weight)
    patterns: Vec<(usize, f32)>,
    /// phrases with a gap (`炒*菜`: "炒过五年菜"): first part, second part, occupation, weight
    gapped: Vec<(String, String, usize, f32)>,
    /// the first parts of the gapped phrases (pattern i = `gapped[i].0`): one pass finds which
    /// occur, and only those phrases are looked for (a listing infers for every row it shows)
    gapped_firsts: AhoCorasick,
}

/// Most characters between the two parts of a gapped phrase.
const MAX_GAP: usize = 5;

/// Where the second part of a gapped phrase follows the first within [`MAX_GAP`] characters
/// of plain words (no punctuation between): the byte range of that second part.
fn gap_match(text: &str, first: &str, second: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(pos) = text[from..].find(first) {
        let after = from + pos + first.len();
        let rest = &text[after..];
        for (n, (i, c)) in rest.char_indices().enumerate() {
            if rest[i..].starts_with(second) {
                return Some((after + i, after + i + second.len()));
            }
            if n >= MAX_GAP || !c.is_alphanumeric() {
                break;
            }
        }
        from = after;
    }
    None
}

impl std::fmt::Debug for Taxonomy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Taxonomy")
            .field("occupations", &self.occupations.len())
            .finish()
    }
}

/// An occupation found in a text, with how strongly the text speaks of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Inferred {
    pub index: usize,
    pub weight: f32,
}

impl Taxonomy {
    /// Parses the data file; the error names the line and the problem.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut occupations = Vec::new();
        let mut families: Vec<String> = Vec::new();
        let mut by_code = HashMap::new();
        let mut phrases: Vec<String> = Vec::new();
        let mut patterns: Vec<(usize, f32)> = Vec::new();
        let mut seen_phrase: HashMap<String, usize> = HashMap::new();
        let mut gapped = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('|').map(str::trim).collect();
            let [code, name, family, words] = cols[..] else {
                return Err(format!(
                    "第 {} 行应有 4 栏（代码 | 名称 | 大类 | 说法）",
                    n + 1
                ));
            };
            if code.is_empty() || name.is_empty() || family.is_empty() {
                return Err(format!("第 {} 行的代码、名称和大类不能为空", n + 1));
            }
            if by_code.insert(code.to_owned(), occupations.len()).is_some() {
                return Err(format!("第 {} 行的代码 {code} 重复", n + 1));
            }
            if !families.iter().any(|f| f == family) {
                families.push(family.to_owned());
            }
            let index = occupations.len();
            let mut list = Vec::new();
            let all = std::iter::once(name).chain(
                words
                    .split([',', '，', '、'])
                    .map(str::trim)
                    .filter(|w| !w.is_empty()),
            );
            for raw in all {
                let (word, weight) = match raw.strip_prefix('~') {
                    Some(w) => (w.trim(), WEAK),
                    None => (raw, 1.0),
                };
                let key = word.to_lowercase();
                if key.is_empty() {
                    continue;
                }
                if let Some((a, b)) = key.split_once('*') {
                    let (a, b) = (a.trim(), b.trim());
                    if a.is_empty() || b.is_empty() || b.contains('*') {
                        return Err(format!(
                            "第 {} 行的说法\u{201c}{word}\u{201d}：\"*\"两边都要有字，且只能有一个",
                            n + 1
                        ));
                    }
                    gapped.push((a.to_owned(), b.to_owned(), index, weight));
                    continue;
                }
                match seen_phrase.get(&key) {
                    // the same phrase under one occupation twice (the name repeated): once
                    Some(&i) if patterns[i].0 == index => continue,
                    Some(_) => {
                        return Err(format!(
                            "第 {} 行的说法\u{201c}{word}\u{201d}已属于另一个工种",
                            n + 1
                        ));
                    }
                    None => {}
                }
                seen_phrase.insert(key.clone(), phrases.len());
                phrases.push(key);
                patterns.push((index, weight));
                list.push(word.to_owned());
            }
            occupations.push(Occupation {
                code: code.to_owned(),
                name: name.to_owned(),
                family: family.to_owned(),
                words: list,
            });
        }
        if occupations.is_empty() {
            return Err("工种表是空的".into());
        }
        if occupations.len() > 64 || families.len() > 64 {
            return Err("工种表最多 64 个工种、64 个大类".into());
        }
        let matcher = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&phrases)
            .map_err(|e| format!("工种表的说法无法编译：{e}"))?;
        let gapped_firsts = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(
                gapped
                    .iter()
                    .map(|g: &(String, String, usize, f32)| g.0.as_str()),
            )
            .map_err(|e| format!("工种表的说法无法编译：{e}"))?;
        Ok(Self {
            occupations,
            families,
            by_code,
            matcher,
            patterns,
            gapped,
            gapped_firsts,
        })
    }

    /// Every occupation, in the file's order.
    pub fn all(&self) -> &[Occupation] {
        &self.occupations
    }

    /// The families, in the file's order.
    pub fn families(&self) -> &[String] {
        &self.families
    }

    pub fn get(&self, index: usize) -> Option<&Occupation> {
        self.occupations.get(index)
    }

    pub fn index_of(&self, code: &str) -> Option<usize> {
        self.by_code.get(code).copied()
    }

    pub fn by_code(&self, code: &str) -> Option<&Occupation> {
        self.index_of(code).and_then(|i| self.get(i))
    }

    /// The occupations a text speaks of, strongest first: each phrase found (the longest
    /// where phrases overlap) adds its weight, a weak phrase counts only when no strong one
    /// is found, and occupations far behind the strongest are dropped.
    pub fn infer(&self, parts: &[(&str, f32)]) -> Vec<Inferred> {
        let mut weights: HashMap<usize, (f32, bool)> = HashMap::new();
        for (text, factor) in parts {
            let text = text.to_lowercase();
            let mut spans = Vec::new();
            let mut add = |index: usize, weight: f32| {
                let e = weights.entry(index).or_insert((0.0, false));
                e.0 += weight * factor;
                e.1 |= weight >= 1.0;
            };
            for m in self.matcher.find_iter(&text) {
                let (index, weight) = self.patterns[m.pattern().as_usize()];
                spans.push((m.start(), m.end()));
                add(index, weight);
            }
            // a gapped phrase counts unless a whole phrase already covers its second part
            // ("开过叉车" is a forklift, not 开*车)
            let mut present = vec![false; self.gapped.len()];
            for m in self.gapped_firsts.find_overlapping_iter(&text) {
                present[m.pattern().as_usize()] = true;
            }
            for ((a, b, index, weight), _) in self.gapped.iter().zip(&present).filter(|(_, p)| **p)
            {
                if let Some((start, end)) = gap_match(&text, a, b)
                    && !spans.iter().any(|(s, e)| *s < end && start < *e)
                {
                    add(*index, *weight);
                }
            }
        }
        let any_strong = weights.values().any(|(_, strong)| *strong);
        let mut found: Vec<Inferred> = weights
            .into_iter()
            .filter(|(_, (_, strong))| *strong || !any_strong)
            .map(|(index, (weight, _))| Inferred { index, weight })
            .collect();
        found.sort_by(|a, b| b.weight.total_cmp(&a.weight).then(a.index.cmp(&b.index)));
        let best = found.first().map_or(0.0, |f| f.weight);
        found.retain(|f| f.weight >= best * 0.34);
        found.truncate(MAX_INFERRED);
        found
    }

    /// The codes of the occupations a text speaks of, strongest first.
    pub fn infer_codes(&self, parts: &[(&str, f32)]) -> Vec<String> {
        self.infer(parts)
            .into_iter()
            .map(|f| self.occupations[f.index].code.clone())
            .collect()
    }

    /// The position of an occupation code's family in [`Taxonomy::families`].
    pub fn family_index_of(&self, code: &str) -> Option<usize> {
        let family = self.family_of(code)?;
        self.families.iter().position(|f| f == family)
    }

    /// The family of an occupation code.
    pub fn family_of(&self, code: &str) -> Option<&str> {
        self.by_code(code).map(|o| o.family.as_str())
    }
}

/// An occupation of a worker or a vacancy, as shown and returned by the API.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OccupationTag {
    /// Taxonomy code (职业分类大典 2022, or a local `L-` code)
    pub code: String,
    pub name: String,
    pub family: String,
    /// Chosen on a form; `false`: inferred from the text (a station or the owner can correct it)
    pub chosen: bool,
}

impl OccupationTag {
    /// `中式烹调师（自动识别）` or `中式烹调师`.
    pub fn display(&self) -> String {
        if self.chosen {
            self.name.clone()
        } else {
            format!("{}（自动识别）", self.name)
        }
    }
}

/// The occupations of a record: the chosen one first (when it is known), then those inferred
/// from its text — or, when one was chosen, only the inferred ones of the same family.
pub fn tags(chosen: Option<&str>, parts: &[(&str, f32)]) -> Vec<OccupationTag> {
    // every listing shows each row's occupations: the answer for the same words (the taxonomy
    // is fixed for the process) is remembered
    let mut key = String::from(chosen.unwrap_or(""));
    for (text, weight) in parts {
        key.push_str(&format!("\u{1f}{weight}\u{1f}{text}"));
    }
    if let Some(hit) = TAGS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&key)
        .cloned()
    {
        return hit;
    }
    let out = infer_tags(chosen, parts);
    let mut memo = TAGS.lock().unwrap_or_else(|e| e.into_inner());
    if memo.len() >= TAGS_KEPT {
        memo.clear();
    }
    memo.insert(key, out.clone());
    out
}

/// Most answers [`tags`] keeps.
const TAGS_KEPT: usize = 50_000;
static TAGS: std::sync::LazyLock<std::sync::Mutex<HashMap<String, Vec<OccupationTag>>>> =
    std::sync::LazyLock::new(Default::default);

fn infer_tags(chosen: Option<&str>, parts: &[(&str, f32)]) -> Vec<OccupationTag> {
    let t = taxonomy();
    let chosen = chosen.and_then(|c| t.by_code(c));
    let mut out: Vec<OccupationTag> = Vec::new();
    if let Some(o) = chosen {
        out.push(OccupationTag {
            code: o.code.clone(),
            name: o.name.clone(),
            family: o.family.clone(),
            chosen: true,
        });
    }
    for f in t.infer(parts) {
        let Some(o) = t.get(f.index) else { continue };
        if out.iter().any(|x| x.code == o.code) || chosen.is_some_and(|c| c.family != o.family) {
            continue;
        }
        out.push(OccupationTag {
            code: o.code.clone(),
            name: o.name.clone(),
            family: o.family.clone(),
            chosen: false,
        });
    }
    out.truncate(MAX_INFERRED);
    out
}

/// A vacancy's occupations: the chosen one, then those its title and 工种 speak of (the
/// description only when they say nothing).
pub fn for_vacancy(
    chosen: Option<&str>,
    title: &str,
    occupation: &str,
    description: &str,
) -> Vec<OccupationTag> {
    let head = tags(chosen, &[(title, 1.0), (occupation, 1.0)]);
    if head.iter().any(|t| !t.chosen) {
        return head;
    }
    tags(chosen, &[(description, 1.0)])
}

/// A worker's occupations: the chosen one, then those inferred from what they want (weighing
/// more), what they did, and their certificates.
pub fn for_worker(
    chosen: Option<&str>,
    desired_jobs: &str,
    skills: &str,
    certificates: &str,
) -> Vec<OccupationTag> {
    tags(
        chosen,
        &[(desired_jobs, 1.2), (skills, 1.0), (certificates, 1.0)],
    )
}

/// The codes of [`tags`].
pub fn codes(chosen: Option<&str>, parts: &[(&str, f32)]) -> Vec<String> {
    tags(chosen, parts).into_iter().map(|t| t.code).collect()
}

static TAXONOMY: OnceLock<Taxonomy> = OnceLock::new();

/// The platform's taxonomy: `index/occupations.txt` from the folder given to [`load_from`]
/// at start-up, else the compiled-in copy.
pub fn taxonomy() -> &'static Taxonomy {
    TAXONOMY.get_or_init(|| {
        Taxonomy::parse(OCCUPATIONS).unwrap_or_else(|e| {
            // the compiled-in file is checked by a unit test; never reached in a release
            tracing::error!(error = %e, "compiled-in occupations.txt is invalid");
            Taxonomy::parse("L-0000 | 其他 | 其他 | 其他").unwrap_or_else(|_| unreachable!())
        })
    })
}

/// Loads `occupations.txt` from `dir` once, at start-up (before the first [`taxonomy`] call);
/// a file that does not parse is refused with the reason and the compiled-in copy is used.
pub fn load_from(dir: &Path) {
    let path = dir.join("occupations.txt");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return;
    };
    match Taxonomy::parse(&text) {
        Ok(t) => {
            if TAXONOMY.set(t).is_err() {
                tracing::debug!("occupations already loaded");
            }
        }
        Err(e) => tracing::error!(path = %path.display(), error = %e, "occupations.txt refused"),
    }
}

/// An occupation code known to the taxonomy.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct OccupationCode(String);

impl OccupationCode {
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let code = input.trim();
        if taxonomy().index_of(code).is_some() {
            Ok(Self(code.to_owned()))
        } else {
            Err("工种代码不在工种表中")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        let t = taxonomy();
        t.infer(&[(text, 1.0)])
            .into_iter()
            .map(|f| t.get(f.index).map(|o| o.name.clone()).unwrap_or_default())
            .collect()
    }

    #[test]
    fn the_shipped_file_parses() {
        let t = Taxonomy::parse(OCCUPATIONS).expect("index/occupations.txt");
        assert!(t.all().len() >= 20);
        assert!(
            t.by_code("4-03-02-01")
                .is_some_and(|o| o.name == "中式烹调师")
        );
        assert_eq!(t.family_of("6-18-02-04"), Some("机械加工"));
    }

    #[test]
    fn everyday_words_name_the_occupation() {
        assert_eq!(names("在县城饭店炒过五年菜")[0], "中式烹调师");
        assert_eq!(names("会开叉车")[0], "叉车司机");
        assert_eq!(names("带过两个小孩")[0], "育婴员");
        assert_eq!(names("伺候月子")[0], "母婴护理员");
        assert_eq!(names("整过几年工地，会扎钢筋")[0], "钢筋工");
    }

    #[test]
    fn gapped_phrases_bridge_a_few_words_only() {
        assert_eq!(gap_match("炒过五年菜", "炒", "菜"), Some((12, 15)));
        assert_eq!(gap_match("炒过，菜", "炒", "菜"), None);
        assert_eq!(gap_match("炒股票赚了很多钱买菜", "炒", "菜"), None);
        assert_eq!(names("开过三年叉车"), vec!["叉车司机"]);
    }

    #[test]
    fn the_longest_phrase_wins() {
        assert_eq!(names("在酒店做厨房保洁"), vec!["保洁员"]);
        assert_eq!(names("叉车司机"), vec!["叉车司机"]);
    }

    #[test]
    fn weak_words_count_only_alone() {
        assert_eq!(names("在工厂当保安"), vec!["保安员"]);
        assert_eq!(names("进厂"), vec!["生产线普工"]);
        assert!(names("身体好，能吃苦").is_empty());
    }

    #[test]
    fn bad_files_are_refused_with_the_line() {
        let e = Taxonomy::parse("A | 甲 | 乙 | 丙\nA | 丁 | 乙 | 戊").unwrap_err();
        assert!(e.contains("第 2 行") && e.contains("重复"), "{e}");
        let e = Taxonomy::parse("A | 甲 | 乙").unwrap_err();
        assert!(e.contains("第 1 行"), "{e}");
        let e = Taxonomy::parse("A | 甲 | 乙 | 厨师\nB | 丁 | 乙 | 厨师").unwrap_err();
        assert!(e.contains("已属于另一个工种"), "{e}");
        assert!(OccupationCode::parse("no-such").is_err());
        assert_eq!(
            OccupationCode::parse(" 4-07-05-01 ").map(|c| c.as_str().to_owned()),
            Ok("4-07-05-01".to_owned())
        );
    }
}
