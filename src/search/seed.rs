//! `laowu bench seed`: fills a database with generated workers and vacancies (the records of
//! [`super::bench`], realistic Chinese text), a sending station whose caseload they are, a
//! station login with an API token, and verified enterprises. For the HTTP and cluster
//! benchmarks; never run it on a real database.

use std::time::Instant;

use serde::Serialize;
use time::Date;

use super::bench::{gen_vacancies, gen_workers};
use crate::db::seed::{self, SeedVacancy, SeedWorker};
use crate::db::{self, Db};
use crate::domain::region::{DOUMEN, MEITAN, regions};
use crate::domain::values::fmt_date;

/// What was seeded, and the station's token for the benchmarks.
#[derive(Debug, Serialize)]
pub struct SeedReport {
    pub workers: usize,
    pub vacancies: usize,
    pub seed_seconds: f64,
    pub rows_per_s: f64,
    pub station_id: i64,
    pub station_token: String,
    /// more tokens of the same login (a cluster's nginx spreads API clients by token)
    pub more_tokens: Vec<String>,
}

const BATCH: usize = 20_000;

/// A worker's stored fields from a generated record; `n` makes the 身份证 number unique.
fn worker_row(n: usize, d: &super::schema::WorkerDoc, today: Date, station: i64) -> SeedWorker {
    // ages 18–55 spread by n, with a sequence number per birth date: unique for 13.8 M
    let span = 38 * 365;
    let birth = today - time::Duration::days(18 * 365 + (n % span) as i64 + 1);
    let seq = (n / span) % 1000;
    let first17 = format!(
        "{MEITAN}{:04}{:02}{:02}{seq:03}",
        birth.year(),
        birth.month() as u8,
        birth.day()
    );
    let villages = regions().villages_of(&d.township_code);
    let hometown = villages
        .get(n % villages.len().max(1))
        .map_or_else(|| format!("{}000", d.township_code), |v| v.code.clone());
    SeedWorker {
        name: d.name.clone(),
        id_number: crate::domain::id_card::with_check_char(&first17),
        birth_date: fmt_date(birth),
        sex: if seq % 2 == 1 { "male" } else { "female" },
        phone: format!("1{}{:09}", [3, 5, 8][n % 3], n % 1_000_000_000),
        hometown_code: hometown,
        township_code: d.township_code.clone(),
        household: d.household,
        skills: d.skills.join("、"),
        desired_jobs: d.desired_jobs.join("、"),
        expected_wage: d.expected_wage,
        needs_lodging: d.needs_lodging,
        status: d.status.clone(),
        station_id: Some(station),
    }
}

/// Seeds `workers` workers and `vacancies` open vacancies; prints progress on stderr.
pub async fn run(
    db: &Db,
    workers: usize,
    vacancies: usize,
    tokens: usize,
) -> anyhow::Result<SeedReport> {
    let today = crate::domain::today();
    let started = Instant::now();
    let station = db::stations::insert(
        db,
        &format!("湄潭县劳务工作站（压测{}）", std::process::id()),
        "sending",
        "bench-station@bench.example",
        Some(MEITAN),
    )
    .await?;
    let password = crate::auth::password::hash("bench-Station-2026").await?;
    let login = format!("bench-station-{station}@bench.example");
    let user = db::users::insert(
        db,
        &db::users::NewUser {
            email: Some(&login),
            password_hash: password,
            role: Some(crate::domain::Role::Station),
            display_name: "压测工作站",
            station_id: Some(station),
            ..Default::default()
        },
    )
    .await?;
    let token = db::users::create_token(db, user, "bench").await?;
    let mut more_tokens = Vec::new();
    for k in 1..tokens {
        more_tokens.push(db::users::create_token(db, user, &format!("bench {k}")).await?);
    }
    let first = usize::try_from(seed::worker_count(db).await?).unwrap_or(0);
    let mut done = 0;
    while done < workers {
        let n = BATCH.min(workers - done);
        let docs = gen_workers(n, (first + done) as u64 + 1, today);
        let rows: Vec<SeedWorker> = docs
            .iter()
            .enumerate()
            .map(|(i, d)| worker_row(first + done + i, d, today, station))
            .collect();
        seed::insert_workers(db, &rows).await?;
        done += n;
        eprintln!("workers: {done}/{workers}");
    }
    let towns = regions().townships_of(DOUMEN);
    let mut employers = Vec::new();
    for k in 0..vacancies.div_ceil(20).clamp(1, 200) {
        let town = &towns[k % towns.len()].code;
        employers.push(seed::insert_verified_employer(db, k + first, town).await?);
    }
    let mut done = 0;
    while done < vacancies {
        let n = BATCH.min(vacancies - done);
        let docs = gen_vacancies(n, done as u64 + 7, today);
        let rows: Vec<SeedVacancy> = docs
            .iter()
            .enumerate()
            .map(|(i, d)| SeedVacancy {
                employer_id: employers[(done + i) % employers.len()],
                title: d.title.clone(),
                description: d.description.clone(),
                occupation: d.occupation.clone(),
                headcount: d.places_left.max(1),
                wage_min: d.wage_min,
                wage_max: d.wage_max,
                town_code: d.town_code.clone(),
                lodging: d.lodging,
                meals: d.meals,
                max_age: d.max_age,
                required_programme: d.programme.map(|p| p.code().to_owned()),
                expires_on: fmt_date(today + time::Duration::days(30 + (done + i) as i64 % 60)),
            })
            .collect();
        seed::insert_vacancies(db, &rows).await?;
        done += n;
        eprintln!("vacancies: {done}/{vacancies}");
    }
    seed::analyze(db).await?;
    let seconds = started.elapsed().as_secs_f64();
    Ok(SeedReport {
        workers,
        vacancies,
        seed_seconds: (seconds * 100.0).round() / 100.0,
        rows_per_s: ((workers + vacancies) as f64 / seconds).round(),
        station_id: station,
        station_token: token,
        more_tokens,
    })
}
