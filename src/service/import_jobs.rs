//! Ledger imports as jobs (issue #12): an upload stores the file under
//! `DATA_DIR/import-jobs/` and a row in `import_jobs`, and answers at once; a worker task on
//! every node claims queued jobs — and jobs whose lease ran out — with a guarded update, renews
//! the lease while it runs, and imports in batches of 500 rows whose transaction also writes
//! `rows_done` and the counts. A job found running with an expired lease (its node was killed)
//! is resumed after its last committed batch: the rows before it are validated again (for
//! duplicates and households) but not written or counted again, and the report lines of the
//! committed batches are kept in `DATA_DIR/import-jobs/ID.lines.csv`, appended before each
//! commit and cut back to the committed rows on resume.
//!
//! Who may see a job: [`policy::may_view_import_job`]. One job per station at a time: the
//! partial unique index `import_jobs_one_active`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context;
use time::OffsetDateTime;

use crate::auth::{CurrentUser, Role};
use crate::db::Db;
use crate::db::audit::{self, By};
use crate::db::import_jobs::{self, Counts, ImportJobRow, NewJob};
use crate::domain::fmt_instant;
use crate::domain::status::ImportJobStatus;
use crate::error::{AppError, AppResult};
use crate::import::{self, Batches, ImportOptions, ImportReport, Progress};
use crate::service::policy;
use crate::state::AppState;

/// How often an idle worker looks for a job.
const POLL: Duration = Duration::from_millis(500);
/// Claims after which a job that keeps losing its worker (a file that kills the process) is
/// given up.
const MAX_ATTEMPTS: i64 = 5;
/// Report lines shown on the job page.
const SHOWN_LINES: usize = 200;

/// A job as its station, the admin and the API see it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ImportJob {
    pub id: i64,
    pub station_id: Option<i64>,
    pub file_name: String,
    pub status: ImportJobStatus,
    pub status_label: &'static str,
    /// Data rows of the file (known once the worker has read it).
    pub rows_total: Option<i64>,
    /// Data rows behind the committed batches.
    pub rows_done: i64,
    pub imported: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub rejected: i64,
    pub warnings: i64,
    pub ignored_columns: Vec<String>,
    /// Where the rejected rows and warnings are downloaded (once done, when there are any).
    pub report_url: Option<String>,
    pub error: Option<String>,
    pub created_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
}

impl ImportJob {
    fn of(row: ImportJobRow) -> Self {
        let status = ImportJobStatus::parse(&row.status).unwrap_or(ImportJobStatus::Failed);
        Self {
            id: row.id,
            station_id: row.station_id,
            file_name: row.file_name,
            status,
            status_label: status.label(),
            rows_total: row.rows_total,
            rows_done: row.rows_done,
            imported: row.counts.imported,
            updated: row.counts.updated,
            unchanged: row.counts.unchanged,
            rejected: row.counts.rejected,
            warnings: row.counts.warnings,
            ignored_columns: row
                .ignored_columns
                .split('、')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            report_url: row.report_file.map(|f| format!("/station/imports/{f}")),
            error: row.error,
            created_at: row.created_at,
            started_at: row.started_at,
            finished_at: row.finished_at,
        }
    }

    /// Still to be imported (the page refreshes itself meanwhile).
    pub fn active(&self) -> bool {
        matches!(
            self.status,
            ImportJobStatus::Queued | ImportJobStatus::Running
        )
    }

    pub fn done(&self) -> bool {
        self.status == ImportJobStatus::Done
    }

    pub fn summary(&self) -> String {
        ImportReport {
            imported: to_usize(self.imported),
            updated: to_usize(self.updated),
            unchanged: to_usize(self.unchanged),
            rejected: to_usize(self.rejected),
            warnings: to_usize(self.warnings),
            ..ImportReport::default()
        }
        .summary()
    }
}

fn to_usize(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

/// One line of a job's report, as the page lists it.
#[derive(Debug, Clone)]
pub struct LineView {
    pub row: String,
    pub column: String,
    pub level: String,
    pub reason: String,
}

fn jobs_dir(state: &AppState) -> PathBuf {
    state.config.data_dir.join("import-jobs")
}

/// A station (or the admin) uploads a ledger: the file is stored and the job queued; the
/// answer is the job's id. A second upload of a station while its job is queued or running
/// is 409.
pub async fn upload(
    state: &AppState,
    actor: &CurrentUser,
    file_name: &str,
    bytes: Vec<u8>,
) -> AppResult<i64> {
    actor.require(&[Role::Station, Role::Admin])?;
    if actor.is(Role::Station) && actor.station_id.is_none() {
        return Err(AppError::Forbidden);
    }
    if bytes.is_empty() {
        return Err(AppError::invalid("file", "请选择要上传的台账文件"));
    }
    let ext: String = Path::new(file_name)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .filter(|e| !e.is_empty() && e.len() <= 8 && e.chars().all(|c| c.is_ascii_alphanumeric()))
        .unwrap_or_else(|| "bin".into());
    let stored = format!("{}.{ext}", uuid::Uuid::new_v4().simple());
    let dir = jobs_dir(state);
    tokio::fs::create_dir_all(&dir)
        .await
        .context("creating the import-jobs dir")?;
    // the file first: a worker that sees the row finds its file
    tokio::fs::write(dir.join(&stored), &bytes)
        .await
        .context("storing the uploaded ledger")?;
    let job = NewJob {
        station_id: actor.station_id,
        user_id: actor.id,
        user_role: actor.role.as_str(),
        user_ip: &actor.ip,
        imported_by: &actor.display_name,
        file_name,
        stored_file: &stored,
    };
    match import_jobs::insert(&state.db, &job).await {
        Ok(id) => Ok(id),
        Err(e) => {
            let _ = tokio::fs::remove_file(dir.join(&stored)).await;
            Err(e.into())
        }
    }
}

/// A job, for its station and the admin.
pub async fn get(state: &AppState, actor: &CurrentUser, id: i64) -> AppResult<ImportJob> {
    actor.require(&[Role::Station, Role::Admin])?;
    let row = import_jobs::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !policy::may_view_import_job(actor, row.station_id) {
        return Err(AppError::Forbidden);
    }
    Ok(ImportJob::of(row))
}

/// The actor's station's job that is queued or running, if any (the import page links it).
pub async fn active(state: &AppState, actor: &CurrentUser) -> AppResult<Option<i64>> {
    match actor.station_id {
        Some(s) if actor.is(Role::Station) => {
            Ok(import_jobs::active_of_station(&state.db, s).await?)
        }
        _ => Ok(None),
    }
}

/// The first lines of a finished job's report (the whole file is the download).
pub async fn first_lines(state: &AppState, job: &ImportJob) -> Vec<LineView> {
    let Some(url) = &job.report_url else {
        return Vec::new();
    };
    let Some(file) = url.rsplit('/').next() else {
        return Vec::new();
    };
    let path = state.config.data_dir.join("imports").join(file);
    let Ok(bytes) = tokio::fs::read(path).await else {
        return Vec::new();
    };
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text)
        .records()
        .filter_map(Result::ok)
        .take(SHOWN_LINES)
        .map(|r| LineView {
            row: r.get(0).unwrap_or_default().to_owned(),
            column: r.get(1).unwrap_or_default().to_owned(),
            level: r.get(2).unwrap_or_default().to_owned(),
            reason: r.get(4).unwrap_or_default().to_owned(),
        })
        .collect()
}

/// Starts this node's import worker: it runs one job at a time, for the life of the process.
pub fn spawn(state: AppState) {
    let owner = format!("node-{}", uuid::Uuid::new_v4().simple());
    tokio::spawn(async move {
        loop {
            match run_next(&state, &owner).await {
                Ok(true) => {}
                Ok(false) => tokio::time::sleep(POLL).await,
                Err(e) => {
                    tracing::warn!(error = %format!("{e:#}"), "import worker");
                    tokio::time::sleep(POLL).await;
                }
            }
        }
    });
}

fn instant_in(d: Duration) -> String {
    fmt_instant(OffsetDateTime::now_utc() + d)
}

/// Claims and runs the next job, if there is one; `false` when there was none.
async fn run_next(state: &AppState, owner: &str) -> anyhow::Result<bool> {
    let db = &state.db;
    let now = fmt_instant(OffsetDateTime::now_utc());
    let Some(id) = import_jobs::next_claimable(db, &now).await? else {
        return Ok(false);
    };
    let lease = state.config.import_lease;
    if !import_jobs::claim(db, id, owner, &now, &instant_in(lease)).await? {
        return Ok(true); // another node was quicker
    }
    let job = import_jobs::get(db, id).await?.context("the claimed job")?;
    let role = Role::parse(&job.user_role).unwrap_or(Role::Station);
    let by = By {
        user_id: job.user_id,
        role,
        ip: &job.user_ip,
    };
    if job.attempts == 1 {
        let detail = format!("开始导入台账（任务 {}）：{}", job.id, job.file_name);
        audit::record(
            db,
            by,
            "import_started",
            "import_job",
            Some(job.id),
            &detail,
        )
        .await?;
    } else {
        tracing::info!(job.id, rows_done = job.rows_done, "resuming an import job");
    }
    let outcome = if job.attempts > MAX_ATTEMPTS {
        Err(anyhow::anyhow!(
            "导入已中断 {} 次，不再重试：请检查文件后重新上传",
            job.attempts - 1
        ))
    } else {
        let lost = Arc::new(AtomicBool::new(false));
        let renewer = renew_lease(db.clone(), id, owner.to_owned(), lease, lost.clone());
        let outcome = run(state, &job, owner).await;
        renewer.abort();
        if lost.load(Ordering::SeqCst) {
            // another node holds the job now: leave it alone
            tracing::warn!(job.id, "import job lease lost");
            return Ok(true);
        }
        outcome
    };
    let finished = match &outcome {
        Ok(report) => import_jobs::finish(db, id, owner, Ok(report.as_deref())).await?,
        Err(e) => import_jobs::finish(db, id, owner, Err(&format!("{e:#}"))).await?,
    };
    if !finished {
        return Ok(true);
    }
    // the uploaded file holds whole ledgers of people: gone once the job is over
    let dir = jobs_dir(state);
    let _ = tokio::fs::remove_file(dir.join(&job.stored_file)).await;
    let _ = tokio::fs::remove_file(lines_file(&dir, id)).await;
    state.search.nudge();
    let detail = match &outcome {
        Ok(_) => {
            let done = import_jobs::get(db, id)
                .await?
                .context("the finished job")?;
            format!(
                "任务 {}（{}）{}",
                id,
                job.file_name,
                ImportJob::of(done).summary()
            )
        }
        Err(e) => format!("任务 {}（{}）导入失败：{e:#}", id, job.file_name),
    };
    audit::record(db, by, "import_ledger", "import_job", Some(id), &detail).await?;
    Ok(true)
}

/// Renews the lease every third of its length until aborted; sets `lost` when the job is no
/// longer this worker's.
fn renew_lease(
    db: Db,
    id: i64,
    owner: String,
    lease: Duration,
    lost: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(lease / 3);
        every.tick().await;
        loop {
            every.tick().await;
            match import_jobs::renew(&db, id, &owner, &instant_in(lease)).await {
                Ok(true) => {}
                Ok(false) => {
                    lost.store(true, Ordering::SeqCst);
                    return;
                }
                Err(e) => tracing::warn!(error = %e, job.id = id, "renewing an import lease"),
            }
        }
    })
}

fn lines_file(dir: &Path, id: i64) -> PathBuf {
    dir.join(format!("{id}.lines.csv"))
}

/// Imports the job's file from where its last run stopped; returns the report file's name
/// (under `DATA_DIR/imports`) when there are rejected rows or warnings.
async fn run(state: &AppState, job: &ImportJobRow, owner: &str) -> anyhow::Result<Option<String>> {
    let dir = jobs_dir(state);
    let path = dir.join(&job.stored_file);
    let name = job.file_name.clone();
    let bytes = tokio::fs::read(&path).await.context("读取上传的文件失败")?;
    let rows = import::table::read_blocking(name, bytes).await?;
    let header_at = import::header_index(&rows);
    let total = header_at.map_or(0, |h| rows.len() - h - 1);
    import_jobs::set_total(&state.db, job.id, owner, i64::try_from(total)?).await?;
    // keep the report lines of the batches committed before (none on a first run)
    let lines = lines_file(&dir, job.id);
    let resume = to_usize(job.rows_done);
    let through = header_at.map_or(0, |h| h + 1 + resume);
    let kept: Vec<csv::StringRecord> = if resume == 0 {
        Vec::new()
    } else {
        read_lines(&lines)?
            .into_iter()
            .filter(|r| line_of(r) <= through)
            .collect()
    };
    write_lines(&lines, &kept, false)?;
    let mut hook = JobHook {
        id: job.id,
        owner: owner.to_owned(),
        resume,
        counts: job.counts,
        lease: state.config.import_lease,
        lines: lines.clone(),
    };
    let opts = ImportOptions {
        station_id: job.station_id,
        by: job.imported_by.clone(),
        created_by: Some(job.user_id),
    };
    let report = import::import_with(&state.db, rows, &opts, None, &mut hook).await?;
    let mut all = read_lines(&lines)?;
    if all.is_empty() {
        return Ok(None);
    }
    all.sort_by_key(line_of);
    // the header row of the report, then every line of every batch (the lines file holds the
    // cells as they were; formula starts are quoted here, once)
    let mut out = ImportReport {
        header: report.header,
        ..ImportReport::default()
    }
    .to_csv()?;
    {
        let mut w = crate::csv_safe::Writer::new(&mut out);
        for r in &all {
            w.write_record(r)?;
        }
        w.flush()?;
    }
    let imports = state.config.data_dir.join("imports");
    std::fs::create_dir_all(&imports)?;
    let file = format!(
        "{}-{}.csv",
        job.station_id.unwrap_or(0),
        uuid::Uuid::new_v4().simple()
    );
    std::fs::write(imports.join(&file), out)?;
    Ok(Some(file))
}

fn line_of(r: &csv::StringRecord) -> usize {
    r.get(0).and_then(|s| s.parse().ok()).unwrap_or(usize::MAX)
}

fn read_lines(path: &Path) -> anyhow::Result<Vec<csv::StringRecord>> {
    match std::fs::File::open(path) {
        Ok(f) => Ok(csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(f)
            .records()
            .collect::<Result<_, _>>()?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

/// The job's own working file of report lines, read back only by the job (the report the
/// station downloads is written through [`crate::csv_safe`]).
fn write_lines(path: &Path, records: &[csv::StringRecord], append: bool) -> anyhow::Result<()> {
    let f = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(append)
        .truncate(!append)
        .open(path)?;
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(f);
    for r in records {
        w.write_record(r)?;
    }
    w.flush()?;
    Ok(())
}

/// The job's side of each batch: its report lines appended to the lines file, then the
/// progress and counts written in the batch's transaction (guarded by the lease).
struct JobHook {
    id: i64,
    owner: String,
    resume: usize,
    counts: Counts,
    lease: Duration,
    lines: PathBuf,
}

impl Batches for JobHook {
    fn resume_after(&self) -> usize {
        self.resume
    }

    async fn committing(
        &mut self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        p: Progress<'_>,
    ) -> anyhow::Result<()> {
        let b = p.batch;
        let records: Vec<csv::StringRecord> = b
            .lines
            .iter()
            .map(|l| {
                let mut rec = vec![
                    l.row.to_string(),
                    l.column.clone(),
                    l.level.to_owned(),
                    l.rule.clone(),
                    l.reason.clone(),
                ];
                rec.extend(l.values.iter().cloned());
                csv::StringRecord::from(rec)
            })
            .collect();
        // before the commit: a crash in between leaves lines of rows beyond rows_done, which
        // the resumed run drops
        write_lines(&self.lines, &records, true)?;
        let mut c = self.counts;
        for (total, n) in [
            (&mut c.imported, b.imported),
            (&mut c.updated, b.updated),
            (&mut c.unchanged, b.unchanged),
            (&mut c.rejected, b.rejected),
            (&mut c.warnings, b.warnings),
        ] {
            *total += i64::try_from(n)?;
        }
        let ours = import_jobs::progress(
            tx,
            self.id,
            &self.owner,
            i64::try_from(p.rows_done)?,
            &c,
            &p.ignored_columns.join("、"),
            &instant_in(self.lease),
        )
        .await?;
        if !ours {
            anyhow::bail!("导入任务已由其他节点接手");
        }
        self.counts = c;
        Ok(())
    }
}
