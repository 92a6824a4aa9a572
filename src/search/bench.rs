//! `laowu bench match`: generates realistic Chinese worker and vacancy records (not in the
//! database), indexes them, runs matching both ways and prints one JSON object of figures.

use std::time::Instant;

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use time::Date;

use super::SearchIndex;
use super::analyzer::Lexicon;
use super::matching::{days, vacancies_for_worker, workers_for_vacancy};
use super::schema::{VacancyDoc, WorkerDoc};
use crate::domain::Programme;
use crate::domain::region::{DOUMEN, MEITAN, regions};

/// (skills, wanted jobs, programme, certificate occupation)
type Profile = (
    &'static [&'static str],
    &'static [&'static str],
    Option<Programme>,
    &'static str,
);
const PROFILES: [Profile; 14] = [
    (
        &["粤菜", "炒锅", "切配"],
        &["厨师", "中式烹调师"],
        Some(Programme::CantoneseChef),
        "中式烹调师",
    ),
    (
        &["面点", "点心"],
        &["面点师"],
        Some(Programme::CantoneseChef),
        "中式面点师",
    ),
    (&["电子装配", "焊锡"], &["普工", "电子厂"], None, ""),
    (
        &["叉车", "仓库管理"],
        &["叉车工", "仓管"],
        Some(Programme::GuangdongTechnician),
        "叉车司机",
    ),
    (&["食品包装"], &["普工", "包装工"], None, ""),
    (
        &["育婴", "早教"],
        &["育婴员", "月嫂"],
        Some(Programme::NanyueHousekeeping),
        "育婴员",
    ),
    (
        &["养老护理", "家务"],
        &["养老护理员", "家政服务员"],
        Some(Programme::NanyueHousekeeping),
        "养老护理员",
    ),
    (&["保安", "巡逻"], &["保安"], None, ""),
    (
        &["砌墙", "抹灰", "钢筋"],
        &["建筑工", "泥瓦工"],
        Some(Programme::RuralCraftsman),
        "农村建筑工匠",
    ),
    (&["快递分拣", "驾驶"], &["物流", "分拣员"], None, ""),
    (
        &["数控车床", "看图"],
        &["数控车工"],
        Some(Programme::GuangdongTechnician),
        "数控车工",
    ),
    (&["茶叶加工", "采茶"], &["茶叶加工"], None, ""),
    (
        &["电工", "电气维修"],
        &["电工"],
        Some(Programme::GuangdongTechnician),
        "电工",
    ),
    (&["缝纫", "车位"], &["服装车位工", "普工"], None, ""),
];

/// (title, occupation, programme, wage floor, description)
const JOBS: [(&str, &str, Option<Programme>, i64, &str); 16] = [
    (
        "粤菜厨师",
        "中式烹调师",
        Some(Programme::CantoneseChef),
        6000,
        "负责粤菜炒锅，包吃住，月休4天",
    ),
    (
        "点心师傅",
        "中式面点师",
        Some(Programme::CantoneseChef),
        5500,
        "早茶点心制作，虾饺烧卖",
    ),
    (
        "电子厂普工",
        "电子设备装接工",
        None,
        4800,
        "流水线装配，两班倒，包住",
    ),
    (
        "SMT操作员",
        "电子设备装接工",
        Some(Programme::GuangdongTechnician),
        5500,
        "贴片机操作",
    ),
    ("食品包装工", "包装工", None, 4500, "海鲈加工包装，常白班"),
    (
        "叉车司机",
        "叉车司机",
        Some(Programme::GuangdongTechnician),
        5500,
        "持叉车证，仓库装卸",
    ),
    (
        "育婴员",
        "育婴员",
        Some(Programme::NanyueHousekeeping),
        6000,
        "住家育婴，照顾新生儿",
    ),
    (
        "养老护理员",
        "养老护理员",
        Some(Programme::NanyueHousekeeping),
        5000,
        "养老院护理，提供培训",
    ),
    ("家政服务员", "家政服务员", None, 4500, "保洁做饭，时间灵活"),
    ("保安", "保安员", None, 4500, "门岗巡逻，包吃住"),
    ("建筑泥瓦工", "砌筑工", None, 7000, "砌墙抹灰，按天结算"),
    (
        "数控车工",
        "数控车工",
        Some(Programme::GuangdongTechnician),
        6500,
        "CNC车床操作，会看图纸",
    ),
    ("物流分拣员", "分拣员", None, 5000, "快递分拣打包，两班倒"),
    (
        "电工",
        "电工",
        Some(Programme::GuangdongTechnician),
        6000,
        "厂区电气维修，持电工证",
    ),
    (
        "茶叶加工操作工",
        "茶叶加工",
        None,
        2800,
        "帮扶车间，湄潭本地就业",
    ),
    ("服装车位工", "缝纫工", None, 5500, "服装缝纫，计件工资"),
];

const SURNAMES: [&str; 12] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "冉", "田", "罗", "何",
];

/// The figures printed.
#[derive(Debug, Serialize)]
pub struct BenchReport {
    pub workers: usize,
    pub vacancies: usize,
    pub build_seconds: f64,
    pub build_docs_per_s: f64,
    pub queries_each_way: usize,
    pub worker_to_vacancies_p50_ms: f64,
    pub worker_to_vacancies_p99_ms: f64,
    pub vacancy_to_workers_p50_ms: f64,
    pub vacancy_to_workers_p99_ms: f64,
    pub peak_rss_mb: f64,
}

/// Generates `n` workers (deterministic for a seed).
pub fn gen_workers(n: usize, seed: u64, today: Date) -> Vec<WorkerDoc> {
    let mut rng = StdRng::seed_from_u64(seed);
    let towns = regions().townships_of(MEITAN);
    (0..n)
        .map(|i| {
            let (skills, jobs, programme, occ) =
                PROFILES.choose(&mut rng).copied().unwrap_or(PROFILES[0]);
            let certificates = match programme {
                Some(p) if rng.random_bool(0.3) => {
                    vec![(Some(p), format!("{} {occ} 四级", p.name()))]
                }
                _ => Vec::new(),
            };
            let age = rng.random_range(18..56);
            WorkerDoc {
                id: i as u64 + 1,
                name: format!(
                    "{}{}",
                    SURNAMES.choose(&mut rng).unwrap_or(&"王"),
                    ["明", "芳", "勇", "霞"][i % 4]
                ),
                skills: skills.iter().map(|s| (*s).to_owned()).collect(),
                desired_jobs: jobs.iter().map(|s| (*s).to_owned()).collect(),
                certificates,
                status: if rng.random_bool(0.8) {
                    "seeking".into()
                } else {
                    "placed".into()
                },
                township_code: towns
                    .choose(&mut rng)
                    .map(|t| t.code.clone())
                    .unwrap_or_default(),
                station_id: Some(1),
                household: [
                    rng.random_bool(0.3),
                    rng.random_bool(0.05),
                    rng.random_bool(0.1),
                    rng.random_bool(0.02),
                ],
                birth_days: days(today) - age * 365 - rng.random_range(0..365),
                expected_wage: Some(rng.random_range(30..80) * 100),
                needs_lodging: rng.random_bool(0.7),
                available_days: None,
                occupations: codes(None, &[(&jobs.join(" "), 1.2), (&skills.join(" "), 1.0)]),
            }
        })
        .collect()
}

/// Generates `n` vacancies.
pub fn gen_vacancies(n: usize, seed: u64, today: Date) -> Vec<VacancyDoc> {
    let mut rng = StdRng::seed_from_u64(seed);
    let towns = regions().townships_of(DOUMEN);
    (0..n)
        .map(|i| {
            let (title, occupation, programme, floor, description) =
                JOBS.choose(&mut rng).copied().unwrap_or(JOBS[0]);
            let lo = floor + rng.random_range(0..10) * 100;
            let lodging = rng.random_bool(0.7);
            VacancyDoc {
                id: i as u64 + 1,
                title: title.into(),
                occupation: occupation.into(),
                description: description.into(),
                employer: format!("珠海斗门第{}实业有限公司", i % 5000),
                status: if rng.random_bool(0.9) {
                    "open".into()
                } else {
                    "closed".into()
                },
                expires_days: days(today) + rng.random_range(-10..90),
                places_left: rng.random_range(0..20),
                town_code: towns
                    .choose(&mut rng)
                    .map(|t| t.code.clone())
                    .unwrap_or_default(),
                programme: programme.filter(|_| rng.random_bool(0.5)),
                wage_min: lo,
                wage_max: lo + rng.random_range(5..30) * 100,
                min_age: 18,
                max_age: *[45, 50, 55, 60].choose(&mut rng).unwrap_or(&50),
                lodging,
                meals: lodging,
                assistance_workshop: false,
                occupations: codes(None, &[(title, 1.0), (occupation, 1.0)]),
            }
        })
        .collect()
}

use crate::domain::occupation::codes;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    (sorted[i] * 1000.0).round() / 1000.0
}

/// Peak resident memory of this process (VmHWM), in MB.
pub fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|kb| kb.parse::<f64>().ok())
            })
        })
        .map_or(0.0, |kb| (kb / 1024.0 * 10.0).round() / 10.0)
}

/// Builds an index of generated records in `dir` and measures matching both ways.
pub fn run(
    workers: usize,
    vacancies: usize,
    queries: usize,
    dir: &std::path::Path,
) -> anyhow::Result<BenchReport> {
    let today = crate::domain::today();
    let ix = SearchIndex::open_with_heap(Some(dir), Lexicon::load(None), 200_000_000)?;
    let started = Instant::now();
    let chunk = 50_000;
    let mut made = 0;
    while made < vacancies {
        let n = chunk.min(vacancies - made);
        let docs = gen_vacancies(n, 7 + made as u64, today);
        let docs: Vec<VacancyDoc> = docs
            .into_iter()
            .map(|mut d| {
                d.id += made as u64;
                d
            })
            .collect();
        ix.add_vacancies(&docs)?;
        made += n;
    }
    made = 0;
    while made < workers {
        let n = chunk.min(workers - made);
        let docs = gen_workers(n, 11 + made as u64, today);
        let docs: Vec<WorkerDoc> = docs
            .into_iter()
            .map(|mut d| {
                d.id += made as u64;
                d
            })
            .collect();
        ix.add_workers(&docs)?;
        made += n;
    }
    ix.commit(Some(crate::db::changes::FeedPos::default()))?;
    let build = started.elapsed().as_secs_f64();

    let probe_workers = gen_workers(queries, 99, today);
    let probe_vacancies = gen_vacancies(queries, 98, today);
    let mut w2v = Vec::with_capacity(queries);
    for w in &probe_workers {
        let t = Instant::now();
        let m = vacancies_for_worker(&ix, w, today, 20)?;
        w2v.push(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(m);
    }
    let mut v2w = Vec::with_capacity(queries);
    for v in &probe_vacancies {
        let t = Instant::now();
        let m = workers_for_vacancy(&ix, v, today, 20)?;
        v2w.push(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(m);
    }
    w2v.sort_by(f64::total_cmp);
    v2w.sort_by(f64::total_cmp);
    Ok(BenchReport {
        workers,
        vacancies,
        build_seconds: (build * 100.0).round() / 100.0,
        build_docs_per_s: ((workers + vacancies) as f64 / build).round(),
        queries_each_way: queries,
        worker_to_vacancies_p50_ms: percentile(&w2v, 0.5),
        worker_to_vacancies_p99_ms: percentile(&w2v, 0.99),
        vacancy_to_workers_p50_ms: percentile(&v2w, 0.5),
        vacancy_to_workers_p99_ms: percentile(&v2w, 0.99),
        peak_rss_mb: peak_rss_mb(),
    })
}
