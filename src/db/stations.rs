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
    /// The side in two characters and a word: 输出地 (a sending county) or 输入地 (Doumen).
    pub fn side_label(&self) -> &'static str {
        if self.side == "sending" {
            "输出地"
        } else {
            "输入地"
        }
    }

    /// The station's county by name (`福贡县`), never its code; empty when unknown.
    pub fn county_name(&self) -> String {
        self.county_code
            .as_deref()
            .and_then(|c| {
                crate::domain::gb2260::periods(c.trim())
                    .iter()
                    .find(|p| p.to_year.is_none())
            })
            .map(|p| p.name.clone())
            .unwrap_or_default()
    }

    /// The name as a list shows it: with its side and county in brackets, each left out when
    /// the name already says it (`…（输出地）` is not made `…（输出地）（输出地（湄潭））`, and
    /// `福贡县驻斗门劳务工作站` is not called 湄潭's, nor shown with the code 533323).
    pub fn listed(&self) -> String {
        let county =
            Some(self.county_name()).filter(|c| !c.is_empty() && !self.name.contains(c.as_str()));
        let side = (!self.name.contains(self.side_label())).then(|| self.side_label().to_owned());
        let parts: Vec<String> = side.into_iter().chain(county).collect();
        if parts.is_empty() {
            self.name.clone()
        } else {
            format!("{}（{}）", self.name, parts.join("，"))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn station(name: &str, side: &str, county: Option<&str>) -> StationRow {
        StationRow {
            id: 1,
            name: name.into(),
            side: side.into(),
            email: String::new(),
            county_code: county.map(str::to_owned),
        }
    }

    #[test]
    fn a_station_name_says_its_side_once() {
        assert_eq!(
            station("湄潭站（输出地）", "sending", None).listed(),
            "湄潭站（输出地）"
        );
        assert_eq!(
            station("斗门站", "receiving", None).listed(),
            "斗门站（输入地）"
        );
        assert_eq!(
            station("湄潭县驻斗门工作站", "sending", Some("520328")).listed(),
            "湄潭县驻斗门工作站（输出地）"
        );
        // a Fugong station is Fugong's, by name, not Meitan's nor 533323
        assert_eq!(
            station("驻斗门工作站", "sending", Some("533323")).listed(),
            "驻斗门工作站（输出地，福贡县）"
        );
        assert_eq!(
            station("斗门区劳务协作工作站", "receiving", Some("440403")).listed(),
            "斗门区劳务协作工作站（输入地）"
        );
    }
}
