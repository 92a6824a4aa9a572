//! The index against the database, document by document: for each entity the set of ids and
//! the hash of each document (the database's record turned into a document exactly as the
//! indexer does, against the [`super::schema::DOC_HASH`] kept in the index).
//!
//! `laowu index verify` checks everything and prints the differences (`--repair` fixes them);
//! the server checks a slice of each index every few minutes and repairs what differs, with a
//! warning per record — the change feed should leave nothing to repair.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use super::sync::{Indexer, docs_of, vacancy_doc, worker_doc};
use super::{Entity, IndexHashes, SearchIndex};
use crate::db::Db;
use crate::db::certificates::{self, CertificateRow};
use crate::db::{vacancies, workers};
use crate::domain::today;
use crate::domain::values::fmt_date;

/// Records compared per database read.
const PAGE: i64 = 1000;
/// Records of each entity the server's background check compares per turn.
pub const CHECK_SLICE: i64 = 2000;

/// How one entity's index differs from the database.
#[derive(Debug, Clone)]
pub struct Diff {
    pub entity: Entity,
    /// in the database, not in the index
    pub missing: Vec<i64>,
    /// in the index, not in the database
    pub extra: Vec<i64>,
    /// in both, but the index holds another document (or holds it twice)
    pub stale: Vec<i64>,
}

impl Diff {
    fn new(entity: Entity) -> Self {
        Self {
            entity,
            missing: Vec::new(),
            extra: Vec::new(),
            stale: Vec::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty() && self.stale.is_empty()
    }

    /// Every id that differs, with what is wrong with it.
    pub fn each(&self) -> Vec<(i64, &'static str)> {
        let tag = |ids: &[i64], t: &'static str| ids.iter().map(|id| (*id, t)).collect::<Vec<_>>();
        let mut all = tag(&self.missing, "missing");
        all.extend(tag(&self.extra, "extra"));
        all.extend(tag(&self.stale, "stale"));
        all
    }

    fn ids(&self) -> Vec<i64> {
        self.each().into_iter().map(|(id, _)| id).collect()
    }
}

/// Database hashes of up to `limit` records with `id > after`, in id order.
async fn db_page(
    db: &Db,
    entity: Entity,
    after: i64,
    limit: i64,
) -> anyhow::Result<Vec<(i64, u64)>> {
    Ok(match entity {
        Entity::Vacancy => {
            let rows = vacancies::page_after(db, after, limit, &fmt_date(today())).await?;
            rows.iter().map(|v| (v.id, vacancy_doc(v).hash())).collect()
        }
        Entity::Worker => {
            let rows = workers::page_after(db, after, limit).await?;
            let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
                return Ok(Vec::new());
            };
            let certs = certificates::of_workers(db, first.id, last.id).await?;
            rows.iter()
                .map(|w| {
                    let mine: Vec<CertificateRow> = certs
                        .iter()
                        .filter(|c| c.worker_id == w.id)
                        .cloned()
                        .collect();
                    (w.id, worker_doc(w, &mine).hash())
                })
                .collect()
        }
    })
}

/// Database hashes of these records (absent ones are left out).
async fn db_hashes_of(db: &Db, entity: Entity, ids: &[i64]) -> anyhow::Result<BTreeMap<i64, u64>> {
    Ok(match entity {
        Entity::Vacancy => {
            let (docs, _) = docs_of(db, ids, &[]).await?;
            docs.iter().map(|d| (d.id as i64, d.hash())).collect()
        }
        Entity::Worker => {
            let (_, docs) = docs_of(db, &[], ids).await?;
            docs.iter().map(|d| (d.id as i64, d.hash())).collect()
        }
    })
}

async fn index_hashes(index: &Arc<SearchIndex>, entity: Entity) -> anyhow::Result<IndexHashes> {
    let index = index.clone();
    tokio::task::spawn_blocking(move || index.hashes(entity))
        .await
        .context("joining the index task")?
}

/// The differences between database hashes and index hashes, over the ids `within` accepts.
fn differences(
    entity: Entity,
    db: &BTreeMap<i64, u64>,
    index: &IndexHashes,
    within: impl Fn(i64) -> bool,
) -> Diff {
    let mut d = Diff::new(entity);
    let twice: HashSet<i64> = index.twice.iter().map(|id| *id as i64).collect();
    for (id, hash) in db {
        match index.docs.get(&(*id as u64)) {
            None => d.missing.push(*id),
            Some(h) if h != hash || twice.contains(id) => d.stale.push(*id),
            Some(_) => {}
        }
    }
    let mut extra: Vec<i64> = index
        .docs
        .keys()
        .map(|id| *id as i64)
        .filter(|id| within(*id) && !db.contains_key(id))
        .collect();
    extra.sort_unstable();
    d.extra = extra;
    d
}

/// Compares the records with `id > after` (at most `limit` of them, or all) with the index;
/// returns the differences and where the next slice starts (`None`: the end was reached).
pub async fn compare(
    db: &Db,
    index: &Arc<SearchIndex>,
    entity: Entity,
    after: i64,
    limit: Option<i64>,
) -> anyhow::Result<(Diff, Option<i64>)> {
    let mut hashes = BTreeMap::new();
    let mut from = after;
    let next = loop {
        let want = limit.map_or(PAGE, |l| (l - hashes.len() as i64).min(PAGE));
        let page = db_page(db, entity, from, want).await?;
        let full = page.len() as i64 == want;
        if let Some((last, _)) = page.last() {
            from = *last;
        }
        hashes.extend(page);
        if !full {
            break None;
        }
        if limit.is_some_and(|l| hashes.len() as i64 >= l) {
            break Some(from);
        }
    };
    let index = index_hashes(index, entity).await?;
    let hi = next.unwrap_or(i64::MAX);
    let diff = differences(entity, &hashes, &index, |id| id > after && id <= hi);
    Ok((diff, next))
}

/// Looks again at the records a first comparison found different.
async fn recheck(db: &Db, index: &Arc<SearchIndex>, diff: &Diff) -> anyhow::Result<Diff> {
    let ids = diff.ids();
    let hashes = db_hashes_of(db, diff.entity, &ids).await?;
    let mut found = index_hashes(index, diff.entity).await?;
    let wanted: HashSet<u64> = ids.iter().map(|id| *id as u64).collect();
    found.docs.retain(|id, _| wanted.contains(id));
    found.twice.retain(|id| wanted.contains(id));
    Ok(differences(diff.entity, &hashes, &found, |id| {
        wanted.contains(&(id as u64))
    }))
}

/// The whole index against the database, for an index this process only reads (a server may
/// be writing it): what differs is looked at again after the server had time to apply it.
pub async fn verify_read_only(db: &Db, index: &Arc<SearchIndex>) -> anyhow::Result<Vec<Diff>> {
    let mut out = Vec::new();
    for entity in Entity::ALL {
        let (mut diff, _) = compare(db, index, entity, 0, None).await?;
        if !diff.is_empty() {
            tokio::time::sleep(Duration::from_secs(2)).await;
            index.reload()?;
            diff = recheck(db, index, &diff).await?;
        }
        out.push(diff);
    }
    Ok(out)
}

impl Indexer {
    /// Compares a slice of one entity's index (`id > after`, `limit` records, or all) with
    /// the database. What differs is looked at again once the index has caught up with the
    /// feed (a write may have landed between the two reads); with `repair`, what still
    /// differs is re-indexed from the database, each with a warning. Returns the differences
    /// found (before repair) and where the next slice starts.
    pub async fn check(
        &self,
        entity: Entity,
        after: i64,
        limit: Option<i64>,
        repair: bool,
    ) -> anyhow::Result<(Diff, Option<i64>)> {
        let (diff, next) = compare(&self.db, &self.index, entity, after, limit).await?;
        if diff.is_empty() {
            return Ok((diff, next));
        }
        self.apply_pending().await?;
        let feed = self.feed.lock().await;
        let diff = recheck(&self.db, &self.index, &diff).await?;
        if repair && !diff.is_empty() {
            for (id, problem) in diff.each() {
                tracing::warn!(
                    entity = entity.as_str(),
                    id,
                    problem,
                    "the search index differed from the database: re-indexed the record"
                );
            }
            let ids = diff.ids();
            let (v, w): (&[i64], &[i64]) = match entity {
                Entity::Vacancy => (&ids, &[]),
                Entity::Worker => (&[], &ids),
            };
            self.refresh(v, w, feed.cursor()).await?;
        }
        Ok((diff, next))
    }

    /// The whole index against the database (after applying the feed); with `repair`, fixes it.
    pub async fn verify(&self, repair: bool) -> anyhow::Result<Vec<Diff>> {
        self.apply_pending().await?;
        let mut out = Vec::new();
        for entity in Entity::ALL {
            out.push(self.check(entity, 0, None, repair).await?.0);
        }
        Ok(out)
    }

    /// The server's slow check: every `every`, the next [`CHECK_SLICE`] records of each
    /// entity, repaired when they differ; round and round.
    pub fn spawn_checks(self: &Arc<Self>, every: Duration) -> tokio::task::JoinHandle<()> {
        let me = self.clone();
        tokio::spawn(async move {
            let mut after = [0i64; 2];
            loop {
                tokio::time::sleep(every).await;
                for (i, entity) in Entity::ALL.into_iter().enumerate() {
                    match me.check(entity, after[i], Some(CHECK_SLICE), true).await {
                        Ok((_, next)) => after[i] = next.unwrap_or(0),
                        Err(e) => {
                            tracing::error!(error = ?e, entity = entity.as_str(), "checking the search index failed");
                        }
                    }
                }
            }
        })
    }
}
