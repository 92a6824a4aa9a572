//! Bulk rows for the benchmarks (`laowu bench seed`, `benches/search_http.sh`,
//! `laowu bench cluster`): generated workers and vacancies written with multi-row inserts, a
//! few hundred rows a statement. No change rows are written: a node whose index is new
//! rebuilds it from the tables at start, which is what the benchmarks time.

use sqlx::Row;

use super::{Db, DbError};
use crate::domain::now_timestamp;

/// A worker row to insert (fields as stored).
#[derive(Debug, Clone)]
pub struct SeedWorker {
    pub name: String,
    pub id_number: String,
    pub birth_date: String,
    pub sex: &'static str,
    pub phone: String,
    pub hometown_code: String,
    pub township_code: String,
    /// poverty alleviated, monitored, relocated, zero employment
    pub household: [bool; 4],
    pub skills: String,
    pub desired_jobs: String,
    pub expected_wage: Option<i64>,
    pub needs_lodging: bool,
    pub status: String,
    pub station_id: Option<i64>,
}

/// A vacancy row to insert (open).
#[derive(Debug, Clone)]
pub struct SeedVacancy {
    pub employer_id: i64,
    pub title: String,
    pub description: String,
    pub occupation: String,
    pub headcount: i64,
    pub wage_min: i64,
    pub wage_max: i64,
    pub town_code: String,
    pub lodging: bool,
    pub meals: bool,
    pub max_age: i64,
    pub required_programme: Option<String>,
    pub expires_on: String,
}

/// Rows per statement (PostgreSQL takes at most 65,535 parameters in one).
const CHUNK: usize = 1000;

fn placeholders(rows: usize, cols: usize) -> String {
    let mut s = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        if r > 0 {
            s.push(',');
        }
        s.push('(');
        for c in 0..cols {
            if c > 0 {
                s.push(',');
            }
            s.push_str(&format!("${}", r * cols + c + 1));
        }
        s.push(')');
    }
    s
}

/// Inserts workers, [`CHUNK`] rows a statement, one transaction per chunk.
pub async fn insert_workers(db: &Db, rows: &[SeedWorker]) -> Result<(), sqlx::Error> {
    let now = now_timestamp();
    for chunk in rows.chunks(CHUNK) {
        let sql = format!(
            "insert into workers (name, id_number, birth_date, sex, phone, hometown_code, \
             township_code, poverty_alleviated, monitored, relocated, zero_employment, skills, \
             desired_jobs, expected_wage, needs_lodging, status, station_id, consent_at, \
             consent_version, consent_by, created_at, updated_at) values {}",
            placeholders(chunk.len(), 22)
        );
        let mut q = sqlx::query(&sql);
        for w in chunk {
            q = q
                .bind(&w.name)
                .bind(&w.id_number)
                .bind(&w.birth_date)
                .bind(w.sex)
                .bind(&w.phone)
                .bind(&w.hometown_code)
                .bind(&w.township_code)
                .bind(w.household[0])
                .bind(w.household[1])
                .bind(w.household[2])
                .bind(w.household[3])
                .bind(&w.skills)
                .bind(&w.desired_jobs)
                .bind(w.expected_wage)
                .bind(w.needs_lodging)
                .bind(&w.status)
                .bind(w.station_id)
                .bind(&now)
                .bind(super::workers::CONSENT_VERSION)
                .bind("bench")
                .bind(&now)
                .bind(&now);
        }
        q.execute(db).await?;
    }
    Ok(())
}

/// Inserts open vacancies, [`CHUNK`] rows a statement.
pub async fn insert_vacancies(db: &Db, rows: &[SeedVacancy]) -> Result<(), sqlx::Error> {
    let now = now_timestamp();
    for chunk in rows.chunks(CHUNK) {
        let sql = format!(
            "insert into vacancies (employer_id, title, description, occupation, headcount, \
             wage_min, wage_max, town_code, lodging, meals, max_age, required_programme, \
             expires_on, status, created_at, updated_at) values {}",
            placeholders(chunk.len(), 16)
        );
        let mut q = sqlx::query(&sql);
        for v in chunk {
            q = q
                .bind(v.employer_id)
                .bind(&v.title)
                .bind(&v.description)
                .bind(&v.occupation)
                .bind(v.headcount)
                .bind(v.wage_min)
                .bind(v.wage_max)
                .bind(&v.town_code)
                .bind(v.lodging)
                .bind(v.meals)
                .bind(v.max_age)
                .bind(&v.required_programme)
                .bind(&v.expires_on)
                .bind("open")
                .bind(&now)
                .bind(&now);
        }
        q.execute(db).await?;
    }
    Ok(())
}

/// Inserts a verified enterprise (USCC and contact generated from `n`).
pub async fn insert_verified_employer(db: &Db, n: usize, town_code: &str) -> Result<i64, DbError> {
    let now = now_timestamp();
    let row = sqlx::query(
        "insert into employers (name, uscc, town_code, address, contact_name, contact_phone, \
         contact_email, status, verified_at, created_at, updated_at) \
         values ($1, $2, $3, '', '陈经理', $4, $5, 'verified', $6, $6, $6) returning id",
    )
    .bind(format!("珠海斗门第{n}实业有限公司"))
    .bind(crate::domain::uscc::with_check_char(&format!(
        "91440403MA{n:07}"
    )))
    .bind(town_code)
    .bind(format!("139{n:08}"))
    .bind(format!("hr{n}@bench.example"))
    .bind(&now)
    .fetch_one(db)
    .await
    .map_err(|e| DbError::duplicate_or(e, "uscc", "该统一社会信用代码已经注册过"))?;
    Ok(row.try_get("id")?)
}

/// How many workers there are (to continue numbering on a second seed).
pub async fn worker_count(db: &Db) -> Result<i64, sqlx::Error> {
    super::count(db, "select count(*) from workers").await
}

/// Refreshes the planner's statistics after a bulk seed (both databases know `analyze`): a
/// table filled faster than autovacuum looks at it is otherwise planned as if it were empty.
pub async fn analyze(db: &Db) -> Result<(), sqlx::Error> {
    sqlx::query("analyze").execute(db).await.map(|_| ())
}
