//! Vacancies (岗位): post, edit, close/reopen, and the public listing.

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use utoipa::ToSchema;

use super::{Db, FilterArg, Filters, get_bool, record_change};
use crate::domain::employer::NewVacancy;
use crate::domain::now_timestamp;
use crate::domain::occupation::OccupationTag;
use crate::domain::programme::Programme;
use crate::domain::region::township_name;
use crate::domain::status::EmployerStatus;
use crate::domain::values::fmt_date;

/// A stored vacancy with its enterprise's name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VacancyRow {
    pub id: i64,
    pub employer_id: i64,
    pub employer_name: String,
    pub title: String,
    pub description: String,
    pub occupation: String,
    /// The occupation chosen on the form (a taxonomy code), if any
    pub occupation_code: Option<String>,
    /// 工种分类: the chosen one, then those inferred from the title, 工种 and description
    pub occupations: Vec<OccupationTag>,
    pub headcount: i64,
    pub filled: i64,
    pub places_left: i64,
    pub wage_min: i64,
    pub wage_max: i64,
    pub town_code: String,
    pub town: String,
    pub lodging: bool,
    pub meals: bool,
    pub shift: String,
    pub min_age: i64,
    pub max_age: i64,
    pub required_programme: Option<String>,
    pub required_programme_name: Option<String>,
    pub expires_on: String,
    pub assistance_workshop: bool,
    pub internship: bool,
    /// `open`, `filled`, `closed`, or `expired` (open but past its date)
    pub status: String,
    pub created_at: String,
    /// The enterprise's standing: only a verified enterprise's vacancies are public.
    #[serde(skip)]
    pub employer_status: EmployerStatus,
}

const COLUMNS: &str = "v.id, v.employer_id, e.name as employer_name, v.title, v.description, \
    v.occupation, v.occupation_code, v.headcount, v.filled, v.wage_min, v.wage_max, v.town_code, v.lodging, v.meals, \
    v.shift, v.min_age, v.max_age, v.required_programme, v.expires_on, v.assistance_workshop, \
    v.internship, v.status, v.created_at, \
    case when e.suspended_at is not null then 'suspended' else e.status end as employer_status";

impl VacancyRow {
    fn from_row(r: &AnyRow, today: &str) -> Result<Self, sqlx::Error> {
        let town_code: String = r.try_get("town_code")?;
        let headcount: i64 = r.try_get("headcount")?;
        let filled: i64 = r.try_get("filled")?;
        let required_programme: Option<String> = r.try_get("required_programme")?;
        let expires_on: String = r.try_get("expires_on")?;
        let title: String = r.try_get("title")?;
        let description: String = r.try_get("description")?;
        let occupation: String = r.try_get("occupation")?;
        let occupation_code: Option<String> = r.try_get("occupation_code")?;
        let occupations = crate::domain::occupation::for_vacancy(
            occupation_code.as_deref(),
            &title,
            &occupation,
            &description,
        );
        let mut status: String = r.try_get("status")?;
        if status == "open" && expires_on.as_str() < today {
            status = "expired".into();
        }
        Ok(Self {
            id: r.try_get("id")?,
            employer_id: r.try_get("employer_id")?,
            employer_name: r.try_get("employer_name")?,
            title,
            description,
            occupation,
            occupation_code,
            occupations,
            headcount,
            filled,
            places_left: (headcount - filled).max(0),
            wage_min: r.try_get("wage_min")?,
            wage_max: r.try_get("wage_max")?,
            town: township_name(&town_code),
            town_code,
            lodging: get_bool(r, "lodging")?,
            meals: get_bool(r, "meals")?,
            shift: r.try_get("shift")?,
            min_age: r.try_get("min_age")?,
            max_age: r.try_get("max_age")?,
            required_programme_name: required_programme.as_deref().map(Programme::label_of),
            required_programme,
            expires_on,
            assistance_workshop: get_bool(r, "assistance_workshop")?,
            internship: get_bool(r, "internship")?,
            status,
            created_at: r.try_get("created_at")?,
            employer_status: EmployerStatus::parse(&r.try_get::<String, _>("employer_status")?)
                .unwrap_or(EmployerStatus::Pending),
        })
    }

    pub fn status_label(&self) -> &str {
        crate::domain::status::VacancyStatus::label_of(&self.status)
    }

    /// `包吃住`, `包住`, `包吃` or empty.
    pub fn board_label(&self) -> &'static str {
        match (self.meals, self.lodging) {
            (true, true) => "包吃住",
            (false, true) => "包住",
            (true, false) => "包吃",
            _ => "",
        }
    }
}

fn bind_vacancy<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    v: &'q NewVacancy,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    q.bind(&v.title)
        .bind(&v.description)
        .bind(&v.occupation)
        .bind(v.headcount)
        .bind(v.wage_min)
        .bind(v.wage_max)
        .bind(v.town.as_str())
        .bind(v.lodging)
        .bind(v.meals)
        .bind(&v.shift)
        .bind(v.min_age)
        .bind(v.max_age)
        .bind(v.required_programme.map(|p| p.code()))
        .bind(fmt_date(v.expires_on))
        .bind(v.assistance_workshop)
        .bind(v.internship)
        .bind(v.occupation_code.as_ref().map(|c| c.as_str().to_owned()))
}

/// Posts a vacancy (with its change row, in one transaction).
pub async fn insert(db: &Db, employer_id: i64, v: &NewVacancy) -> Result<i64, sqlx::Error> {
    let now = now_timestamp();
    let mut tx = db.begin().await?;
    let q = sqlx::query(
        "insert into vacancies (title, description, occupation, headcount, wage_min, wage_max, \
         town_code, lodging, meals, shift, min_age, max_age, required_programme, expires_on, \
         assistance_workshop, internship, occupation_code, employer_id, status, created_at, \
         updated_at) \
         values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,'open',$19,$19) \
         returning id",
    );
    let row = bind_vacancy(q, v)
        .bind(employer_id)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
    let id: i64 = row.try_get("id")?;
    record_change(&mut tx, "vacancy", id).await?;
    tx.commit().await?;
    Ok(id)
}

/// Replaces a vacancy's fields; headcount below the places already filled is refused earlier.
pub async fn update(db: &Db, id: i64, v: &NewVacancy) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    let q = sqlx::query(
        "update vacancies set title=$1, description=$2, occupation=$3, headcount=$4, wage_min=$5, \
         wage_max=$6, town_code=$7, lodging=$8, meals=$9, shift=$10, min_age=$11, max_age=$12, \
         required_programme=$13, expires_on=$14, assistance_workshop=$15, internship=$16, \
         occupation_code=$17, updated_at=$18 where id=$19",
    );
    bind_vacancy(q, v)
        .bind(now_timestamp())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    record_change(&mut tx, "vacancy", id).await?;
    tx.commit().await
}

/// Closes (`open: false`) or reopens (`open: true`) a vacancy, with its change row. Guarded:
/// `false` when it already was closed (or open), or, to reopen, has no place left — so of two
/// requests at once one changes it and the other learns it lost.
pub async fn set_open(db: &Db, id: i64, open: bool) -> Result<bool, sqlx::Error> {
    let sql = if open {
        "update vacancies set status = 'open', updated_at = $1 where id = $2 and status <> 'open' and filled < headcount"
    } else {
        "update vacancies set status = 'closed', updated_at = $1 where id = $2 and status <> 'closed'"
    };
    let mut tx = db.begin().await?;
    let done = sqlx::query(sql)
        .bind(now_timestamp())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    record_change(&mut tx, "vacancy", id).await?;
    tx.commit().await?;
    Ok(true)
}

pub async fn get(db: &Db, id: i64, today: &str) -> Result<Option<VacancyRow>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "select {COLUMNS} from vacancies v join employers e on e.id = v.employer_id where v.id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await?;
    row.as_ref()
        .map(|r| VacancyRow::from_row(r, today))
        .transpose()
}

/// What the job board asks for.
#[derive(Debug, Default, Clone)]
pub struct VacancyFilter {
    pub q: Option<String>,
    pub town: Option<String>,
    pub programme: Option<String>,
    /// Only vacancies whose top wage reaches this.
    pub wage_at_least: Option<i64>,
    pub lodging: bool,
    /// Only this enterprise's vacancies, in every state.
    pub employer_id: Option<i64>,
    pub page: i64,
    pub per_page: i64,
}

/// A page of vacancies and the total. Without `employer_id`, only open, unexpired
/// vacancies with places left, newest first.
pub async fn list(
    db: &Db,
    f: &VacancyFilter,
    today: &str,
) -> Result<(Vec<VacancyRow>, i64), sqlx::Error> {
    let mut filters = Filters::default();
    match f.employer_id {
        Some(e) => filters.push("v.employer_id = ?", vec![FilterArg::Int(e)]),
        None => {
            filters.push("v.status = 'open'", vec![]);
            filters.push("v.expires_on >= ?", vec![FilterArg::Text(today.to_owned())]);
            filters.push("v.filled < v.headcount", vec![]);
            filters.push("e.status = 'verified' and e.suspended_at is null", vec![]);
        }
    }
    if let Some(t) = &f.town {
        filters.push("v.town_code = ?", vec![FilterArg::Text(t.clone())]);
    }
    if let Some(p) = &f.programme {
        filters.push("v.required_programme = ?", vec![FilterArg::Text(p.clone())]);
    }
    if let Some(w) = f.wage_at_least {
        filters.push("v.wage_max >= ?", vec![FilterArg::Int(w)]);
    }
    if f.lodging {
        filters.push("v.lodging = true", vec![]);
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        for word in q.split_whitespace().take(8) {
            let like = format!("%{}%", word.replace(['%', '_'], ""));
            filters.push(
                "(v.title like ? or v.description like ? or v.occupation like ? or e.name like ?)",
                vec![
                    FilterArg::Text(like.clone()),
                    FilterArg::Text(like.clone()),
                    FilterArg::Text(like.clone()),
                    FilterArg::Text(like),
                ],
            );
        }
    }
    let from = " from vacancies v join employers e on e.id = v.employer_id";
    let where_sql = filters.where_sql();
    let total: i64 = filters
        .bind(sqlx::query(&format!("select count(*){from}{where_sql}")))
        .fetch_one(db)
        .await?
        .try_get(0)?;
    let per_page = f.per_page.clamp(1, 100);
    let offset = (f.page.max(1) - 1).saturating_mul(per_page);
    let sql = format!(
        "select {COLUMNS}{from}{where_sql} order by v.id desc limit {per_page} offset {offset}"
    );
    let rows = filters.bind(sqlx::query(&sql)).fetch_all(db).await?;
    let items = rows
        .iter()
        .map(|r| VacancyRow::from_row(r, today))
        .collect::<Result<_, _>>()?;
    Ok((items, total))
}

/// Vacancies with `id > after`, in id order (index rebuilds).
pub async fn page_after(
    db: &Db,
    after: i64,
    limit: i64,
    today: &str,
) -> Result<Vec<VacancyRow>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "select {COLUMNS} from vacancies v join employers e on e.id = v.employer_id \
         where v.id > $1 order by v.id limit {limit}"
    ))
    .bind(after)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| VacancyRow::from_row(r, today))
        .collect()
}

/// Vacancies by id, in the order given (search results).
pub async fn by_ids(db: &Db, ids: &[i64], today: &str) -> Result<Vec<VacancyRow>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let (list, binds) = super::id_list(ids);
    let sql = format!(
        "select {COLUMNS} from vacancies v join employers e on e.id = v.employer_id where v.id in ({list})"
    );
    let mut q = sqlx::query(&sql);
    for id in binds {
        q = q.bind(id);
    }
    let rows = q.fetch_all(db).await?;
    let mut found: Vec<VacancyRow> = rows
        .iter()
        .map(|r| VacancyRow::from_row(r, today))
        .collect::<Result<_, _>>()?;
    found.sort_by_key(|v| ids.iter().position(|i| *i == v.id));
    Ok(found)
}
