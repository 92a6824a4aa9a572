//! Keeping the index in step with the database, which is the only source of truth.
//!
//! Every write to a worker or vacancy writes a `search_changes` row in the same transaction.
//! The [`Indexer`] reads the feed in `(xid, id)` order (see [`crate::db::changes`]), applies
//! each row it has not applied yet (re-reading the record: applying twice does no harm), and
//! keeps a cursor: every row below it has been applied. The cursor never passes the feed's
//! horizon, below which no row can still appear, so a transaction that commits late, in any
//! order, on a node with any clock, is still applied; rows above the cursor that are already
//! visible are applied at once too and remembered until the cursor passes them. Both indexes
//! are committed with the cursor as payload, so after a crash (kill -9 between the database
//! commit and the index commit) the next start continues from there. [`Indexer::rebuild`]
//! takes the horizon *before* reading the tables and applies the feed from it afterwards
//! (`laowu reindex`).

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use indicatif::ProgressBar;
use tokio::sync::Notify;

use super::SearchIndex;
use super::matching::days;
use super::schema::{VacancyDoc, WorkerDoc};
use crate::db::Db;
use crate::db::certificates::{self, CertificateRow};
use crate::db::changes::{self, Change, FeedPos};
use crate::db::vacancies::{self, VacancyRow};
use crate::db::workers::{self, WorkerRow};
use crate::domain::values::{fmt_date, parse_date};
use crate::domain::{Programme, today};

/// How many change rows one batch takes.
const BATCH: i64 = 2000;

/// The index document of a vacancy row.
pub fn vacancy_doc(v: &VacancyRow) -> VacancyDoc {
    VacancyDoc {
        id: v.id as u64,
        title: v.title.clone(),
        occupation: v.occupation.clone(),
        description: v.description.clone(),
        employer: v.employer_name.clone(),
        // (expiry is a fast field of its own; a barred enterprise's vacancies leave search)
        status: if !crate::service::policy::vacancy_public(true, v.employer_status) {
            "hidden".into()
        } else if v.status == "expired" {
            "open".into()
        } else {
            v.status.clone()
        },
        expires_days: parse_date(&v.expires_on).map_or(0, days),
        places_left: v.places_left,
        town_code: v.town_code.clone(),
        programme: v
            .required_programme
            .as_deref()
            .and_then(|p| Programme::parse(p).ok()),
        wage_min: v.wage_min,
        wage_max: v.wage_max,
        min_age: v.min_age,
        max_age: v.max_age,
        lodging: v.lodging,
        meals: v.meals,
        assistance_workshop: v.assistance_workshop,
        occupations: v.occupations.iter().map(|t| t.code.clone()).collect(),
    }
}

/// The index document of a worker row and their certificates.
pub fn worker_doc(w: &WorkerRow, certs: &[CertificateRow]) -> WorkerDoc {
    let h = w.household;
    let labels: Vec<String> = certs.iter().map(|c| c.label()).collect();
    WorkerDoc {
        id: w.id as u64,
        name: w.name.clone(),
        skills: w.skill_list(),
        desired_jobs: w.desired_job_list(),
        certificates: certs.iter().map(|c| (c.programme(), c.label())).collect(),
        status: w.status.clone(),
        township_code: w.township_code.clone(),
        station_id: w.station_id,
        household: [
            h.poverty_alleviated,
            h.monitored,
            h.relocated,
            h.zero_employment,
        ],
        birth_days: w.birth().map_or(0, days),
        expected_wage: w.expected_wage,
        needs_lodging: w.needs_lodging,
        available_days: w
            .available_from
            .as_deref()
            .and_then(|d| parse_date(d).ok())
            .map(days),
        occupations: w.occupations(&labels).into_iter().map(|t| t.code).collect(),
    }
}

/// Where the indexer stands in the change feed.
#[derive(Debug, Default)]
pub(crate) struct Feed {
    /// Every change row below this has been applied (`None`: the index was never built).
    cursor: Option<FeedPos>,
    /// Rows at or above the cursor that were visible early and are applied already.
    above: BTreeSet<FeedPos>,
}

impl Feed {
    pub(crate) fn cursor(&self) -> Option<FeedPos> {
        self.cursor
    }
}

/// Applies change rows to the index.
pub struct Indexer {
    pub index: Arc<SearchIndex>,
    pub(crate) db: Db,
    /// Held while the feed is read and applied (and while a repair writes), so one task at a
    /// time moves the cursor.
    pub(crate) feed: tokio::sync::Mutex<Feed>,
    wake: Notify,
}

impl Indexer {
    pub fn new(index: Arc<SearchIndex>, db: Db) -> Arc<Self> {
        let cursor = index.last_change();
        Arc::new(Self {
            index,
            db,
            feed: tokio::sync::Mutex::new(Feed {
                cursor,
                above: BTreeSet::new(),
            }),
            wake: Notify::new(),
        })
    }

    /// The feed cursor: every change row below it has been applied.
    pub async fn cursor(&self) -> Option<FeedPos> {
        self.feed.lock().await.cursor
    }

    /// Whether every change row visible now has been applied.
    pub async fn up_to_date(&self) -> anyhow::Result<bool> {
        let feed = self.feed.lock().await;
        let Some(cursor) = feed.cursor else {
            return Ok(false);
        };
        let rows = changes::from(&self.db, cursor, BATCH).await?;
        Ok(rows.len() < BATCH as usize && rows.iter().all(|c| feed.above.contains(&c.pos)))
    }

    /// Asks the background task to run now (after a write).
    pub fn nudge(&self) {
        self.wake.notify_one();
    }

    /// Brings the index up to date at start: a rebuild when it is new, else the pending changes.
    pub async fn catch_up(&self) -> anyhow::Result<()> {
        let cursor = self.cursor().await;
        if self.index.needs_rebuild || cursor.is_none() {
            let (v, w) = self.rebuild(None).await?;
            tracing::info!(vacancies = v, workers = w, "search index built");
        } else {
            let n = self.apply_pending().await?;
            tracing::info!(changes = n, cursor = ?self.cursor().await, "search index caught up");
        }
        Ok(())
    }

    /// Applies every change row visible now that was not applied yet; returns how many.
    pub async fn apply_pending(&self) -> anyhow::Result<usize> {
        let mut feed = self.feed.lock().await;
        // The horizon first: rows below it are final *and* visible to the reads below.
        let horizon = changes::horizon(&self.db)
            .await
            .context("reading the change feed's horizon")?;
        let mut from = feed.cursor.unwrap_or_default();
        let mut total = 0;
        loop {
            let rows = changes::from(&self.db, from, BATCH)
                .await
                .context("reading search changes")?;
            let full = rows.len() == BATCH as usize;
            // Every visible row from the cursor up to `end` has now been read.
            let end = match rows.last() {
                Some(l) if full => l.pos.next(),
                _ => FeedPos {
                    xid: i64::MAX,
                    id: i64::MAX,
                },
            };
            let cursor = feed.cursor.unwrap_or_default().max(horizon.min(end));
            let fresh: Vec<&Change> = rows
                .iter()
                .filter(|c| !feed.above.contains(&c.pos))
                .collect();
            if !fresh.is_empty() {
                let (vacancy_ids, worker_ids) = ids_of(&fresh);
                self.refresh(&vacancy_ids, &worker_ids, Some(cursor))
                    .await?;
                total += fresh.len();
                tracing::debug!(changes = fresh.len(), ?cursor, "index updated");
            }
            feed.above.extend(fresh.iter().map(|c| c.pos));
            feed.above = feed.above.split_off(&cursor);
            feed.cursor = Some(cursor);
            if !full {
                return Ok(total);
            }
            from = end;
        }
    }

    /// Re-reads these records from the database and puts (or deletes) their documents, then
    /// commits both indexes with `cursor` as payload. The caller holds the feed lock and
    /// passes the cursor that will hold once these are applied (the current one for a repair).
    pub(crate) async fn refresh(
        &self,
        vacancy_ids: &[i64],
        worker_ids: &[i64],
        cursor: Option<FeedPos>,
    ) -> anyhow::Result<()> {
        let (vacancy_docs, worker_docs) = docs_of(&self.db, vacancy_ids, worker_ids).await?;
        let (vacancy_ids, worker_ids) = (vacancy_ids.to_vec(), worker_ids.to_vec());
        let index = self.index.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            for id in vacancy_ids {
                match vacancy_docs.iter().find(|d| d.id == id as u64) {
                    Some(d) => index.put_vacancy(d)?,
                    None => index.delete_vacancy(id as u64)?,
                }
            }
            for id in worker_ids {
                match worker_docs.iter().find(|d| d.id == id as u64) {
                    Some(d) => index.put_worker(d)?,
                    None => index.delete_worker(id as u64)?,
                }
            }
            index.commit(cursor)
        })
        .await
        .context("joining the index task")?
    }

    /// Rebuilds both indexes from the database; returns (vacancies, workers) indexed.
    pub async fn rebuild(&self, progress: Option<&ProgressBar>) -> anyhow::Result<(usize, usize)> {
        let mut feed = self.feed.lock().await;
        // Every change below the horizon is final and visible to the reads below, so the tables
        // read afterwards contain it; rows from the horizon on are applied from the feed
        // afterwards (applying a change again does no harm).
        let horizon = changes::horizon(&self.db).await?;
        if let Some(p) = progress {
            let total = changes::indexed_records(&self.db).await?;
            p.set_length(total as u64);
        }
        let index = self.index.clone();
        tokio::task::spawn_blocking(move || index.clear()).await??;
        let today_s = fmt_date(today());
        let (mut nv, mut nw) = (0, 0);
        let mut after = 0;
        loop {
            let rows = vacancies::page_after(&self.db, after, 1000, &today_s).await?;
            let Some(l) = rows.last() else { break };
            after = l.id;
            let docs: Vec<VacancyDoc> = rows.iter().map(vacancy_doc).collect();
            nv += docs.len();
            let index = self.index.clone();
            tokio::task::spawn_blocking(move || index.add_vacancies(&docs)).await??;
            if let Some(p) = progress {
                p.inc(rows.len() as u64);
            }
        }
        after = 0;
        loop {
            let rows = workers::page_after(&self.db, after, 1000).await?;
            let (Some(first), Some(l)) = (rows.first(), rows.last()) else {
                break;
            };
            let certs = certificates::of_workers(&self.db, first.id, l.id).await?;
            after = l.id;
            let docs: Vec<WorkerDoc> = rows
                .iter()
                .map(|w| {
                    let mine: Vec<CertificateRow> = certs
                        .iter()
                        .filter(|c| c.worker_id == w.id)
                        .cloned()
                        .collect();
                    worker_doc(w, &mine)
                })
                .collect();
            nw += docs.len();
            let index = self.index.clone();
            tokio::task::spawn_blocking(move || index.add_workers(&docs)).await??;
            if let Some(p) = progress {
                p.inc(rows.len() as u64);
            }
        }
        let index = self.index.clone();
        tokio::task::spawn_blocking(move || index.commit(Some(horizon))).await??;
        feed.cursor = Some(horizon);
        feed.above.clear();
        drop(feed);
        self.apply_pending().await?;
        Ok((nv, nw))
    }

    /// The background task: applies changes when nudged and at least every half second.
    pub fn spawn(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let me = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = me.wake.notified() => {},
                    () = tokio::time::sleep(Duration::from_millis(500)) => {},
                }
                if let Err(e) = me.apply_pending().await {
                    tracing::error!(error = ?e, "applying search changes failed");
                    tokio::time::sleep(Duration::from_secs(2)).await;
                }
            }
        })
    }
}

/// The distinct vacancy and worker ids named by these change rows.
fn ids_of(changes: &[&Change]) -> (Vec<i64>, Vec<i64>) {
    let of = |entity: &str| {
        let mut ids: Vec<i64> = changes
            .iter()
            .filter(|c| c.entity == entity)
            .map(|c| c.entity_id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    (of("vacancy"), of("worker"))
}

/// The documents of these records as the database has them now (absent ones: deleted).
pub(crate) async fn docs_of(
    db: &Db,
    vacancy_ids: &[i64],
    worker_ids: &[i64],
) -> anyhow::Result<(Vec<VacancyDoc>, Vec<WorkerDoc>)> {
    let today_s = fmt_date(today());
    let vacancy_rows = vacancies::by_ids(db, vacancy_ids, &today_s).await?;
    let worker_rows = workers::by_ids(db, worker_ids).await?;
    // one query for the whole batch's certificates, not one per worker
    let certs = certificates::of_worker_ids(db, worker_ids).await?;
    let worker_docs = worker_rows
        .iter()
        .map(|w| {
            let mine: Vec<CertificateRow> = certs
                .iter()
                .filter(|c| c.worker_id == w.id)
                .cloned()
                .collect();
            worker_doc(w, &mine)
        })
        .collect();
    Ok((vacancy_rows.iter().map(vacancy_doc).collect(), worker_docs))
}
