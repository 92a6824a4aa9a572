//! Certificates a worker holds (职业技能等级证书); they count in matching.

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use utoipa::ToSchema;

use super::{Db, record_change};
use crate::domain::{Programme, now_timestamp};

/// Skill levels of the national vocational qualification system.
pub const LEVELS: [&str; 5] = [
    "五级/初级工",
    "四级/中级工",
    "三级/高级工",
    "二级/技师",
    "一级/高级技师",
];

/// A stored certificate.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CertificateRow {
    pub id: i64,
    pub worker_id: i64,
    pub programme: Option<String>,
    pub occupation: String,
    pub level: String,
    pub certificate_no: String,
    pub issued_on: Option<String>,
    pub issuer: String,
}

impl CertificateRow {
    fn from_row(r: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: r.try_get("id")?,
            worker_id: r.try_get("worker_id")?,
            programme: r.try_get("programme")?,
            occupation: r.try_get("occupation")?,
            level: r.try_get("level")?,
            certificate_no: r.try_get("certificate_no")?,
            issued_on: r.try_get("issued_on")?,
            issuer: r.try_get("issuer")?,
        })
    }

    pub fn programme(&self) -> Option<Programme> {
        self.programme
            .as_deref()
            .and_then(|p| Programme::parse(p).ok())
    }

    /// `粤菜师傅 中式烹调师 四级`: what matching shows as the reason.
    pub fn label(&self) -> String {
        let level = self.level.split('/').next().unwrap_or(&self.level);
        match self.programme() {
            Some(p) => format!("{} {} {level}", p.name(), self.occupation),
            None => format!("{} {level}", self.occupation),
        }
    }
}

/// A certificate to record.
#[derive(Debug, Clone, Default)]
pub struct NewCertificate {
    pub worker_id: i64,
    pub programme: Option<Programme>,
    pub occupation: String,
    pub level: String,
    pub certificate_no: String,
    pub issued_on: Option<String>,
    pub issuer: String,
    pub created_by: Option<i64>,
}

/// Records a certificate (and the worker's change row) in the caller's transaction.
pub async fn insert(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    c: &NewCertificate,
) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(
        "insert into certificates (worker_id, programme, occupation, level, certificate_no, issued_on, \
         issuer, created_by, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id",
    )
    .bind(c.worker_id)
    .bind(c.programme.map(|p| p.code()))
    .bind(&c.occupation)
    .bind(&c.level)
    .bind(&c.certificate_no)
    .bind(c.issued_on.clone())
    .bind(&c.issuer)
    .bind(c.created_by)
    .bind(now_timestamp())
    .fetch_one(&mut **tx)
    .await?;
    record_change(tx, "worker", c.worker_id).await?;
    row.try_get("id")
}

/// A worker's certificates, newest first.
pub async fn of_worker(db: &Db, worker_id: i64) -> Result<Vec<CertificateRow>, sqlx::Error> {
    let rows = sqlx::query("select * from certificates where worker_id = $1 order by id desc")
        .bind(worker_id)
        .fetch_all(db)
        .await?;
    rows.iter().map(CertificateRow::from_row).collect()
}

/// Certificates of many workers (for index rebuilds).
pub async fn of_workers(
    db: &Db,
    from_id: i64,
    to_id: i64,
) -> Result<Vec<CertificateRow>, sqlx::Error> {
    let rows = sqlx::query(
        "select * from certificates where worker_id >= $1 and worker_id <= $2 order by id",
    )
    .bind(from_id)
    .bind(to_id)
    .fetch_all(db)
    .await?;
    rows.iter().map(CertificateRow::from_row).collect()
}

/// Certificates of the given workers (index batches).
pub async fn of_worker_ids(db: &Db, ids: &[i64]) -> Result<Vec<CertificateRow>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let rows = sqlx::query(&format!(
        "select * from certificates where worker_id in ({list}) order by id"
    ))
    .fetch_all(db)
    .await?;
    rows.iter().map(CertificateRow::from_row).collect()
}
