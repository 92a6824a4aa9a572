//! Labour stations (劳务工作站) and training providers (培训机构).

use serde::Serialize;
use sqlx::Row;
use utoipa::ToSchema;

use super::Db;
use super::DbError;
use crate::domain::now_timestamp;

/// A labour station.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StationRow {
    pub id: i64,
    pub name: String,
    /// `sending` (Meitan side) or `receiving` (Doumen side)
    pub side: String,
    pub email: String,
    pub county_code: Option<String>,
}

impl StationRow {
    pub fn side_label(&self) -> &'static str {
        if self.side == "sending" {
            "输出地（湄潭）"
        } else {
            "输入地（斗门）"
        }
    }
}

pub async fn insert<'c, E>(
    db: E,
    name: &str,
    side: &str,
    email: &str,
    county_code: Option<&str>,
) -> Result<i64, DbError>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let result = sqlx::query(
        "insert into stations (name, side, email, county_code, created_at) values ($1, $2, $3, $4, $5) returning id",
    )
    .bind(name)
    .bind(side)
    .bind(email)
    .bind(county_code)
    .bind(now_timestamp())
    .fetch_one(db)
    .await;
    Ok(result
        .map_err(|e| DbError::duplicate_or(e, "name", "已有同名的工作站"))?
        .try_get("id")?)
}

fn station(r: &sqlx::any::AnyRow) -> Result<StationRow, sqlx::Error> {
    Ok(StationRow {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        side: r.try_get("side")?,
        email: r.try_get("email")?,
        county_code: r.try_get("county_code")?,
    })
}

pub async fn list(db: &Db) -> Result<Vec<StationRow>, sqlx::Error> {
    sqlx::query("select id, name, side, email, county_code from stations order by id")
        .fetch_all(db)
        .await?
        .iter()
        .map(station)
        .collect()
}

/// One station (asked on every request that decides a station's tie to a worker).
pub async fn get(db: &Db, id: i64) -> Result<Option<StationRow>, sqlx::Error> {
    sqlx::query("select id, name, side, email, county_code from stations where id = $1")
        .bind(id)
        .fetch_optional(db)
        .await?
        .as_ref()
        .map(station)
        .transpose()
}

/// The district a receiving station follows workers in (a county code; 斗门区 440403 when the
/// station names none); `None` for a sending station.
pub async fn district_of(db: &Db, station_id: i64) -> Result<Option<String>, sqlx::Error> {
    Ok(get(db, station_id)
        .await?
        .filter(|s| s.side == "receiving")
        .map(|s| {
            s.county_code
                .unwrap_or_else(|| crate::domain::region::DOUMEN.to_owned())
        }))
}

/// The sending station that serves a county, for self-registered workers.
pub async fn sending_station_for(db: &Db, county_code: &str) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query(
        "select id from stations where side = 'sending' and county_code = $1 order by id limit 1",
    )
    .bind(county_code)
    .fetch_optional(db)
    .await?;
    row.map(|r| r.try_get("id")).transpose()
}

pub async fn insert_provider(db: &Db, name: &str, email: &str) -> Result<i64, DbError> {
    let result = sqlx::query(
        "insert into providers (name, email, created_at) values ($1, $2, $3) returning id",
    )
    .bind(name)
    .bind(email)
    .bind(now_timestamp())
    .fetch_one(db)
    .await;
    Ok(result
        .map_err(|e| DbError::duplicate_or(e, "name", "已有同名的培训机构"))?
        .try_get("id")?)
}

pub async fn provider_exists(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    let row = sqlx::query("select count(*) from providers where id = $1")
        .bind(id)
        .fetch_one(db)
        .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

/// Sets a station's phone (carried by the hire message).
pub async fn set_phone<'c, E>(db: E, station_id: i64, phone: &str) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query("update stations set phone = $1 where id = $2")
        .bind(phone)
        .bind(station_id)
        .execute(db)
        .await?;
    Ok(())
}
