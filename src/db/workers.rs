//! Workers (务工人员): insert, read, list, and the views given to each role.

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use time::Date;
use utoipa::ToSchema;

use super::DbError;
use super::{Db, FilterArg, Filters, get_bool, record_change};
use crate::domain::occupation::OccupationTag;
use crate::domain::region::{region_label, township_name};
use crate::domain::values::parse_date;
use crate::domain::worker::{Household, NewWorker};
use crate::domain::{mask_id_number, mask_name, mask_phone, now_timestamp};

/// Version of the privacy notice a self-registering worker agrees to.
pub const CONSENT_VERSION: &str = "2026-11-v1";

/// A stored worker.
#[derive(Debug, Clone)]
pub struct WorkerRow {
    pub id: i64,
    pub name: String,
    pub id_number: String,
    pub birth_date: String,
    pub sex: String,
    pub phone: String,
    pub email: Option<String>,
    pub hometown_code: String,
    pub township_code: String,
    pub household: Household,
    pub labour_capacity: Option<String>,
    pub education: Option<String>,
    pub skills: String,
    pub desired_jobs: String,
    pub expected_wage: Option<i64>,
    pub needs_lodging: bool,
    pub available_from: Option<String>,
    pub status: String,
    pub station_id: Option<i64>,
    pub consent_at: String,
    pub consent_version: String,
    pub consent_by: String,
    pub created_at: String,
    pub household_no: Option<String>,
    pub work_place: Option<String>,
    pub employment_note: Option<String>,
    pub monthly_income: Option<i64>,
    /// The occupation chosen on a form (a taxonomy code), if any
    pub occupation_code: Option<String>,
    /// 就业渠道 from the ledger: `organised` or `self`
    pub work_channel: Option<String>,
}

const COLUMNS: &str = "id, name, id_number, birth_date, sex, phone, email, hometown_code, township_code, \
    poverty_alleviated, monitored, relocated, zero_employment, labour_capacity, education, skills, \
    desired_jobs, expected_wage, needs_lodging, available_from, status, station_id, consent_at, \
    consent_version, consent_by, created_at, household_no, work_place, employment_note, monthly_income, occupation_code, work_channel";

impl WorkerRow {
    fn from_row(r: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            id_number: r.try_get("id_number")?,
            birth_date: r.try_get("birth_date")?,
            sex: r.try_get("sex")?,
            phone: r.try_get("phone")?,
            email: r.try_get("email")?,
            hometown_code: r.try_get("hometown_code")?,
            township_code: r.try_get("township_code")?,
            household: Household {
                poverty_alleviated: get_bool(r, "poverty_alleviated")?,
                monitored: get_bool(r, "monitored")?,
                relocated: get_bool(r, "relocated")?,
                zero_employment: get_bool(r, "zero_employment")?,
            },
            labour_capacity: r.try_get("labour_capacity")?,
            education: r.try_get("education")?,
            skills: r.try_get("skills")?,
            desired_jobs: r.try_get("desired_jobs")?,
            expected_wage: r.try_get("expected_wage")?,
            needs_lodging: get_bool(r, "needs_lodging")?,
            available_from: r.try_get("available_from")?,
            status: r.try_get("status")?,
            station_id: r.try_get("station_id")?,
            consent_at: r.try_get("consent_at")?,
            consent_version: r.try_get("consent_version")?,
            consent_by: r.try_get("consent_by")?,
            created_at: r.try_get("created_at")?,
            household_no: r.try_get("household_no")?,
            work_place: r.try_get("work_place")?,
            employment_note: r.try_get("employment_note")?,
            monthly_income: r.try_get("monthly_income")?,
            occupation_code: r.try_get("occupation_code")?,
            work_channel: r.try_get("work_channel")?,
        })
    }

    /// The worker's occupations: the chosen one, then those inferred from what they wrote
    /// (what they want weighs more than what they did) and the certificates given.
    pub fn occupations(&self, cert_labels: &[String]) -> Vec<OccupationTag> {
        crate::domain::occupation::for_worker(
            self.occupation_code.as_deref(),
            &self.desired_jobs,
            &self.skills,
            &cert_labels.join(" "),
        )
    }

    pub fn birth(&self) -> Option<Date> {
        parse_date(&self.birth_date).ok()
    }

    pub fn age_on(&self, today: Date) -> Option<i32> {
        self.birth()
            .map(|b| crate::domain::id_card::age_on(b, today))
    }

    pub fn skill_list(&self) -> Vec<String> {
        crate::domain::text::split_list(&self.skills)
    }

    pub fn desired_job_list(&self) -> Vec<String> {
        crate::domain::text::split_list(&self.desired_jobs)
    }

    pub fn status_label(&self) -> &str {
        status_label(&self.status)
    }

    /// Everything, for the worker and the staff whose role needs it.
    pub fn full_view(&self, today: Date) -> WorkerView {
        WorkerView {
            id: self.id,
            name: self.name.clone(),
            id_number: self.id_number.clone(),
            birth_date: self.birth_date.clone(),
            sex: self.sex.clone(),
            age: self.age_on(today),
            phone: self.phone.clone(),
            email: self.email.clone(),
            hometown_code: self.hometown_code.clone(),
            hometown: region_label(&self.hometown_code),
            township_code: self.township_code.clone(),
            household: self.household,
            labour_capacity: self.labour_capacity.clone(),
            education: self.education.clone(),
            skills: self.skill_list(),
            desired_jobs: self.desired_job_list(),
            expected_wage: self.expected_wage,
            needs_lodging: self.needs_lodging,
            available_from: self.available_from.clone(),
            status: self.status.clone(),
            occupations: self.occupations(&[]),
            station_id: self.station_id,
            consent_at: self.consent_at.clone(),
            consent_by: self.consent_by.clone(),
            created_at: self.created_at.clone(),
            masked: false,
        }
    }

    /// What an employer may see of a candidate: no number, no phone, no household.
    pub fn masked_view(&self, today: Date) -> MaskedWorker {
        MaskedWorker {
            id: self.id,
            name: mask_name(&self.name),
            id_number: mask_id_number(&self.id_number),
            phone: mask_phone(&self.phone),
            sex: self.sex.clone(),
            age: self.age_on(today),
            hometown_township: township_name(&self.township_code),
            // a number typed into free text is masked like the number fields
            skills: self
                .skill_list()
                .iter()
                .map(|s| crate::domain::text::redact_numbers(s))
                .collect(),
            desired_jobs: self
                .desired_job_list()
                .iter()
                .map(|s| crate::domain::text::redact_numbers(s))
                .collect(),
            expected_wage: self.expected_wage,
            needs_lodging: self.needs_lodging,
            status: self.status.clone(),
            occupations: self.occupations(&[]),
            masked: true,
        }
    }
}

impl WorkerRow {
    /// What an enterprise sees of its own applicant: the real name and phone, the rest masked.
    pub fn contact_view(&self, today: Date) -> MaskedWorker {
        MaskedWorker {
            name: self.name.clone(),
            phone: self.phone.clone(),
            masked: false,
            ..self.masked_view(today)
        }
    }
}

/// Chinese label of a worker status.
pub fn status_label(status: &str) -> &str {
    crate::domain::status::WorkerStatus::label_of(status)
}

/// The full record of a worker.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkerView {
    pub id: i64,
    pub name: String,
    pub id_number: String,
    pub birth_date: String,
    pub sex: String,
    pub age: Option<i32>,
    pub phone: String,
    pub email: Option<String>,
    pub hometown_code: String,
    pub hometown: String,
    pub township_code: String,
    #[schema(inline)]
    pub household: Household,
    pub labour_capacity: Option<String>,
    pub education: Option<String>,
    pub skills: Vec<String>,
    pub desired_jobs: Vec<String>,
    pub expected_wage: Option<i64>,
    pub needs_lodging: bool,
    pub available_from: Option<String>,
    pub status: String,
    /// 工种: chosen, or inferred from skills and wanted jobs
    pub occupations: Vec<OccupationTag>,
    pub station_id: Option<i64>,
    pub consent_at: String,
    pub consent_by: String,
    pub created_at: String,
    pub masked: bool,
}

/// A worker as an employer sees a candidate.
#[derive(Debug, Serialize, ToSchema)]
pub struct MaskedWorker {
    pub id: i64,
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub sex: String,
    pub age: Option<i32>,
    pub hometown_township: String,
    pub skills: Vec<String>,
    pub desired_jobs: Vec<String>,
    pub expected_wage: Option<i64>,
    pub needs_lodging: bool,
    pub status: String,
    /// 工种: chosen, or inferred from skills and wanted jobs
    pub occupations: Vec<OccupationTag>,
    pub masked: bool,
}

/// Who recorded the consent and for whom the worker is a case.
pub struct Registration<'a> {
    pub station_id: Option<i64>,
    /// `本人` for self-registration, else the officer's name (paper consent).
    pub consent_by: &'a str,
    pub created_by: Option<i64>,
}

/// Inserts a worker (and its change row) inside the caller's transaction.
/// A 身份证 number already registered is a 409.
pub async fn insert(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    w: &NewWorker,
    reg: &Registration<'_>,
) -> Result<i64, DbError> {
    let now = now_timestamp();
    let result = sqlx::query(
        "insert into workers (name, id_number, birth_date, sex, phone, email, hometown_code, \
         township_code, poverty_alleviated, monitored, relocated, zero_employment, labour_capacity, \
         education, skills, desired_jobs, expected_wage, needs_lodging, available_from, station_id, \
         consent_at, consent_version, consent_by, created_by, created_at, updated_at, occupation_code) \
         values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$25,$26) \
         returning id",
    )
    .bind(w.name.as_str())
    .bind(w.id_number.as_str())
    .bind(crate::domain::values::fmt_date(w.id_number.birth_date()))
    .bind(w.id_number.sex().as_str())
    .bind(w.phone.as_str())
    .bind(w.email.as_ref().map(|e| e.as_str().to_owned()))
    .bind(w.hometown.as_str())
    .bind(w.hometown.township_code())
    .bind(w.household.poverty_alleviated)
    .bind(w.household.monitored)
    .bind(w.household.relocated)
    .bind(w.household.zero_employment)
    .bind(w.labour_capacity.clone())
    .bind(w.education.clone())
    .bind(w.skills.join("、"))
    .bind(w.desired_jobs.join("、"))
    .bind(w.expected_wage)
    .bind(w.needs_lodging)
    .bind(w.available_from.map(crate::domain::values::fmt_date))
    .bind(reg.station_id)
    .bind(&now)
    .bind(CONSENT_VERSION)
    .bind(reg.consent_by)
    .bind(reg.created_by)
    .bind(&now)
    .bind(w.occupation_code.as_ref().map(|c| c.as_str().to_owned()))
    .fetch_one(&mut **tx)
    .await;
    let id: i64 = result
        .map_err(|e| DbError::duplicate_or(e, "id_number", "该身份证号码已经登记过，请勿重复登记"))?
        .try_get("id")?;
    record_change(tx, "worker", id).await?;
    Ok(id)
}

/// Reads one worker.
pub async fn get(db: &Db, id: i64) -> Result<Option<WorkerRow>, sqlx::Error> {
    let row = sqlx::query(&format!("select {COLUMNS} from workers where id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?;
    row.as_ref().map(WorkerRow::from_row).transpose()
}

/// Whether a 身份证 number is registered.
pub async fn id_number_exists(db: &Db, id_number: &str) -> Result<bool, sqlx::Error> {
    let row = sqlx::query("select count(*) from workers where id_number = $1")
        .bind(id_number)
        .fetch_one(db)
        .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

/// Whether a worker holds an active job in a district (a county code prefix of the town).
pub async fn placed_in_district(
    db: &Db,
    worker_id: i64,
    district: &str,
) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "select count(*) from placements where worker_id = $1 and status = 'active' and town_code like $2",
    )
    .bind(worker_id)
    .bind(format!("{district}%"))
    .fetch_one(db)
    .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

/// Gives a new sending station the workers of its county that no station has yet (they
/// registered themselves before the county had a station), with their change rows.
pub async fn assign_unassigned(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    station_id: i64,
    county_code: &str,
) -> Result<u64, sqlx::Error> {
    let ids: Vec<i64> = sqlx::query(
        "select id from workers where station_id is null and anonymised_at is null and township_code like $1",
    )
    .bind(format!("{county_code}%"))
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|r| r.try_get::<i64, _>(0))
    .collect::<Result<_, _>>()?;
    let now = now_timestamp();
    for id in &ids {
        sqlx::query("update workers set station_id = $1, updated_at = $2 where id = $3 and station_id is null")
            .bind(station_id)
            .bind(&now)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        record_change(tx, "worker", *id).await?;
    }
    Ok(ids.len() as u64)
}

/// The recorded name and phone of the worker with this 身份证 number, if any.
pub async fn registered_contact(
    db: &Db,
    id_number: &str,
) -> Result<Option<(String, String)>, sqlx::Error> {
    let row = sqlx::query("select name, phone from workers where id_number = $1")
        .bind(id_number)
        .fetch_optional(db)
        .await?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
}

/// Whether a mobile number is already a worker's — any worker record or any login, other
/// than `except`'s own: a phone belongs to one worker.
pub async fn phone_taken(db: &Db, phone: &str, except: Option<i64>) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "select (select count(*) from workers where phone = $1 and phone <> '' and id <> $2) \
         + (select count(*) from users where phone = $1 and phone <> '' \
            and (worker_id is null or worker_id <> $2))",
    )
    .bind(phone)
    .bind(except.unwrap_or(0))
    .fetch_one(db)
    .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

/// What a worker list asks for.
#[derive(Debug, Default, Clone)]
pub struct WorkerFilter {
    /// Only this station's caseload.
    pub station_id: Option<i64>,
    /// With `station_id`: also the workers holding a job in this district (a receiving
    /// station's follow-up caseload; a county code prefix of the placement's town).
    pub district: Option<String>,
    pub township: Option<String>,
    pub status: Option<String>,
    /// Plain-text search over name, skills and wanted jobs.
    pub q: Option<String>,
    /// Household flag names that must be set.
    pub household: Vec<&'static str>,
    pub page: i64,
    pub per_page: i64,
}

/// A page of workers and the total.
pub async fn list(db: &Db, f: &WorkerFilter) -> Result<(Vec<WorkerRow>, i64), sqlx::Error> {
    let mut filters = Filters::default();
    match (f.station_id, &f.district) {
        (Some(s), Some(d)) => filters.push(
            "(station_id = ? or exists (select 1 from placements p where p.worker_id = workers.id \
             and p.status = 'active' and p.town_code like ?))",
            vec![FilterArg::Int(s), FilterArg::Text(format!("{d}%"))],
        ),
        (Some(s), None) => filters.push("station_id = ?", vec![FilterArg::Int(s)]),
        (None, _) => {}
    }
    if let Some(t) = &f.township {
        filters.push("township_code = ?", vec![FilterArg::Text(t.clone())]);
    }
    if let Some(s) = &f.status {
        filters.push("status = ?", vec![FilterArg::Text(s.clone())]);
    }
    for flag in &f.household {
        // `flag` is one of four fixed column names; booleans compare with `true` on both backends.
        filters.push(&format!("{flag} = true"), vec![]);
    }
    if let Some(q) = f.q.as_deref().filter(|q| !q.trim().is_empty()) {
        let like = format!("%{}%", q.trim().replace(['%', '_'], ""));
        filters.push(
            "(name like ? or skills like ? or desired_jobs like ? or phone = ? or id_number = ?)",
            vec![
                FilterArg::Text(like.clone()),
                FilterArg::Text(like.clone()),
                FilterArg::Text(like),
                FilterArg::Text(q.trim().to_owned()),
                FilterArg::Text(q.trim().to_uppercase()),
            ],
        );
    }
    let where_sql = filters.where_sql();
    let total_sql = format!("select count(*) from workers{where_sql}");
    let total: i64 = filters
        .bind(sqlx::query(&total_sql))
        .fetch_one(db)
        .await?
        .try_get(0)?;
    let per_page = f.per_page.clamp(1, 100);
    let offset = (f.page.max(1) - 1).saturating_mul(per_page);
    let sql = format!(
        "select {COLUMNS} from workers{where_sql} order by id desc limit {per_page} offset {offset}"
    );
    let rows = filters.bind(sqlx::query(&sql)).fetch_all(db).await?;
    let items = rows
        .iter()
        .map(WorkerRow::from_row)
        .collect::<Result<_, _>>()?;
    Ok((items, total))
}

/// Workers with `id > after`, in id order (index rebuilds).
pub async fn page_after(db: &Db, after: i64, limit: i64) -> Result<Vec<WorkerRow>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "select {COLUMNS} from workers where id > $1 order by id limit {limit}"
    ))
    .bind(after)
    .fetch_all(db)
    .await?;
    rows.iter().map(WorkerRow::from_row).collect()
}

/// Workers by id, in the order given (search results).
pub async fn by_ids(db: &Db, ids: &[i64]) -> Result<Vec<WorkerRow>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let (list, binds) = super::id_list(ids);
    let sql = format!("select {COLUMNS} from workers where id in ({list})");
    let mut q = sqlx::query(&sql);
    for id in binds {
        q = q.bind(id);
    }
    let rows = q.fetch_all(db).await?;
    let mut found: Vec<WorkerRow> = rows
        .iter()
        .map(WorkerRow::from_row)
        .collect::<Result<_, _>>()?;
    found.sort_by_key(|w| ids.iter().position(|i| *i == w.id));
    Ok(found)
}

/// Workers by validated 身份证 numbers, given already quoted (`'5203…'`).
pub async fn by_id_numbers(db: &Db, quoted: &[String]) -> Result<Vec<WorkerRow>, sqlx::Error> {
    if quoted.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(&format!(
        "select {COLUMNS} from workers where id_number in ({})",
        quoted.join(",")
    ))
    .fetch_all(db)
    .await?;
    rows.iter().map(WorkerRow::from_row).collect()
}

/// Whether a stored worker already holds everything a ledger row says.
pub fn same_as(old: &WorkerRow, new: &NewWorker) -> bool {
    old.name == new.name.as_str()
        && old.phone == new.phone.as_str()
        && old.hometown_code == new.hometown.as_str()
        && old.household == new.household
        && old.skills == new.skills.join("、")
        && old.desired_jobs == new.desired_jobs.join("、")
        && old.expected_wage == new.expected_wage
        && old.needs_lodging == new.needs_lodging
        && old.education == new.education
        && old.labour_capacity == new.labour_capacity
        && old.email.as_deref() == new.email.as_ref().map(|e| e.as_str())
}

/// Updates a worker from a ledger row (the station fills in when none is set).
pub async fn update_from_ledger(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: i64,
    w: &NewWorker,
    station_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update workers set name = $1, phone = $2, hometown_code = $3, township_code = $4, \
         poverty_alleviated = $5, monitored = $6, relocated = $7, zero_employment = $8, skills = $9, \
         desired_jobs = $10, expected_wage = $11, needs_lodging = $12, education = $13, labour_capacity = $14, \
         email = coalesce($15, email), station_id = coalesce(station_id, $16), updated_at = $17 where id = $18",
    )
    .bind(w.name.as_str())
    .bind(w.phone.as_str())
    .bind(w.hometown.as_str())
    .bind(w.hometown.township_code())
    .bind(w.household.poverty_alleviated)
    .bind(w.household.monitored)
    .bind(w.household.relocated)
    .bind(w.household.zero_employment)
    .bind(w.skills.join("、"))
    .bind(w.desired_jobs.join("、"))
    .bind(w.expected_wage)
    .bind(w.needs_lodging)
    .bind(w.education.clone())
    .bind(w.labour_capacity.clone())
    .bind(w.email.as_ref().map(|e| e.as_str().to_owned()))
    .bind(station_id)
    .bind(now_timestamp())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    record_change(tx, "worker", id).await
}

/// Sets (or, with `None`, clears) the occupation chosen for a worker, with the change row.
pub async fn set_occupation(db: &Db, id: i64, code: Option<&str>) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("update workers set occupation_code = $1, updated_at = $2 where id = $3")
        .bind(code)
        .bind(now_timestamp())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    record_change(&mut tx, "worker", id).await?;
    tx.commit().await
}

/// Sets a worker's mail address and the weekly list of matches (with the change row).
pub async fn set_mail_preferences(
    db: &Db,
    id: i64,
    email: Option<&str>,
    weekly: bool,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "update workers set email = $1, weekly_matches = $2, updated_at = $3 where id = $4",
    )
    .bind(email)
    .bind(weekly)
    .bind(now_timestamp())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    record_change(&mut tx, "worker", id).await?;
    tx.commit().await
}

/// Whether a worker asked for the weekly list of new matches.
pub async fn weekly_matches(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    let row = sqlx::query("select weekly_matches from workers where id = $1")
        .bind(id)
        .fetch_one(db)
        .await?;
    get_bool(&row, "weekly_matches")
}

/// The registered phones with their worker's township (the shared-phone rule of an import):
/// of one station's workers, or of everyone.
pub async fn phones_and_townships(
    db: &Db,
    station: Option<i64>,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    match station {
        Some(s) => {
            sqlx::query("select phone, township_code from workers where station_id = $1")
                .bind(s)
                .fetch_all(db)
                .await?
        }
        None => {
            sqlx::query("select phone, township_code from workers")
                .fetch_all(db)
                .await?
        }
    }
    .iter()
    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
    .collect()
}

/// The ledger's columns the platform keeps as they were written.
#[derive(Debug, Clone, Default)]
pub struct LedgerFacts {
    pub household_no: Option<String>,
    pub work_place: Option<String>,
    pub employment_note: Option<String>,
    pub monthly_income: Option<i64>,
    pub work_channel: Option<String>,
}

/// Every worker id, in order (the demo data's ledger facts).
pub async fn ids_for_demo(db: &Db) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query("select id from workers order by id")
        .fetch_all(db)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect()
}

/// Stores the ledger's columns of a worker, in the caller's transaction.
pub async fn set_ledger_facts(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: i64,
    f: &LedgerFacts,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update workers set household_no = $1, work_place = $2, employment_note = $3, monthly_income = $4, \
         work_channel = $5, ledger_at = $6 where id = $7",
    )
    .bind(f.household_no.clone())
    .bind(f.work_place.clone())
    .bind(f.employment_note.clone())
    .bind(f.monthly_income)
    .bind(f.work_channel.clone())
    .bind(now_timestamp())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    record_change(tx, "worker", id).await
}

/// Workers seeking work who asked for the weekly list of matches: `(id, name, email)`.
pub async fn weekly_subscribers(db: &Db) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    sqlx::query(
        "select id, name, email from workers where weekly_matches = $1 and email is not null and status = 'seeking'",
    )
    .bind(true)
    .fetch_all(db)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("name")?, r.try_get("email")?)))
    .collect()
}

/// What a worker's daily limit counts (`worker_limits.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DailyLimit {
    /// problems reported from /me (each opens a case and sends an SMS)
    Problem,
    /// changes of their own phone number
    Phone,
}

impl DailyLimit {
    fn as_str(self) -> &'static str {
        match self {
            DailyLimit::Problem => "problem",
            DailyLimit::Phone => "phone",
        }
    }
}

/// Takes one of the worker's `per_day` slots of `kind` for `day` (the China date) in the
/// caller's transaction; `false` when the day's slots are used up. One guarded update of the
/// worker's `worker_limits` row, so that requests arriving together are decided one after
/// the other by the database (PostgreSQL waits for the row lock and re-checks the guard;
/// SQLite has one writer) — never by a count read before any of them wrote.
pub async fn take_daily_slot(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    worker_id: i64,
    kind: DailyLimit,
    day: &str,
    per_day: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "insert into worker_limits (worker_id, kind, day, count) values ($1, $2, '', 0) \
         on conflict (worker_id, kind) do nothing",
    )
    .bind(worker_id)
    .bind(kind.as_str())
    .execute(&mut **tx)
    .await?;
    let done = sqlx::query(
        "update worker_limits set count = case when day = $3 then count + 1 else 1 end, day = $3 \
         where worker_id = $1 and kind = $2 and (day <> $3 or count < $4)",
    )
    .bind(worker_id)
    .bind(kind.as_str())
    .bind(day)
    .bind(per_day)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
