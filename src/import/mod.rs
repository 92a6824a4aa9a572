//! Importing the real-name ledger (劳动力台账): `laowu import workers FILE` and the stations'
//! upload page. Every row is validated like a registration and by the data-quality rules;
//! good rows are written (matched by 身份证 number: new rows added, changed rows updated,
//! identical rows left alone), bad rows are listed with row number, column and reason.

pub mod ledger;
pub mod table;

use std::collections::{HashMap, HashSet};

use indicatif::ProgressBar;

use crate::db::Db;
use crate::db::workers::{self, Registration};
use crate::domain::today;
use crate::domain::worker::NewWorker;
use crate::quality::{self, Finding, LedgerFacts, Level};
use crate::service::policy::{self, ImportRow};
use ledger::{Extra, Layout, column_of_field, parse_row};

/// How many rows one transaction writes.
const BATCH: usize = 500;
/// The pause between batches on SQLite (see the batch loop).
const SQLITE_PAUSE: std::time::Duration = std::time::Duration::from_millis(15);

/// Who imports, for the consent record and the caseload.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub station_id: Option<i64>,
    /// e.g. the officer's name or "命令行导入"
    pub by: String,
    pub created_by: Option<i64>,
}

/// One line of the report file.
#[derive(Debug, Clone)]
pub struct ReportLine {
    pub row: usize,
    pub column: String,
    pub level: &'static str,
    pub rule: String,
    pub reason: String,
    pub values: Vec<String>,
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub imported: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: usize,
    pub warnings: usize,
    pub ignored_columns: Vec<String>,
    pub header: Vec<String>,
    pub lines: Vec<ReportLine>,
}

impl ImportReport {
    /// The report as CSV (UTF-8 with BOM, so that Excel and WPS open it in Chinese).
    pub fn to_csv(&self) -> anyhow::Result<Vec<u8>> {
        let mut out = b"\xEF\xBB\xBF".to_vec();
        {
            let mut w = crate::csv_safe::Writer::new(&mut out);
            let mut head = vec![
                "行号".to_owned(),
                "列".into(),
                "级别".into(),
                "规则".into(),
                "原因".into(),
            ];
            head.extend(self.header.iter().cloned());
            w.write_record(&head)?;
            for l in &self.lines {
                let mut rec = vec![
                    l.row.to_string(),
                    l.column.clone(),
                    l.level.into(),
                    l.rule.clone(),
                    l.reason.clone(),
                ];
                rec.extend(l.values.iter().cloned());
                w.write_record(&rec)?;
            }
            w.flush()?;
        }
        Ok(out)
    }

    pub fn summary(&self) -> String {
        format!(
            "导入完成：新增 {} 行，更新 {} 行，未变化 {} 行，拒绝 {} 行，警告 {} 条。",
            self.imported, self.updated, self.unchanged, self.rejected, self.warnings
        )
    }
}

/// A row that passed validation, waiting to be written.
struct Good {
    row: usize,
    worker: NewWorker,
    extra: Extra,
    findings: Vec<Finding>,
    values: Vec<String>,
}

/// Where an import stands once a batch is written, for a caller that keeps it (the import
/// jobs of [`crate::service::import_jobs`]).
pub struct Progress<'a> {
    /// Data rows of the file (blank ones included) behind this batch and all before it.
    pub rows_done: usize,
    /// What this batch did: its counts and its report lines (rows it covers only).
    pub batch: &'a ImportReport,
    /// Unknown columns of the header, ignored.
    pub ignored_columns: &'a [String],
}

/// A caller's hook into the writing of an import: how many data rows an earlier run of the
/// same file already committed (they are validated again, for duplicates and households, but
/// not written or counted again), and a write inside each batch's transaction, before commit —
/// so the caller's record of the progress commits (or not) with the batch.
pub trait Batches {
    fn resume_after(&self) -> usize {
        0
    }
    fn committing(
        &mut self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        progress: Progress<'_>,
    ) -> impl std::future::Future<Output = anyhow::Result<()>> + Send;
}

/// No hook: the whole file, nothing kept besides the workers.
impl Batches for () {
    async fn committing(
        &mut self,
        _: &mut sqlx::Transaction<'static, sqlx::Any>,
        _: Progress<'_>,
    ) -> anyhow::Result<()> {
        Ok(())
    }
}

/// Index of the header: the first row with anything in it.
pub fn header_index(rows: &[Vec<String>]) -> Option<usize> {
    rows.iter()
        .position(|r| r.iter().any(|c| !c.trim().is_empty()))
}

/// Imports the rows of a ledger (header first).
pub async fn import(
    db: &Db,
    rows: Vec<Vec<String>>,
    opts: &ImportOptions,
    progress: Option<&ProgressBar>,
) -> anyhow::Result<ImportReport> {
    import_with(db, rows, opts, progress, &mut ()).await
}

/// [`import`] with a [`Batches`] hook: resumes after the rows `hook` says are done and lets it
/// write its progress in each batch's transaction. Batches are 500 good rows; the rows refused
/// before writing count in the batch that covers their line.
pub async fn import_with<H: Batches + Send>(
    db: &Db,
    rows: Vec<Vec<String>>,
    opts: &ImportOptions,
    progress: Option<&ProgressBar>,
    hook: &mut H,
) -> anyhow::Result<ImportReport> {
    let today = today();
    let mut report = ImportReport::default();
    let Some(header_at) = header_index(&rows) else {
        anyhow::bail!("文件是空的");
    };
    let layout = Layout::of(&rows[header_at]).map_err(|m| anyhow::anyhow!(m))?;
    report.header = rows[header_at].clone();
    report.ignored_columns = layout.unknown.clone();
    if let Some(p) = progress {
        p.set_length((rows.len() - header_at - 1) as u64);
    }
    // phones already registered, by county, for the shared-phone rule
    let mut phone_county: HashMap<String, String> = HashMap::new();
    // (a station compares with its own caseload only: the rule must not tell it which
    // phones other stations' workers use)
    for (phone, town) in workers::phones_and_townships(db, opts.station_id).await? {
        phone_county
            .entry(phone)
            .or_insert_with(|| town.chars().take(6).collect());
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut good: Vec<Good> = Vec::new();
    // the lines of the rows refused before writing (their report lines are in `report.lines`)
    let mut refused: Vec<usize> = Vec::new();
    for (i, row) in rows.iter().enumerate().skip(header_at + 1) {
        let line = i + 1;
        if let Some(p) = progress {
            p.inc(1);
        }
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let (input, extra, mut errors) = parse_row(&layout, row);
        let parsed = input.parse(today);
        if let Err(e) = &parsed {
            for (field, msgs) in &e.0 {
                for m in msgs {
                    errors.add(column_of_field(field), m.clone());
                }
            }
        }
        let facts = LedgerFacts {
            labour_capacity: input.labour_capacity.as_deref(),
            employment_note: extra.employment_note.as_deref(),
            work_place: extra.work_place.as_deref(),
            monthly_income: extra.monthly_income,
        };
        let mut findings = quality::row_findings(&facts);
        for f in findings.iter().filter(|f| f.level == Level::Error) {
            errors.add(f.column, format!("{}：{}", f.rule, f.message));
        }
        let worker = match parsed {
            Ok(w) if errors.is_empty() => w,
            _ => {
                refused.push(line);
                for (column, msgs) in &errors.0 {
                    report.lines.push(ReportLine {
                        row: line,
                        column: column.clone(),
                        level: "拒绝",
                        rule: String::new(),
                        reason: msgs.join("；"),
                        values: row.clone(),
                    });
                }
                continue;
            }
        };
        let id = worker.id_number.as_str().to_owned();
        if let Some(first) = seen.get(&id) {
            refused.push(line);
            report.lines.push(ReportLine {
                row: line,
                column: "身份证号码".into(),
                level: "拒绝",
                rule: String::new(),
                reason: format!("与第{first}行的身份证号码重复"),
                values: row.clone(),
            });
            continue;
        }
        seen.insert(id, line);
        let county: String = worker.hometown.county_code().to_owned();
        match phone_county.get(worker.phone.as_str()) {
            Some(c) if *c != county => {
                let name = crate::domain::region::regions()
                    .townships_of(c)
                    .first()
                    .map_or(c.clone(), |t| t.county.clone());
                findings.extend(quality::phone_conflict(Some(&name)));
            }
            None => {
                phone_county.insert(worker.phone.as_str().to_owned(), county);
            }
            _ => {}
        }
        good.push(Good {
            row: line,
            worker,
            extra,
            findings,
            values: row.clone(),
        });
    }
    // the zero-employment alarm: relocated households (by 户编号, else the person) with nobody working
    let mut working_households: HashSet<String> = HashSet::new();
    for g in &good {
        if quality::is_working(g.extra.employment_note.as_deref()) {
            working_households.insert(household_key(g));
        }
    }
    for g in &mut good {
        if g.worker.household.relocated && !working_households.contains(&household_key(g)) {
            g.findings.push(Finding {
                rule: "DQ105",
                level: Level::Alarm,
                column: "是否易地搬迁",
                message: "易地搬迁户家中目前无人就业，请工作站优先帮扶".into(),
            });
        }
    }
    // the sending station of each county, for workers no station holds yet
    let sending: HashMap<String, i64> = crate::db::stations::list(db)
        .await?
        .into_iter()
        .filter(|s| s.side == "sending")
        .filter_map(|s| Some((s.county_code?, s.id)))
        .rev() // the first station of a county wins, as at registration
        .collect();
    // what an earlier run committed is skipped; each batch covers the lines after the last one
    let mut from = header_at + 1 + hook.resume_after();
    let start = good.partition_point(|g| g.row <= from);
    let mut refused_lines = std::mem::take(&mut report.lines);
    refused_lines.retain(|l| l.row > from);
    refused.retain(|r| *r > from);
    let sqlite = crate::db::backend(db) == crate::db::Backend::Sqlite;
    let mut chunks = good[start..].chunks(BATCH).peekable();
    loop {
        let chunk = chunks.next().unwrap_or(&[]);
        let upto = match (chunks.peek(), chunk.last()) {
            (Some(_), Some(g)) => g.row,
            _ => rows.len(),
        };
        let mut batch = ImportReport {
            rejected: refused
                .iter()
                .filter(|r| (from + 1..=upto).contains(*r))
                .count(),
            ..ImportReport::default()
        };
        batch.lines = refused_lines
            .iter()
            .filter(|l| (from + 1..=upto).contains(&l.row))
            .cloned()
            .collect();
        let rows_done = upto.saturating_sub(header_at + 1);
        write_batch(
            db,
            chunk,
            opts,
            &sending,
            &mut batch,
            hook,
            rows_done,
            &report.ignored_columns,
        )
        .await?;
        report.imported += batch.imported;
        report.updated += batch.updated;
        report.unchanged += batch.unchanged;
        report.rejected += batch.rejected;
        report.warnings += batch.warnings;
        report.lines.append(&mut batch.lines);
        from = upto;
        if chunks.peek().is_none() {
            break;
        }
        if sqlite {
            // SQLite has one write lock, and its busy handler polls: a writer that takes the
            // lock again at once starves every other writer (a login, a registration) for
            // the whole import. A short pause between batches lets them in.
            tokio::time::sleep(SQLITE_PAUSE).await;
        }
    }
    report.lines.sort_by_key(|l| l.row);
    Ok(report)
}

fn household_key(g: &Good) -> String {
    g.extra
        .household_no
        .clone()
        .unwrap_or_else(|| format!("person:{}", g.worker.id_number.as_str()))
}

/// Writes one batch in one transaction: new workers inserted, changed ones updated, each with
/// its change row and its findings; the hook's write last, before the commit.
#[expect(clippy::too_many_arguments)]
async fn write_batch<H: Batches + Send>(
    db: &Db,
    batch: &[Good],
    opts: &ImportOptions,
    sending: &HashMap<String, i64>,
    report: &mut ImportReport,
    hook: &mut H,
    rows_done: usize,
    ignored_columns: &[String],
) -> anyhow::Result<()> {
    let ids: Vec<String> = batch
        .iter()
        .map(|g| format!("'{}'", g.worker.id_number.as_str()))
        .collect();
    let existing: HashMap<String, workers::WorkerRow> = if ids.is_empty() {
        HashMap::new()
    } else {
        workers::by_id_numbers(db, &ids)
            .await?
            .into_iter()
            .map(|w| (w.id_number.clone(), w))
            .collect()
    };
    let consent_by = format!("台账导入（纸质同意书）：{}", opts.by);
    let mut tx = db.begin().await?;
    for g in batch {
        let (worker_id, is_new) = match existing.get(g.worker.id_number.as_str()) {
            None => {
                let id = workers::insert(
                    &mut tx,
                    &g.worker,
                    &Registration {
                        station_id: opts.station_id,
                        consent_by: &consent_by,
                        created_by: opts.created_by,
                    },
                )
                .await
                .map_err(|e| anyhow::anyhow!("第{}行：{e}", g.row))?;
                report.imported += 1;
                (id, true)
            }
            Some(old) => {
                // (the stored home county decides whose worker this is, not the row's)
                let county = old.township_code.get(..6).unwrap_or_default();
                let decision = policy::import_row(
                    opts.station_id,
                    Some(old.station_id),
                    sending.get(county).copied(),
                );
                if decision == ImportRow::Refuse {
                    // another station's worker: untouched, and the reason says no more than that
                    report.rejected += 1;
                    report.lines.push(ReportLine {
                        row: g.row,
                        column: "身份证号码".into(),
                        level: "拒绝",
                        rule: String::new(),
                        reason: "本工作站不能导入或修改此人的信息，请联系管理员核实".into(),
                        values: g.values.clone(),
                    });
                    continue;
                }
                if workers::same_as(old, &g.worker) && old_extra(old) == g.extra {
                    report.unchanged += 1;
                    continue;
                }
                workers::update_from_ledger(&mut tx, old.id, &g.worker, opts.station_id).await?;
                report.updated += 1;
                (old.id, false)
            }
        };
        if !is_new || g.extra != Extra::default() {
            workers::set_ledger_facts(
                &mut tx,
                worker_id,
                &workers::LedgerFacts {
                    household_no: g.extra.household_no.clone(),
                    work_place: g.extra.work_place.clone(),
                    employment_note: g.extra.employment_note.clone(),
                    monthly_income: g.extra.monthly_income,
                    work_channel: g.extra.work_channel.clone(),
                },
            )
            .await?;
        }
        if !is_new {
            quality::clear(&mut tx, worker_id).await?;
        }
        quality::store(&mut tx, worker_id, &g.findings).await?;
        for f in &g.findings {
            report.warnings += 1;
            report.lines.push(ReportLine {
                row: g.row,
                column: f.column.into(),
                level: f.level.label(),
                rule: f.rule.into(),
                reason: format!("{}（已导入）", f.message),
                values: g.values.clone(),
            });
        }
    }
    report.lines.sort_by_key(|l| l.row);
    hook.committing(
        &mut tx,
        Progress {
            rows_done,
            batch: report,
            ignored_columns,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn old_extra(w: &workers::WorkerRow) -> Extra {
    Extra {
        household_no: w.household_no.clone(),
        work_place: w.work_place.clone(),
        employment_note: w.employment_note.clone(),
        monthly_income: w.monthly_income,
        work_channel: w.work_channel.clone(),
    }
}
