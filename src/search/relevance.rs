//! `laowu bench relevance`: how well matching understands the way people write, measured
//! like a search team would. The set (`benches/relevance/`) is hand-written job ads and worker
//! self-descriptions, each judged with the occupation codes it is truly about; a result is
//! highly relevant (2) when it shares an occupation, relevant (1) when it shares a family.
//! Prints precision@5, nDCG@10 and recall@10 both ways, the share of people with no match, and
//! the same for a plain baseline that ranks by shared character bigrams.

use std::collections::HashSet;
use std::path::Path;

use anyhow::Context;
use serde::Serialize;

use super::SearchIndex;
use super::analyzer::Lexicon;
use super::matching::{days, vacancies_for_worker, workers_for_vacancy};
use super::schema::{VacancyDoc, WorkerDoc};
use crate::domain::occupation::{for_vacancy, for_worker, taxonomy};
use crate::domain::region::{DOUMEN, MEITAN, regions};
use crate::domain::text::split_list;

/// One judged ad.
#[derive(Debug, Clone)]
pub struct JudgedVacancy {
    pub codes: Vec<String>,
    pub title: String,
    pub occupation: String,
    pub description: String,
}

/// One judged worker.
#[derive(Debug, Clone)]
pub struct JudgedWorker {
    pub codes: Vec<String>,
    pub experience: String,
    pub wanted: String,
}

fn rows(path: &Path, columns: usize) -> anyhow::Result<Vec<Vec<String>>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<String> = line.split('\t').map(|c| c.trim().to_owned()).collect();
        anyhow::ensure!(
            cols.len() == columns,
            "{} line {}: {} columns, expected {columns}",
            path.display(),
            n + 1,
            cols.len()
        );
        for code in cols[0].split(',') {
            anyhow::ensure!(
                taxonomy().by_code(code.trim()).is_some(),
                "{} line {}: unknown occupation code {code}",
                path.display(),
                n + 1
            );
        }
        out.push(cols);
    }
    Ok(out)
}

fn codes(col: &str) -> Vec<String> {
    col.split(',').map(|c| c.trim().to_owned()).collect()
}

/// Reads `vacancies.tsv` and `workers.tsv` from `dir`.
pub fn load_set(dir: &Path) -> anyhow::Result<(Vec<JudgedVacancy>, Vec<JudgedWorker>)> {
    let vacancies = rows(&dir.join("vacancies.tsv"), 4)?
        .into_iter()
        .map(|c| JudgedVacancy {
            codes: codes(&c[0]),
            title: c[1].clone(),
            occupation: c[2].clone(),
            description: c[3].clone(),
        })
        .collect();
    let workers = rows(&dir.join("workers.tsv"), 3)?
        .into_iter()
        .map(|c| JudgedWorker {
            codes: codes(&c[0]),
            experience: c[1].clone(),
            wanted: c[2].clone(),
        })
        .collect();
    Ok((vacancies, workers))
}

/// 2: shares an occupation; 1: shares a family; 0: neither.
pub fn grade(a: &[String], b: &[String]) -> u8 {
    if a.iter().any(|c| b.contains(c)) {
        return 2;
    }
    let t = taxonomy();
    let fams = |x: &[String]| -> HashSet<String> {
        x.iter()
            .filter_map(|c| t.family_of(c).map(str::to_owned))
            .collect()
    };
    if fams(a).intersection(&fams(b)).next().is_some() {
        1
    } else {
        0
    }
}

/// Ranking quality of one direction.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Figures {
    pub queries: usize,
    pub precision_at_5: f64,
    pub ndcg_at_10: f64,
    pub recall_at_10: f64,
    /// people (or ads) who got no result at all
    pub no_match_share: f64,
    /// people (or ads) with nothing relevant among the first 10
    pub nothing_relevant_in_10_share: f64,
}

/// What `laowu bench relevance` prints.
#[derive(Debug, Serialize)]
pub struct RelevanceReport {
    pub vacancies: usize,
    pub workers: usize,
    pub occupations: usize,
    pub worker_to_vacancies: Figures,
    pub vacancy_to_workers: Figures,
    pub baseline_worker_to_vacancies: Figures,
    pub baseline_vacancy_to_workers: Figures,
    /// the queries that did worst (precision@5 below 0.6), for whoever tunes the word lists
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub misses: Vec<String>,
}

/// Accumulates per-query figures.
#[derive(Default)]
struct Tally {
    n: usize,
    p5: f64,
    ndcg: f64,
    recall: f64,
    empty: usize,
    nothing: usize,
}

impl Tally {
    /// `got`: the grades of the results in order; `all`: the grades of every candidate.
    /// Returns precision@5.
    fn add(&mut self, got: &[u8], all: &[u8]) -> f64 {
        self.n += 1;
        let relevant_total = all.iter().filter(|g| **g > 0).count();
        let p5 = got.iter().take(5).filter(|g| **g > 0).count() as f64 / 5.0;
        self.p5 += p5;
        let dcg = |gs: &[u8]| -> f64 {
            gs.iter()
                .take(10)
                .enumerate()
                .map(|(i, g)| (2f64.powi(i32::from(*g)) - 1.0) / ((i + 2) as f64).log2())
                .sum()
        };
        let mut ideal = all.to_vec();
        ideal.sort_unstable_by(|a, b| b.cmp(a));
        let idcg = dcg(&ideal);
        if idcg > 0.0 {
            self.ndcg += dcg(got) / idcg;
        }
        let found = got.iter().take(10).filter(|g| **g > 0).count();
        if relevant_total > 0 {
            self.recall += found as f64 / relevant_total as f64;
        }
        if got.is_empty() {
            self.empty += 1;
        }
        if found == 0 {
            self.nothing += 1;
        }
        p5
    }

    fn figures(&self) -> Figures {
        let n = self.n.max(1) as f64;
        let r = |x: f64| (x * 1000.0).round() / 1000.0;
        Figures {
            queries: self.n,
            precision_at_5: r(self.p5 / n),
            ndcg_at_10: r(self.ndcg / n),
            recall_at_10: r(self.recall / n),
            no_match_share: r(self.empty as f64 / n),
            nothing_relevant_in_10_share: r(self.nothing as f64 / n),
        }
    }
}

/// The distinct character bigrams of a text (letters and digits only).
fn bigrams(text: &str) -> HashSet<(char, char)> {
    let chars: Vec<char> = text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// The baseline: candidates ranked by how many character bigrams they share with the query.
fn baseline_rank(query: &HashSet<(char, char)>, docs: &[HashSet<(char, char)>]) -> Vec<usize> {
    let mut scored: Vec<(usize, usize)> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (query.intersection(d).count(), i))
        .filter(|(s, _)| *s > 0)
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().take(10).map(|(_, i)| i).collect()
}

/// The index documents of the set, with varied facts (wage, lodging, home county) so that
/// the facts are exercised as they are in real use.
fn documents(
    vacancies: &[JudgedVacancy],
    workers: &[JudgedWorker],
    today: time::Date,
) -> (Vec<VacancyDoc>, Vec<WorkerDoc>) {
    let doumen = regions().townships_of(DOUMEN);
    let meitan = regions().townships_of(MEITAN);
    let vdocs = vacancies
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let wage_min = 4000 + (i as i64 * 37 % 30) * 100;
            VacancyDoc {
                id: i as u64 + 1,
                title: v.title.clone(),
                occupation: v.occupation.clone(),
                description: v.description.clone(),
                employer: format!("斗门第{}实业有限公司", i % 40),
                status: "open".into(),
                expires_days: days(today) + 30,
                places_left: 3,
                town_code: doumen
                    .get(i % doumen.len().max(1))
                    .map(|t| t.code.clone())
                    .unwrap_or_default(),
                programme: None,
                wage_min,
                wage_max: wage_min + 1500,
                min_age: 18,
                max_age: 55,
                lodging: i % 3 != 0,
                meals: i % 4 != 0,
                assistance_workshop: false,
                occupations: for_vacancy(None, &v.title, &v.occupation, &v.description)
                    .into_iter()
                    .map(|t| t.code)
                    .collect(),
            }
        })
        .collect();
    let wdocs = workers
        .iter()
        .enumerate()
        .map(|(i, w)| WorkerDoc {
            id: i as u64 + 1,
            name: format!("工友{i}"),
            skills: split_list(&w.experience),
            desired_jobs: split_list(&w.wanted),
            certificates: Vec::new(),
            status: "seeking".into(),
            township_code: meitan
                .get(i % meitan.len().max(1))
                .map(|t| t.code.clone())
                .unwrap_or_default(),
            station_id: Some(1),
            household: [false; 4],
            birth_days: days(today) - 35 * 365,
            expected_wage: Some(4000 + (i as i64 * 53 % 40) * 100),
            needs_lodging: i % 2 == 0,
            available_days: None,
            occupations: for_worker(
                None,
                &split_list(&w.wanted).join("、"),
                &split_list(&w.experience).join("、"),
                "",
            )
            .into_iter()
            .map(|t| t.code)
            .collect(),
        })
        .collect();
    (vdocs, wdocs)
}

/// Runs the set through matching and the baseline. `index_dir`: the word lists to use (the
/// project's `index/`), else the compiled-in ones.
pub fn run(set_dir: &Path, index_dir: Option<&Path>) -> anyhow::Result<RelevanceReport> {
    let lexicon = Lexicon::load(index_dir);
    let (vacancies, workers) = load_set(set_dir)?;
    let today = crate::domain::today();
    let (vdocs, wdocs) = documents(&vacancies, &workers, today);
    let ix = SearchIndex::open_with_heap(None, lexicon, 50_000_000)?;
    ix.add_vacancies(&vdocs)?;
    ix.add_workers(&wdocs)?;
    ix.commit(Some(crate::db::changes::FeedPos::default()))?;

    let mut misses = Vec::new();
    let mut w2v = Tally::default();
    for (w, doc) in workers.iter().zip(&wdocs) {
        let got: Vec<u8> = vacancies_for_worker(&ix, doc, today, 10)?
            .iter()
            .map(|m| grade(&w.codes, &vacancies[m.id as usize - 1].codes))
            .collect();
        let all: Vec<u8> = vacancies
            .iter()
            .map(|v| grade(&w.codes, &v.codes))
            .collect();
        if w2v.add(&got, &all) < 0.6 {
            misses.push(format!(
                "worker {:?} / {:?} [{}] → {:?}",
                w.experience,
                w.wanted,
                w.codes.join(","),
                got
            ));
        }
    }
    let mut v2w = Tally::default();
    for (v, doc) in vacancies.iter().zip(&vdocs) {
        let got: Vec<u8> = workers_for_vacancy(&ix, doc, today, 10)?
            .iter()
            .map(|m| grade(&v.codes, &workers[m.id as usize - 1].codes))
            .collect();
        let all: Vec<u8> = workers.iter().map(|w| grade(&v.codes, &w.codes)).collect();
        if v2w.add(&got, &all) < 0.6 {
            misses.push(format!(
                "vacancy {:?} / {:?} [{}] → {:?}",
                v.title,
                v.occupation,
                v.codes.join(","),
                got
            ));
        }
    }

    let vgrams: Vec<_> = vacancies
        .iter()
        .map(|v| bigrams(&format!("{} {} {}", v.title, v.occupation, v.description)))
        .collect();
    let wgrams: Vec<_> = workers
        .iter()
        .map(|w| bigrams(&format!("{} {}", w.experience, w.wanted)))
        .collect();
    let mut base_w2v = Tally::default();
    for (w, q) in workers.iter().zip(&wgrams) {
        let got: Vec<u8> = baseline_rank(q, &vgrams)
            .into_iter()
            .map(|i| grade(&w.codes, &vacancies[i].codes))
            .collect();
        let all: Vec<u8> = vacancies
            .iter()
            .map(|v| grade(&w.codes, &v.codes))
            .collect();
        base_w2v.add(&got, &all);
    }
    let mut base_v2w = Tally::default();
    for (v, q) in vacancies.iter().zip(&vgrams) {
        let got: Vec<u8> = baseline_rank(q, &wgrams)
            .into_iter()
            .map(|i| grade(&v.codes, &workers[i].codes))
            .collect();
        let all: Vec<u8> = workers.iter().map(|w| grade(&v.codes, &w.codes)).collect();
        base_v2w.add(&got, &all);
    }
    Ok(RelevanceReport {
        vacancies: vacancies.len(),
        workers: workers.len(),
        occupations: taxonomy().all().len(),
        worker_to_vacancies: w2v.figures(),
        vacancy_to_workers: v2w.figures(),
        baseline_worker_to_vacancies: base_w2v.figures(),
        baseline_vacancy_to_workers: base_v2w.figures(),
        misses,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_follow_occupation_then_family() {
        let cook = vec!["4-03-02-01".to_owned()];
        let pastry = vec!["4-03-02-02".to_owned()];
        let guard = vec!["4-07-05-01".to_owned()];
        assert_eq!(grade(&cook, &cook), 2);
        assert_eq!(grade(&cook, &pastry), 1);
        assert_eq!(grade(&cook, &guard), 0);
    }

    #[test]
    fn the_tally_computes_the_textbook_figures() {
        let mut t = Tally::default();
        // perfect: two highly relevant results of two
        t.add(&[2, 2], &[2, 2, 0]);
        let f = t.figures();
        assert_eq!(f.ndcg_at_10, 1.0);
        assert_eq!(f.precision_at_5, 0.4);
        assert_eq!(f.recall_at_10, 1.0);
        let mut t = Tally::default();
        t.add(&[], &[1, 0]);
        let f = t.figures();
        assert_eq!((f.no_match_share, f.ndcg_at_10), (1.0, 0.0));
    }

    /// The shipped set meets the targets (the same figures `laowu bench relevance`
    /// prints; see the README for the before and after).
    #[test]
    fn the_shipped_set_meets_the_targets() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        for set in ["benches/relevance", "benches/relevance/holdout"] {
            let r = run(&dir.join(set), Some(&dir.join("index"))).expect("bench");
            assert!(r.vacancies + r.workers >= 300, "{set}");
            for (got, base) in [
                (&r.worker_to_vacancies, &r.baseline_worker_to_vacancies),
                (&r.vacancy_to_workers, &r.baseline_vacancy_to_workers),
            ] {
                assert!(got.precision_at_5 >= 0.9, "{set}: {r:#?}");
                assert!(got.ndcg_at_10 >= base.ndcg_at_10 + 0.2, "{set}: {r:#?}");
                assert_eq!(got.no_match_share, 0.0, "{set}: {r:#?}");
            }
        }
    }
}
