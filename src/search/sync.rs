//! Keeping the index in step with the database, which is the only source of truth.
//!
//! Every write to a worker or vacancy writes a `search_changes` row in the same transaction.
//! The [`Indexer`] applies new change rows in batches (re-reading each record), commits both
//! indexes with the last change id as the commit payload, and so after a crash (kill -9 between
//! the database commit and the index commit) it simply continues from that id at the next start.
//! Change rows written by other processes (a command-line import, another node) are picked up
//! the same way. [`Indexer::rebuild`] starts from scratch (`laowu reindex`).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use indicatif::ProgressBar;
use time::OffsetDateTime;
use tokio::sync::Notify;

use super::SearchIndex;
use super::matching::days;
use super::schema::{VacancyDoc, WorkerDoc};
use crate::db::Db;
use crate::db::certificates::{self, CertificateRow};
use crate::db::changes;
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
    }
}

/// The index document of a worker row and their certificates.
pub fn worker_doc(w: &WorkerRow, certs: &[CertificateRow]) -> WorkerDoc {
    let h = w.household;
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
    }
}

/// Applies change rows to the index.
pub struct Indexer {
    pub index: Arc<SearchIndex>,
    db: Db,
    last: Mutex<Option<i64>>,
    wake: Notify,
}

impl Indexer {
    pub fn new(index: Arc<SearchIndex>, db: Db) -> Arc<Self> {
        let last = index.last_change();
        Arc::new(Self {
            index,
            db,
            last: Mutex::new(last),
            wake: Notify::new(),
        })
    }

    /// The last change row applied.
    pub fn applied(&self) -> Option<i64> {
        self.last()
    }

    fn last(&self) -> Option<i64> {
        *self
            .last
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn set_last(&self, v: Option<i64>) {
        *self
            .last
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = v;
    }

    /// Asks the background task to run now (after a write).
    pub fn nudge(&self) {
        self.wake.notify_one();
    }

    /// Brings the index up to date at start: a rebuild when it is new, else the pending changes.
    pub async fn catch_up(&self) -> anyhow::Result<()> {
        if self.index.needs_rebuild || self.last().is_none() {
            let (v, w) = self.rebuild(None).await?;
            tracing::info!(vacancies = v, workers = w, "search index built");
        } else {
            let n = self.apply_pending().await?;
            tracing::info!(changes = n, last = ?self.last(), "search index caught up");
        }
        Ok(())
    }

    /// Applies every pending change row; returns how many were applied.
    pub async fn apply_pending(&self) -> anyhow::Result<usize> {
        let mut total = 0;
        loop {
            let n = self.apply_batch().await?;
            total += n;
            if n < BATCH as usize {
                return Ok(total);
            }
        }
    }

    async fn apply_batch(&self) -> anyhow::Result<usize> {
        let after = self.last().unwrap_or(0);
        let mut changes = changes::after(&self.db, after, BATCH)
            .await
            .context("reading search changes")?;
        // A gap in the ids may be a transaction still committing (PostgreSQL): wait for it a
        // few seconds before treating it as rolled back.
        let recent = recent_cutoff();
        let mut expected = after + 1;
        let mut usable = 0;
        for c in &changes {
            if c.id != expected && c.created_at > recent {
                break;
            }
            expected = c.id + 1;
            usable += 1;
        }
        changes.truncate(usable);
        let Some(last) = changes.last().map(|c| c.id) else {
            return Ok(0);
        };
        let mut vacancy_ids: Vec<i64> = changes
            .iter()
            .filter(|c| c.entity == "vacancy")
            .map(|c| c.entity_id)
            .collect();
        let mut worker_ids: Vec<i64> = changes
            .iter()
            .filter(|c| c.entity == "worker")
            .map(|c| c.entity_id)
            .collect();
        vacancy_ids.sort_unstable();
        vacancy_ids.dedup();
        worker_ids.sort_unstable();
        worker_ids.dedup();
        let today_s = fmt_date(today());
        let vacancy_rows = vacancies::by_ids(&self.db, &vacancy_ids, &today_s).await?;
        let worker_rows = workers::by_ids(&self.db, &worker_ids).await?;
        let mut worker_docs = Vec::with_capacity(worker_rows.len());
        // one query for the whole batch's certificates, not one per worker
        let certs = certificates::of_worker_ids(&self.db, &worker_ids).await?;
        for w in &worker_rows {
            let mine: Vec<CertificateRow> = certs
                .iter()
                .filter(|c| c.worker_id == w.id)
                .cloned()
                .collect();
            worker_docs.push(worker_doc(w, &mine));
        }
        let vacancy_docs: Vec<VacancyDoc> = vacancy_rows.iter().map(vacancy_doc).collect();
        let index = self.index.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            for id in vacancy_ids {
                match vacancy_docs.iter().find(|d| d.id == id as u64) {
                    Some(d) => index.put_vacancy(d)?,
                    None => index.delete_vacancy(id as u64),
                }
            }
            for id in worker_ids {
                match worker_docs.iter().find(|d| d.id == id as u64) {
                    Some(d) => index.put_worker(d)?,
                    None => index.delete_worker(id as u64),
                }
            }
            index.commit(Some(last))
        })
        .await
        .context("joining the index task")??;
        self.set_last(Some(last));
        tracing::debug!(changes = usable, last, "index updated");
        Ok(usable)
    }

    /// Rebuilds both indexes from the database; returns (vacancies, workers) indexed.
    pub async fn rebuild(&self, progress: Option<&ProgressBar>) -> anyhow::Result<(usize, usize)> {
        // Changes after this id are applied again afterwards: re-indexing is idempotent.
        let last = changes::last_id(&self.db).await?;
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
        tokio::task::spawn_blocking(move || index.commit(Some(last))).await??;
        self.set_last(Some(last));
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

/// Instants later than this are "recent" (3 seconds ago), in the stored format.
fn recent_cutoff() -> String {
    crate::domain::fmt_instant(OffsetDateTime::now_utc() - time::Duration::seconds(3))
}
