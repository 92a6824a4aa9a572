//! What the platform keeps on disk about people, and for how long: copies of sent mail
//! (`DATA_DIR/mail/*.eml`), text messages written by the file transport (`DATA_DIR/sms/`) and
//! the reports of ledger imports (`DATA_DIR/imports/*.csv`, whole rows with 身份证 numbers) are
//! deleted after [`KEEP_DAYS`] days, and at once where they name a person whose record is
//! anonymised; so are sent text messages in the outbox, and a reset code's text is blanked
//! once the code has run out.

use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::db::rights::Erased;
use crate::state::AppState;

/// Days a mail copy or an import report is kept.
pub const KEEP_DAYS: u64 = 30;

/// How often the sweep runs.
const EVERY: Duration = Duration::from_secs(3600);

/// Deletes the files older than [`KEEP_DAYS`] days; returns how many went.
pub async fn sweep(state: &AppState) -> usize {
    let cutoff = SystemTime::now() - Duration::from_secs(KEEP_DAYS * 86_400);
    let mut n = 0;
    for dir in ["mail", "imports", "sms"] {
        let dir = state.config.data_dir.join(dir);
        let Ok(mut entries) = tokio::fs::read_dir(&dir).await else {
            continue;
        };
        while let Ok(Some(e)) = entries.next_entry().await {
            let old = e
                .metadata()
                .await
                .and_then(|m| m.modified())
                .is_ok_and(|t| t < cutoff);
            if old && tokio::fs::remove_file(e.path()).await.is_ok() {
                n += 1;
            }
        }
    }
    if n > 0 {
        tracing::info!(
            files = n,
            "retention: old mail copies, text messages and import reports deleted"
        );
    }
    // the outbox rows: a reset code's text is blanked once the code has run out (10 minutes,
    // then the hour of this sweep), and sent or given-up messages go after KEEP_DAYS days
    let now = time::OffsetDateTime::now_utc();
    let codes_before = crate::domain::fmt_instant(now - time::Duration::minutes(15));
    let rows_before = crate::domain::fmt_instant(now - time::Duration::days(KEEP_DAYS as i64));
    match crate::db::sms::sweep(&state.db, &codes_before, &rows_before).await {
        Ok((codes, rows)) if codes + rows > 0 => {
            tracing::info!(
                codes,
                rows,
                "retention: old reset codes blanked, old text messages deleted"
            );
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "retention: the text-message sweep failed"),
    }
    n
}

/// Runs [`sweep`] now and every hour.
pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        loop {
            sweep(&state).await;
            tokio::time::sleep(EVERY).await;
        }
    });
}

/// Removes what the files on disk hold about one person: the `.eml` copies of the outbox
/// rows that named them, and the lines of import reports that carry their numbers.
pub async fn erase_person(state: &AppState, erased: &Erased, needles: &[&str]) {
    let mail = state.config.data_dir.join("mail");
    for id in &erased.mail_ids {
        let _ = tokio::fs::remove_file(mail.join(format!("outbox-{id:08}.eml"))).await;
    }
    let sms = state.config.data_dir.join("sms");
    for id in &erased.sms_ids {
        let _ = tokio::fs::remove_file(sms.join(format!("sms-{id:08}.json"))).await;
    }
    let imports = state.config.data_dir.join("imports");
    let Ok(mut entries) = tokio::fs::read_dir(&imports).await else {
        return;
    };
    while let Ok(Some(e)) = entries.next_entry().await {
        if let Err(err) = scrub_file(&e.path(), needles).await {
            tracing::warn!(error = %err, "could not scrub an import report");
        }
    }
}

/// Drops the lines of a text file that contain any of `needles`.
async fn scrub_file(path: &Path, needles: &[&str]) -> std::io::Result<()> {
    let text = tokio::fs::read_to_string(path).await?;
    let kept: Vec<&str> = text
        .split_inclusive('\n')
        .filter(|line| !needles.iter().any(|n| !n.is_empty() && line.contains(n)))
        .collect();
    if kept.len() != text.split_inclusive('\n').count() {
        tokio::fs::write(path, kept.concat()).await?;
    }
    Ok(())
}
