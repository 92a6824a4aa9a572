//! The change rows (`search_changes`) that keep every node's search index in step with the
//! database: written by the db functions that change an indexed record, read by the indexer.

use sqlx::Row;

use super::{Db, count};

/// Writes a search change row inside the caller's transaction.
pub async fn record_change(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    entity: &str,
    entity_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("insert into search_changes (entity, entity_id, created_at) values ($1, $2, $3)")
        .bind(entity)
        .bind(entity_id)
        .bind(crate::domain::now_timestamp())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// One change row.
#[derive(Debug, Clone)]
pub struct Change {
    pub id: i64,
    /// `worker` or `vacancy`
    pub entity: String,
    pub entity_id: i64,
    pub created_at: String,
}

/// Change rows with `id > after`, in id order.
pub async fn after(db: &Db, after: i64, limit: i64) -> Result<Vec<Change>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "select id, entity, entity_id, created_at from search_changes where id > $1 order by id limit {limit}"
    ))
    .bind(after)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Change {
                id: r.try_get("id")?,
                entity: r.try_get("entity")?,
                entity_id: r.try_get("entity_id")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// The newest change row's id (0 when none).
pub async fn last_id(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query("select coalesce(max(id), 0) from search_changes")
        .fetch_one(db)
        .await?
        .try_get::<i64, _>(0)
}

/// How many records a rebuild indexes (vacancies and workers).
pub async fn indexed_records(db: &Db) -> Result<i64, sqlx::Error> {
    Ok(count(db, "select count(*) from vacancies").await?
        + count(db, "select count(*) from workers").await?)
}
