//! Scheduled mail: each station's daily digest of follow-ups due and overdue, and the weekly
//! list of new matches for workers who asked for it. Each is written once per key
//! (`digest:STATION:DATE`, `weekly:WORKER:YEAR-Wnn`) so that several nodes or restarts never
//! write it twice. A key found with nothing to send is not looked at again for a while
//! ([`Quiet`]), so the two-second mail loop does not search matches for every opted-in
//! worker on every turn.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use crate::auth::{CurrentUser, Role};
use crate::db::outbox::{self, NewMail};
use crate::db::placements::{FollowUpView, Scope};
use crate::db::{stations, users, workers};
use crate::domain::values::fmt_date;
use crate::domain::{CST, today};
use crate::mail::templates::{BureauMail, DigestMail, WeeklyMail};
use crate::service::policy::EscalationList;
use crate::service::{escalation, followups};
use crate::state::AppState;

/// Keys that had nothing to send when last looked at, and when that was.
#[derive(Debug, Default)]
pub struct Quiet {
    since: HashMap<String, Instant>,
}

impl Quiet {
    /// Whether `key` was found empty less than `recheck` ago.
    pub fn skip(&self, key: &str, recheck: Duration, now: Instant) -> bool {
        self.since
            .get(key)
            .is_some_and(|t| now.saturating_duration_since(*t) < recheck)
    }

    /// Remembers that `key` had nothing to send at `now`, forgetting entries past `recheck`.
    pub fn mark(&mut self, key: String, recheck: Duration, now: Instant) {
        self.since
            .retain(|_, t| now.saturating_duration_since(*t) < recheck);
        self.since.insert(key, now);
    }
}

fn skip(quiet: &Mutex<Quiet>, key: &str, recheck: Duration) -> bool {
    quiet
        .lock()
        .is_ok_and(|q| q.skip(key, recheck, Instant::now()))
}

fn mark(quiet: &Mutex<Quiet>, key: &str, recheck: Duration) {
    if let Ok(mut q) = quiet.lock() {
        q.mark(key.to_owned(), recheck, Instant::now());
    }
}

/// Writes today's digests and this week's match lists that are not written yet.
pub async fn schedule(state: &AppState, quiet: &Mutex<Quiet>) -> anyhow::Result<()> {
    let recheck = state.config.quiet_recheck;
    let now = OffsetDateTime::now_utc().to_offset(CST);
    if now.hour() < state.config.digest_hour {
        return Ok(());
    }
    let date = fmt_date(today());
    let (year, week, _) = now.date().to_iso_week_date();
    let week_key = format!("{year}-W{week:02}");
    let existing: Vec<String> = outbox::keys_like(
        &state.db,
        &[
            &format!("digest:%:{date}"),
            &format!("weekly:%:{week_key}"),
            &format!("bureau:%:{date}"),
        ],
    )
    .await?;
    let mut wrote = false;
    let t = today();
    for s in stations::list(&state.db).await? {
        let key = format!("digest:{}:{date}", s.id);
        if existing.contains(&key) || skip(quiet, &key, recheck) {
            continue;
        }
        // a receiving station's digest also lists the placements in its district
        let scope = escalation::station_scope(&s);
        let due = followups::list_on(state, &scope, FollowUpView::Due, t)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let overdue = followups::list_on(state, &scope, FollowUpView::Overdue, t)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if due.is_empty() && overdue.is_empty() {
            mark(quiet, &key, recheck);
            continue;
        }
        let m = DigestMail {
            station_name: s.name.clone(),
            station_id: Some(s.id),
            date: date.clone(),
            due,
            overdue,
            link: format!("{}/station/followups", state.config.base_url),
        }
        .render()?;
        let mut tx = state.db.begin().await?;
        wrote |= outbox::enqueue(
            &mut tx,
            &NewMail {
                kind: "digest",
                dedupe_key: Some(key),
                recipient: &s.email,
                subject: m.subject,
                body_text: m.text,
                body_html: m.html,
            },
        )
        .await?;
        tx.commit().await?;
    }
    wrote |= bureau_digests(state, quiet, &existing, &date).await?;
    for (id, name, email) in workers::weekly_subscribers(&state.db).await? {
        let key = format!("weekly:{id}:{week_key}");
        if existing.contains(&key) || skip(quiet, &key, recheck) {
            continue;
        }
        // the worker's own view of their matches
        let me = CurrentUser {
            id: 0,
            role: Role::Worker,
            display_name: name.clone(),
            login: email.clone(),
            station_id: None,
            employer_id: None,
            provider_id: None,
            worker_id: Some(id),
            ip: String::new(),
        };
        let items = crate::service::search::matches_for_worker(state, &me, id, 5)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if items.is_empty() {
            mark(quiet, &key, recheck);
            continue;
        }
        let m = WeeklyMail {
            worker_name: name,
            items,
            link: format!("{}/matches", state.config.base_url),
        }
        .render()?;
        let mut tx = state.db.begin().await?;
        wrote |= outbox::enqueue(
            &mut tx,
            &NewMail {
                kind: "weekly",
                dedupe_key: Some(key),
                recipient: &email,
                subject: m.subject,
                body_text: m.text,
                body_html: m.html,
            },
        )
        .await?;
        tx.commit().await?;
    }
    // the day-before reminders of events (job fairs, trips)
    wrote |= crate::service::events::write_reminders(state).await?;
    if wrote {
        state.mail.nudge();
        state.sms.nudge();
    }
    Ok(())
}

/// The county bureau's daily digest: to every active admin login with an e-mail address, the
/// follow-ups overdue 14 days and the open cases without action for 14 days, once a day per
/// login (`bureau:USER:DATE`, claimed by the outbox's unique key, so several nodes write it
/// once); nothing when there is nothing escalated.
async fn bureau_digests(
    state: &AppState,
    quiet: &Mutex<Quiet>,
    existing: &[String],
    date: &str,
) -> anyhow::Result<bool> {
    let recheck = state.config.quiet_recheck;
    let pending: Vec<(String, String)> = users::bureau_recipients(&state.db)
        .await?
        .into_iter()
        .map(|(id, email)| (format!("bureau:{id}:{date}"), email))
        .filter(|(key, _)| !existing.contains(key) && !skip(quiet, key, recheck))
        .collect();
    if pending.is_empty() {
        return Ok(false);
    }
    let list = escalation::list_on(state, &Scope::All, EscalationList::Bureau, today())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut wrote = false;
    for (key, email) in pending {
        if list.is_empty() {
            mark(quiet, &key, recheck);
            continue;
        }
        let m = BureauMail {
            date: date.to_owned(),
            follow_ups: list.follow_ups.clone(),
            cases: list.cases.clone(),
            link: format!("{}/admin/escalations", state.config.base_url),
        }
        .render()?;
        let mut tx = state.db.begin().await?;
        let written = outbox::enqueue(
            &mut tx,
            &NewMail {
                kind: "bureau_digest",
                dedupe_key: Some(key),
                recipient: &email,
                subject: m.subject,
                body_text: m.text,
                body_html: m.html,
            },
        )
        .await?;
        tx.commit().await?;
        if written {
            tracing::info!(
                follow_ups = list.follow_ups.len(),
                cases = list.cases.len(),
                "bureau digest written"
            );
        }
        wrote |= written;
    }
    Ok(wrote)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quiet_key_is_skipped_until_the_recheck_interval_has_passed() {
        let mut q = Quiet::default();
        let t0 = Instant::now();
        let ten = Duration::from_secs(600);
        assert!(!q.skip("weekly:1:2026-W49", ten, t0));
        q.mark("weekly:1:2026-W49".into(), ten, t0);
        assert!(q.skip("weekly:1:2026-W49", ten, t0 + Duration::from_secs(599)));
        assert!(!q.skip("weekly:1:2026-W49", ten, t0 + Duration::from_secs(600)));
        assert!(!q.skip("weekly:2:2026-W49", ten, t0));
        // a zero interval never skips
        assert!(!q.skip("weekly:1:2026-W49", Duration::ZERO, t0));
        // old entries are forgotten as new ones come
        q.mark(
            "digest:3:2026-11-30".into(),
            ten,
            t0 + Duration::from_secs(700),
        );
        assert_eq!(q.since.len(), 1);
    }
}
