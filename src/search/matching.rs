//! Two-way matching: BM25 retrieval over the other side's words (with synonyms and the
//! programme of a certificate), hard filters, then re-ranking on structured facts, with the
//! reasons in Chinese — what matched, what fits, what is missing.

use std::collections::HashMap;

use tantivy::collector::TopDocs;
use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query};
use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, TantivyDocument};
use time::Date;

use super::SearchIndex;
use super::query::{range_i64, term_i64, term_str, text_query};
use super::schema::occupation_masks;
use super::schema::{VacancyDoc, WorkerDoc, programme_index};
use crate::domain::Programme;
use crate::domain::occupation::{Occupation, taxonomy};
use crate::domain::region::regions;

/// One match, best first.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Match {
    pub id: u64,
    /// 0–100
    pub score: f32,
    pub reasons: Vec<String>,
}

/// Julian day number of a date (the index's day unit).
pub fn days(d: Date) -> i64 {
    i64::from(d.to_julian_day())
}

fn age_at(birth_days: i64, today: Date) -> i32 {
    Date::from_julian_day(birth_days as i32).map_or(0, |b| crate::domain::id_card::age_on(b, today))
}

/// Years before `today`, clamped to real dates (29 February → 28 February).
fn years_before(today: Date, years: i64) -> Date {
    let y = today.year() - years as i32;
    Date::from_calendar_date(y, today.month(), today.day())
        .or_else(|_| Date::from_calendar_date(y, today.month(), 28))
        .unwrap_or(today)
}

/// Fast-field columns of one segment, opened once per search.
struct Columns {
    i64s: HashMap<(u32, &'static str), Option<Column<i64>>>,
    u64s: HashMap<(u32, &'static str), Option<Column<u64>>>,
}

impl Columns {
    fn new() -> Self {
        Self {
            i64s: HashMap::new(),
            u64s: HashMap::new(),
        }
    }

    fn i64(&mut self, s: &Searcher, a: DocAddress, name: &'static str) -> Option<i64> {
        self.i64s
            .entry((a.segment_ord, name))
            .or_insert_with(|| s.segment_reader(a.segment_ord).fast_fields().i64(name).ok())
            .as_ref()
            .and_then(|c| c.first(a.doc_id))
    }

    fn u64(&mut self, s: &Searcher, a: DocAddress, name: &'static str) -> Option<u64> {
        self.u64s
            .entry((a.segment_ord, name))
            .or_insert_with(|| s.segment_reader(a.segment_ord).fast_fields().u64(name).ok())
            .as_ref()
            .and_then(|c| c.first(a.doc_id))
    }
}

/// The retrieval score of the occupation clause: far above any BM25 score, so that every
/// record of the same occupation is a candidate before any that merely shares words.
const SAME_OCCUPATION: f32 = 1000.0;

/// How a candidate's occupations meet the searcher's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tier {
    Occupation,
    Family,
    None,
    /// the searcher's text names no occupation: words alone decide
    Unknown,
}

impl Tier {
    fn of(mine: (u64, u64), theirs: (u64, u64)) -> Self {
        if mine.0 == 0 {
            Tier::Unknown
        } else if mine.0 & theirs.0 != 0 {
            Tier::Occupation
        } else if mine.1 & theirs.1 != 0 {
            Tier::Family
        } else {
            Tier::None
        }
    }

    /// Relevance in 0..=1 from the tier and the words (`text` normalised to 0..=1): the
    /// occupation decides, the words order within it.
    fn relevance(self, text: f32) -> f32 {
        match self {
            Tier::Occupation => 0.7 + 0.3 * text,
            Tier::Family => 0.42 + 0.3 * text,
            Tier::None => 0.3 * text,
            Tier::Unknown => text,
        }
    }
}

/// The structured facts compared in re-ranking.
struct Facts {
    programme: i64,
    held_mask: u64,
    wage_min: i64,
    wage_max: i64,
    expected: Option<i64>,
    needs_lodging: bool,
    lodging: bool,
    meals: bool,
    same_county: bool,
}

impl Facts {
    /// How well the facts fit, 0..=1 (0.5: nothing known either way).
    fn fit(&self) -> f32 {
        let mut f: f32 = 0.5;
        if self.programme >= 0 {
            f += if self.held_mask & (1 << self.programme) != 0 {
                0.3
            } else {
                -0.2
            };
        }
        match self.expected {
            None => f += 0.05,
            Some(e) if self.wage_max >= e => {
                f += 0.1;
                if self.wage_min >= e {
                    f += 0.05;
                }
            }
            Some(_) => f -= 0.25,
        }
        if self.needs_lodging {
            f += if self.lodging { 0.1 } else { -0.15 };
        }
        if self.same_county {
            f += 0.05;
        }
        f.clamp(0.0, 1.0)
    }

    /// The match score, 0..=100: relevance first; the facts move a candidate within its
    /// relevance (at most 30 %), so wage and lodging never lift an unrelated job above a
    /// job of the person's trade.
    fn score(&self, relevance: f32) -> f32 {
        (100.0 * relevance * (0.7 + 0.3 * self.fit())).clamp(0.0, 100.0)
    }

    fn reasons(&self, cert_label: Option<&str>, out: &mut Vec<String>) {
        if self.programme >= 0 {
            let name = Programme::ALL[self.programme as usize].name();
            match cert_label {
                Some(label) if self.held_mask & (1 << self.programme) != 0 => {
                    out.push(format!("证书：{label}"))
                }
                _ => out.push(format!("缺：{name}证书")),
            }
        }
        match self.expected {
            Some(e) if self.wage_max >= e => {
                out.push(format!(
                    "月薪 {}–{} ≥ 期望 {e}",
                    self.wage_min, self.wage_max
                ));
            }
            Some(e) => out.push(format!(
                "月薪 {}–{}，低于期望 {e}",
                self.wage_min, self.wage_max
            )),
            None => out.push(format!("月薪 {}–{}", self.wage_min, self.wage_max)),
        }
        match (self.meals, self.lodging) {
            (true, true) => out.push("包吃住".into()),
            (false, true) => out.push("包住".into()),
            (true, false) if self.needs_lodging => out.push("包吃，不包住".into()),
            (true, false) => out.push("包吃".into()),
            (false, false) if self.needs_lodging => out.push("不提供住宿".into()),
            _ => {}
        }
        if self.same_county {
            out.push("离家近".into());
        }
    }
}

fn programme_clause(
    field: tantivy::schema::Field,
    programmes: impl Iterator<Item = i64>,
) -> Vec<(Occur, Box<dyn Query>)> {
    programmes
        .map(|p| {
            // retrieves certificate holders without inflating the text score: the certificate
            // counts once, in the re-ranking
            let q: Box<dyn Query> = Box::new(BoostQuery::new(term_i64(field, p), 0.0));
            (Occur::Should, q)
        })
        .collect()
}

/// The constant-score clause "same occupation as any of `codes`" (see [`SAME_OCCUPATION`]).
fn occupation_clause(occ: tantivy::schema::Field, codes: &[String]) -> Option<Box<dyn Query>> {
    if codes.is_empty() {
        return None;
    }
    let by_code: Vec<(Occur, Box<dyn Query>)> = codes
        .iter()
        .map(|c| (Occur::Should, term_str(occ, c)))
        .collect();
    Some(Box::new(ConstScoreQuery::new(
        Box::new(BooleanQuery::new(by_code)),
        SAME_OCCUPATION,
    )))
}

/// "Same family as any of `codes`", scoring nothing (it only admits).
fn family_clause(fam: tantivy::schema::Field, codes: &[String]) -> Option<Box<dyn Query>> {
    let t = taxonomy();
    let mut families: Vec<&str> = Vec::new();
    for c in codes {
        if let Some(f) = t.family_of(c)
            && !families.contains(&f)
        {
            families.push(f);
        }
    }
    if families.is_empty() {
        return None;
    }
    let by_family: Vec<(Occur, Box<dyn Query>)> = families
        .iter()
        .map(|f| (Occur::Should, term_str(fam, f)))
        .collect();
    Some(Box::new(ConstScoreQuery::new(
        Box::new(BooleanQuery::new(by_family)),
        0.0,
    )))
}

/// What retrieval needs: the words, the occupation and family clauses, other clauses that
/// admit (a programme), the hard filters, and how many candidates.
struct Retrieval {
    text: Option<Box<dyn Query>>,
    occupation: Option<Box<dyn Query>>,
    family: Option<Box<dyn Query>>,
    extra: Vec<(Occur, Box<dyn Query>)>,
    filters: Vec<Box<dyn Query>>,
    n: usize,
}

fn clone_all(qs: &[Box<dyn Query>]) -> Vec<Box<dyn Query>> {
    qs.iter().map(|q| q.box_clone()).collect()
}

impl Retrieval {
    /// Candidates with their tier and words score, in two steps: the searcher's occupation
    /// (with the words and the programme); then — only when the occupation cannot fill the
    /// list by itself — its family. Every record of the occupation is a candidate before any
    /// that merely shares words, and the big family sets are scored only when needed.
    fn run(
        self,
        searcher: &Searcher,
        cols: &mut Columns,
        mine: (u64, u64),
    ) -> tantivy::Result<Vec<(Tier, f32, DocAddress)>> {
        let mut should = self
            .extra
            .iter()
            .map(|(o, q)| (*o, q.box_clone()))
            .collect::<Vec<_>>();
        if let Some(o) = &self.occupation {
            should.push((Occur::Should, o.box_clone()));
        }
        let first = combine(
            self.text.as_ref().map(|t| t.box_clone()),
            should,
            clone_all(&self.filters),
        );
        let (top, _) = top_hits(searcher, first.as_ref(), self.n)?;
        let mut out: Vec<(Tier, f32, DocAddress)> = Vec::with_capacity(top.len());
        let mut seen = std::collections::HashSet::new();
        let tier_of = |cols: &mut Columns, a: DocAddress| {
            Tier::of(
                mine,
                (
                    cols.u64(searcher, a, "occ_mask").unwrap_or(0),
                    cols.u64(searcher, a, "fam_mask").unwrap_or(0),
                ),
            )
        };
        for (s, a) in top {
            let tier = tier_of(cols, a);
            let text = if tier == Tier::Occupation && self.occupation.is_some() {
                s - SAME_OCCUPATION
            } else {
                s
            };
            seen.insert(a);
            out.push((tier, text.max(0.0), a));
        }
        let exact = out.iter().filter(|c| c.0 == Tier::Occupation).count();
        if exact < self.n
            && let Some(family) = self.family
        {
            // the family, ordered by the words; those of the occupation are all in already
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, family)];
            if let Some(t) = self.text {
                clauses.push((Occur::Should, t));
            }
            for f in self.filters {
                clauses.push((Occur::Must, Box::new(BoostQuery::new(f, 0.0))));
            }
            let second = BooleanQuery::new(clauses);
            let (more, _) = top_hits(searcher, &second, self.n)?;
            for (s, a) in more {
                if seen.insert(a) {
                    let tier = tier_of(cols, a);
                    out.push((tier, s.max(0.0), a));
                }
            }
        }
        Ok(out)
    }
}

/// The reason naming the occupation a candidate shares (`工种：中式烹调师（厨师）`) or the
/// family (`相近工种：…`).
fn occupation_reason(tier: Tier, mine: (u64, u64), theirs_codes: &str) -> Option<String> {
    let t = taxonomy();
    let theirs: Vec<&Occupation> = theirs_codes
        .split(' ')
        .filter_map(|c| t.by_code(c))
        .collect();
    match tier {
        Tier::Occupation => {
            let shared = theirs.iter().find(|o| {
                t.index_of(&o.code)
                    .is_some_and(|i| mine.0 & (1u64 << (i % 64)) != 0)
            })?;
            Some(format!("工种：{}", shared.label()))
        }
        Tier::Family => {
            let near = theirs.iter().find(|o| {
                t.family_index_of(&o.code)
                    .is_some_and(|i| mine.1 & (1u64 << (i % 64)) != 0)
            })?;
            Some(format!("相近工种：{}（{}）", near.label(), near.family))
        }
        Tier::None | Tier::Unknown => None,
    }
}

fn combine(
    text: Option<Box<dyn Query>>,
    extra: Vec<(Occur, Box<dyn Query>)>,
    filters: Vec<Box<dyn Query>>,
) -> Box<dyn Query> {
    let mut should: Vec<(Occur, Box<dyn Query>)> = extra;
    if let Some(t) = text {
        should.push((Occur::Should, t));
    }
    let scoring: Option<Box<dyn Query>> = if should.is_empty() {
        None
    } else {
        Some(Box::new(BooleanQuery::new(should)))
    };
    super::query::filtered(scoring, filters)
}

/// The best `n` hits by score, and the best score (at least ε, for normalising).
fn top_hits(
    searcher: &Searcher,
    query: &dyn Query,
    n: usize,
) -> tantivy::Result<(Vec<(f32, DocAddress)>, f32)> {
    let top = searcher.search(query, &TopDocs::with_limit(n).order_by_score())?;
    let max = top
        .iter()
        .map(|(s, _)| *s)
        .fold(0.0f32, f32::max)
        .max(f32::EPSILON);
    Ok((top, max))
}

/// A stored text field and the stored occupation codes (space-separated) of a document,
/// read with one fetch from the document store.
fn stored(
    s: &Searcher,
    a: DocAddress,
    text: tantivy::schema::Field,
    occ: tantivy::schema::Field,
) -> (String, String) {
    let Ok(d) = s.doc::<TantivyDocument>(a) else {
        return (String::new(), String::new());
    };
    let body = d
        .get_first(text)
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let codes = d
        .get_all(occ)
        .filter_map(|v| v.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    (body, codes)
}

/// Vacancies for a worker, best first.
pub fn vacancies_for_worker(
    ix: &SearchIndex,
    w: &WorkerDoc,
    today: Date,
    limit: usize,
) -> anyhow::Result<Vec<Match>> {
    let f = &ix.vacancies.fields;
    let lex = &ix.lexicon;
    let skills = w.skills.join(" ");
    let jobs = w.desired_jobs.join(" ");
    let certs: Vec<&str> = w.certificates.iter().map(|(_, l)| l.as_str()).collect();
    let certs = certs.join(" ");
    let text = text_query(
        lex,
        &[(&skills, 1.0), (&jobs, 1.2), (&certs, 1.0)],
        &[(f.title, 3.0), (f.occupation, 2.5), (f.description, 1.0)],
    );
    let held: Vec<i64> = w
        .certificates
        .iter()
        .map(|(p, _)| programme_index(*p))
        .filter(|i| *i >= 0)
        .collect();
    let today_days = days(today);
    let age = i64::from(age_at(w.birth_days, today));
    let filters = vec![
        term_str(f.status, "open"),
        range_i64(f.expires_days, today_days, i64::MAX),
        range_i64(f.places_left, 1, i64::MAX),
        range_i64(f.min_age, i64::MIN, age),
        range_i64(f.max_age, age, i64::MAX),
    ];
    let searcher = ix.vacancies.reader.searcher();
    let mut cols = Columns::new();
    let mask = held.iter().fold(0u64, |m, i| m | (1 << i));
    let mine = occupation_masks(&w.occupations);
    let candidates = Retrieval {
        text,
        occupation: occupation_clause(f.occ, &w.occupations),
        family: family_clause(f.fam, &w.occupations),
        extra: programme_clause(f.programme, held.iter().copied()),
        filters,
        n: (limit * 5).max(60),
    }
    .run(&searcher, &mut cols, mine)?;
    let worker_county: u64 = w
        .township_code
        .get(..6)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let max = candidates
        .iter()
        .map(|c| c.1)
        .fold(0.0f32, f32::max)
        .max(f32::EPSILON);
    let mut scored: Vec<(f32, DocAddress, Facts, u64, Tier)> = candidates
        .into_iter()
        .map(|(tier, text, a)| {
            let facts = Facts {
                programme: cols.i64(&searcher, a, "programme").unwrap_or(-1),
                held_mask: mask,
                wage_min: cols.i64(&searcher, a, "wage_min").unwrap_or(0),
                wage_max: cols.i64(&searcher, a, "wage_max").unwrap_or(0),
                expected: w.expected_wage,
                needs_lodging: w.needs_lodging,
                lodging: cols.u64(&searcher, a, "lodging") == Some(1),
                meals: cols.u64(&searcher, a, "meals") == Some(1),
                same_county: cols.u64(&searcher, a, "county") == Some(worker_county)
                    && worker_county != 0,
            };
            let id = cols.u64(&searcher, a, "id").unwrap_or(0);
            (facts.score(tier.relevance(text / max)), a, facts, id, tier)
        })
        .collect();
    scored.sort_by(|x, y| y.0.total_cmp(&x.0).then(y.3.cmp(&x.3)));
    scored.truncate(limit);
    let mut out = Vec::with_capacity(scored.len());
    for (score, a, facts, id, tier) in scored {
        let (body, codes) = stored(&searcher, a, f.body, f.occ);
        let mut reasons = Vec::new();
        if let Some(r) = occupation_reason(tier, mine, &codes) {
            reasons.push(r);
        }
        let hits: Vec<&str> = w
            .skills
            .iter()
            .filter(|s| lex.mentions(&body, s))
            .map(String::as_str)
            .collect();
        if !hits.is_empty() {
            reasons.push(format!("技能：{}", hits.join("、")));
        }
        let wants: Vec<&str> = w
            .desired_jobs
            .iter()
            .filter(|s| lex.mentions(&body, s))
            .map(String::as_str)
            .collect();
        if !wants.is_empty() {
            reasons.push(format!("意向：{}", wants.join("、")));
        }
        let label = (facts.programme >= 0)
            .then(|| {
                let p = Programme::ALL[facts.programme as usize];
                w.certificates
                    .iter()
                    .find(|(h, _)| *h == Some(p))
                    .map(|(_, l)| l.as_str())
            })
            .flatten();
        facts.reasons(label, &mut reasons);
        if facts.same_county
            && let Some(r) = reasons.last_mut().filter(|r| r.as_str() == "离家近")
        {
            *r = format!(
                "离家近（{}）",
                regions()
                    .get(&w.township_code)
                    .map_or("", |t| t.county.as_str())
            );
        }
        out.push(Match {
            id,
            score: (score * 10.0).round() / 10.0,
            reasons,
        });
    }
    Ok(out)
}

/// Workers for a vacancy, best first: only those seeking work and available, of the right age.
pub fn workers_for_vacancy(
    ix: &SearchIndex,
    v: &VacancyDoc,
    today: Date,
    limit: usize,
) -> anyhow::Result<Vec<Match>> {
    let f = &ix.workers.fields;
    let lex = &ix.lexicon;
    let text = text_query(
        lex,
        &[(&v.title, 1.5), (&v.occupation, 1.5), (&v.description, 0.4)],
        &[(f.skills, 2.0), (f.jobs, 2.5), (f.certs, 1.5)],
    );
    let p = programme_index(v.programme);
    let extra = if p >= 0 {
        programme_clause(f.prog, std::iter::once(p))
    } else {
        Vec::new()
    };
    let today_days = days(today);
    let latest_birth = days(years_before(today, v.min_age));
    let earliest_birth = days(years_before(today, v.max_age + 1)) + 1;
    let filters = vec![
        term_str(f.status, "seeking"),
        range_i64(f.available_days, i64::MIN, today_days),
        range_i64(f.birth_days, earliest_birth, latest_birth),
    ];
    let searcher = ix.workers.reader.searcher();
    let mut cols = Columns::new();
    let mine = occupation_masks(&v.occupations);
    let candidates = Retrieval {
        text,
        occupation: occupation_clause(f.occ, &v.occupations),
        family: family_clause(f.fam, &v.occupations),
        extra,
        filters,
        n: (limit * 5).max(100),
    }
    .run(&searcher, &mut cols, mine)?;
    let vacancy_county: u64 = v
        .town_code
        .get(..6)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let max = candidates
        .iter()
        .map(|c| c.1)
        .fold(0.0f32, f32::max)
        .max(f32::EPSILON);
    let mut scored: Vec<(f32, DocAddress, Facts, u64, Tier)> = candidates
        .into_iter()
        .map(|(tier, text, a)| {
            let expected = cols.i64(&searcher, a, "expected_wage").filter(|e| *e >= 0);
            let facts = Facts {
                programme: p,
                held_mask: cols.u64(&searcher, a, "programmes").unwrap_or(0),
                wage_min: v.wage_min,
                wage_max: v.wage_max,
                expected,
                needs_lodging: cols.u64(&searcher, a, "needs_lodging") == Some(1),
                lodging: v.lodging,
                meals: v.meals,
                same_county: cols.u64(&searcher, a, "county") == Some(vacancy_county)
                    && vacancy_county != 0,
            };
            let id = cols.u64(&searcher, a, "id").unwrap_or(0);
            (facts.score(tier.relevance(text / max)), a, facts, id, tier)
        })
        .collect();
    scored.sort_by(|x, y| y.0.total_cmp(&x.0).then(y.3.cmp(&x.3)));
    scored.truncate(limit);
    let body = format!("{} {} {}", v.title, v.occupation, v.description);
    let mut out = Vec::with_capacity(scored.len());
    for (score, a, facts, id, tier) in scored {
        let (profile, codes) = stored(&searcher, a, f.profile, f.occ);
        let mut parts = profile.split('|');
        let skills = parts.next().unwrap_or("");
        let jobs = parts.next().unwrap_or("");
        let certs = parts.next().unwrap_or("");
        let mut reasons = Vec::new();
        if let Some(r) = occupation_reason(tier, mine, &codes) {
            reasons.push(r);
        }
        let hits: Vec<&str> = skills
            .split('、')
            .filter(|s| !s.is_empty() && lex.mentions(&body, s))
            .collect();
        if !hits.is_empty() {
            // an enterprise reads these: no number typed into the worker's text
            reasons.push(crate::domain::text::redact_numbers(&format!(
                "技能：{}",
                hits.join("、")
            )));
        }
        let wants: Vec<&str> = jobs
            .split('、')
            .filter(|s| !s.is_empty() && lex.mentions(&body, s))
            .collect();
        if !wants.is_empty() {
            reasons.push(crate::domain::text::redact_numbers(&format!(
                "意向：{}",
                wants.join("、")
            )));
        }
        let label = (p >= 0)
            .then(|| {
                let name = Programme::ALL[p as usize].name();
                certs.split('、').find(|l| l.contains(name))
            })
            .flatten();
        facts.reasons(label, &mut reasons);
        out.push(Match {
            id,
            score: (score * 10.0).round() / 10.0,
            reasons,
        });
    }
    Ok(out)
}
