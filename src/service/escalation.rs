//! Escalation of late follow-ups and quiet cases (issue 16): a pending follow-up overdue 7
//! days, or an open case without action for 7 days, reaches the station head's list; at 14
//! days it is escalated to the county bureau (the admin), whose daily digest lists it. The day
//! is always a parameter, so the rules are tested at 6, 7, 13 and 14 days without a clock.
//!
//! A receiving station's lists hold, besides its own, the follow-ups and cases of the active
//! placements in its district ([`Scope`]): both stations see the same rows, each with the
//! station that owns it.

use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::{CurrentUser, Role};
use crate::db::placements::{self, CaseView, FollowUpView};
pub use crate::db::placements::{CaseRow, FollowUpRow, Scope};
use crate::db::{stations, users};
use crate::domain::status::{BUREAU_AFTER_DAYS, Escalation, HEAD_AFTER_DAYS};
use crate::domain::values::{fmt_date, parse_date};
use crate::error::{AppError, AppResult};
use crate::service::policy::{self, EscalationList};
use crate::state::AppState;

pub use crate::db::users::StationLogin;

/// The rows an actor's station lists hold: the admin everyone's; a station its own and, for a
/// receiving station, its district's.
pub async fn scope_of(state: &AppState, actor: &CurrentUser) -> AppResult<Scope> {
    match actor.role {
        Role::Admin => Ok(Scope::All),
        Role::Station => {
            let id = actor.station_id.unwrap_or(-1);
            let district = stations::district_of(&state.db, id).await?;
            Ok(Scope::Station { id, district })
        }
        _ => Err(AppError::Forbidden),
    }
}

/// The scope of a station's own lists and digest ([`scope_of`] without a login).
pub fn station_scope(s: &stations::StationRow) -> Scope {
    Scope::Station {
        id: s.id,
        district: (s.side == "receiving").then(|| {
            s.county_code
                .clone()
                .unwrap_or_else(|| crate::domain::region::DOUMEN.to_owned())
        }),
    }
}

/// Marks a follow-up with its lateness as of `t`: days overdue and the escalation level.
pub fn mark_follow_up(r: &mut FollowUpRow, t: time::Date) {
    r.overdue_days = None;
    r.escalation = None;
    r.escalation_label = None;
    if r.status != "pending" {
        return;
    }
    let Ok(due) = parse_date(&r.due_on) else {
        return;
    };
    let late = (t - due).whole_days();
    if late <= 0 {
        return;
    }
    r.overdue_days = Some(late);
    if let Some(level) = Escalation::after(late) {
        r.escalation = Some(level.as_str().to_owned());
        r.escalation_label = Some(level.tag(late, false));
    }
}

/// Marks an open case with the days since its last action as of `t` and its level.
pub fn mark_case(c: &mut CaseRow, t: time::Date) {
    c.idle_days = None;
    c.escalation = None;
    c.escalation_label = None;
    if c.resolved_on.is_some() {
        return;
    }
    let Ok(last) = parse_date(&c.last_action_on) else {
        return;
    };
    let idle = (t - last).whole_days().max(0);
    c.idle_days = Some(idle);
    if let Some(level) = Escalation::after(idle) {
        c.escalation = Some(level.as_str().to_owned());
        c.escalation_label = Some(level.tag(idle, true));
    }
}

/// The level of an open case whose last action was on `last`, as of `t`.
pub fn case_escalation(last: time::Date, t: time::Date) -> Option<Escalation> {
    Escalation::after((t - last).whole_days())
}

/// An escalation list: late follow-ups and quiet cases, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct Escalations {
    /// `head` (7 days and more) or `bureau` (14 days and more)
    pub level: String,
    pub follow_ups: Vec<FollowUpRow>,
    pub cases: Vec<CaseRow>,
}

impl Escalations {
    pub fn is_empty(&self) -> bool {
        self.follow_ups.is_empty() && self.cases.is_empty()
    }
}

/// The list of `level` within `scope` as of `t` (no access check: the scheduler's and the
/// tests' entry; people go through [`list`]).
pub async fn list_on(
    state: &AppState,
    scope: &Scope,
    level: EscalationList,
    t: time::Date,
) -> AppResult<Escalations> {
    let days = match level {
        EscalationList::Head => HEAD_AFTER_DAYS,
        EscalationList::Bureau => BUREAU_AFTER_DAYS,
    };
    let cutoff = fmt_date(t - time::Duration::days(days));
    let mut follow_ups = placements::follow_ups(
        &state.db,
        scope,
        FollowUpView::Escalated,
        &fmt_date(t),
        &cutoff,
    )
    .await?;
    for r in &mut follow_ups {
        mark_follow_up(r, t);
    }
    let mut cases = placements::cases(&state.db, scope, &CaseView::QuietSince(cutoff)).await?;
    for c in &mut cases {
        mark_case(c, t);
    }
    Ok(Escalations {
        level: match level {
            EscalationList::Head => "head",
            EscalationList::Bureau => "bureau",
        }
        .to_owned(),
        follow_ups,
        cases,
    })
}

/// An escalation list as the actor may read it ([`policy::may_view_escalations`]): a head
/// their station's, the admin everyone's. A non-head officer asking for the head's list is
/// refused (403).
pub async fn list(
    state: &AppState,
    actor: &CurrentUser,
    level: EscalationList,
    t: time::Date,
) -> AppResult<Escalations> {
    let head = actor.is(Role::Station) && users::is_head(&state.db, actor.id).await?;
    if !policy::may_view_escalations(actor.role, head, level) {
        return Err(AppError::Forbidden);
    }
    let scope = scope_of(state, actor).await?;
    let list = list_on(state, &scope, level, t).await?;
    // the list names people and carries case text: who read it is kept
    state
        .audit
        .record(
            actor.by(),
            "list_escalations",
            "case",
            None,
            format!(
                "{}：回访{}条，问题{}件",
                match level {
                    EscalationList::Head => "站长督办",
                    EscalationList::Bureau => "县局督办",
                },
                list.follow_ups.len(),
                list.cases.len()
            ),
        )
        .await?;
    tracing::info!(
        user.id = actor.id,
        level = list.level,
        follow_ups = list.follow_ups.len(),
        cases = list.cases.len(),
        "escalation list read"
    );
    Ok(list)
}

/// Whether the actor is a station head (the caseload page links the head's list for them).
pub async fn is_head(state: &AppState, actor: &CurrentUser) -> AppResult<bool> {
    Ok(actor.is(Role::Station) && users::is_head(&state.db, actor.id).await?)
}

/// Marks a station login head (or not): the admin only, audited. Any other login is a 422
/// naming `head`; an unknown id a 404.
pub async fn set_head(
    state: &AppState,
    actor: &CurrentUser,
    user_id: i64,
    head: Option<bool>,
) -> AppResult<StationLogin> {
    if !policy::may_mark_head(actor.role) {
        return Err(AppError::Forbidden);
    }
    let head =
        head.ok_or_else(|| AppError::invalid("head", "请填写是否为站长（true 或 false）"))?;
    let user = users::get(&state.db, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if user.role != Role::Station {
        return Err(AppError::invalid("head", "只有工作站账号可以设为站长"));
    }
    if !users::set_head(&state.db, user_id, head).await? {
        return Err(AppError::NotFound);
    }
    crate::db::audit::record(
        &state.db,
        actor.by(),
        if head { "set_head" } else { "unset_head" },
        "user",
        Some(user_id),
        "",
    )
    .await?;
    tracing::info!(user.id = user_id, head, "station head flag changed");
    users::station_logins(&state.db)
        .await?
        .into_iter()
        .find(|l| l.id == user_id)
        .ok_or(AppError::NotFound)
}

/// Every station login, for the admin's page.
pub async fn station_logins(state: &AppState, actor: &CurrentUser) -> AppResult<Vec<StationLogin>> {
    if !policy::may_mark_head(actor.role) {
        return Err(AppError::Forbidden);
    }
    Ok(users::station_logins(&state.db).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_quiet_case_reaches_the_head_at_7_days_and_the_bureau_at_14() {
        let last = date!(2026 - 11 - 01);
        let on = |d: i64| case_escalation(last, last + time::Duration::days(d));
        assert_eq!(on(0), None);
        assert_eq!(on(6), None);
        assert_eq!(on(7), Some(Escalation::Head));
        assert_eq!(on(13), Some(Escalation::Head));
        assert_eq!(on(14), Some(Escalation::Bureau));
    }
}
