//! The change rows (`search_changes`) that keep every node's search index in step with the
//! database: written by the db functions that change an indexed record, read by the indexer.
//!
//! The feed is read in `(xid, id)` order. On PostgreSQL `xid` is the writing transaction's id
//! (a column default) and ids are taken at insert but seen only at commit, so a row may appear
//! *below* rows already read. [`horizon`] is the bound under which that can no longer happen:
//! the xmin of a current snapshot — every transaction with a smaller id has finished,
//! committed (its rows are visible to any later read) or rolled back (its rows never will be).
//! On SQLite there is one writer at a time, `xid` is 0 and ids are in commit order, so the
//! horizon is simply just above the newest id. No clock is read anywhere.

use sqlx::Row;

use super::{Backend, Db, count};

/// Writes a search change row inside the caller's transaction (PostgreSQL stamps it with the
/// transaction's id).
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

/// A place in the change feed, ordered by transaction id, then row id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FeedPos {
    pub xid: i64,
    pub id: i64,
}

impl FeedPos {
    /// The place just after this one.
    pub fn next(self) -> Self {
        Self {
            xid: self.xid,
            id: self.id.saturating_add(1),
        }
    }
}

/// One change row.
#[derive(Debug, Clone)]
pub struct Change {
    pub pos: FeedPos,
    /// `worker` or `vacancy`
    pub entity: String,
    pub entity_id: i64,
}

/// The feed's horizon now: every change row below it is final (its transaction has finished)
/// and visible to any read that starts after this call returns.
pub async fn horizon(db: &Db) -> Result<FeedPos, sqlx::Error> {
    match super::backend(db) {
        Backend::Postgres => {
            let xmin: i64 =
                sqlx::query("select pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
                    .fetch_one(db)
                    .await?
                    .try_get(0)?;
            Ok(FeedPos { xid: xmin, id: 0 })
        }
        Backend::Sqlite => {
            let last: i64 = sqlx::query("select coalesce(max(id), 0) from search_changes")
                .fetch_one(db)
                .await?
                .try_get(0)?;
            Ok(FeedPos {
                xid: 0,
                id: last + 1,
            })
        }
    }
}

/// Visible change rows at or after `from`, in feed order.
pub async fn from(db: &Db, from: FeedPos, limit: i64) -> Result<Vec<Change>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "select id, xid, entity, entity_id from search_changes \
         where (xid, id) >= ($1, $2) order by xid, id limit {limit}"
    ))
    .bind(from.xid)
    .bind(from.id)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Change {
                pos: FeedPos {
                    xid: r.try_get("xid")?,
                    id: r.try_get("id")?,
                },
                entity: r.try_get("entity")?,
                entity_id: r.try_get("entity_id")?,
            })
        })
        .collect()
}

/// How many records a rebuild indexes (vacancies and workers).
pub async fn indexed_records(db: &Db) -> Result<i64, sqlx::Error> {
    Ok(count(db, "select count(*) from vacancies").await?
        + count(db, "select count(*) from workers").await?)
}
