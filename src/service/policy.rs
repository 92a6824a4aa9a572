//! The one gate: may this actor do this to this object?
//!
//! Every service function describes the actor's relation to the object it is about to touch
//! (a *tie*: "the worker's own station", "an enterprise the worker applied to", …) and asks a
//! function here. The functions are pure — facts in, answer out — so that the rules can be read
//! in one place and tested as tables (see the tests at the bottom), apart from HTTP.
//!
//! Who sees what, in one paragraph: the admin sees everything. A worker sees their own record.
//! A sending station sees its own caseload in full — the workers registered or imported by it,
//! and those of its county who registered themselves; a receiving (Doumen) station sees the
//! workers placed in its district, with what it needs to follow them up. A worker with no station
//! is the admin's alone. An enterprise sees a worker masked until the worker applies or a station
//! recommends them, then name and phone; an invitation never answered (or declined) reveals
//! nothing. A trainer sees the workers on its own courses. Follow-up notes and cases are for
//! stations and the admin, never for the enterprise.

use crate::auth::CurrentUser;
use crate::domain::Role;
use crate::domain::status::{ApplicationStatus, EmployerStatus};

/// How much of a worker's record an actor sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// everything, 身份证 number and household situation included
    Full,
    /// real name and phone (and the job-related facts), 身份证 masked, nothing about the household
    Contact,
    /// no name, no phone: what matching shows
    Masked,
    None,
}

/// The actor's relation to a worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerTie {
    /// the worker's own login
    Itself,
    /// the station whose caseload holds the worker
    OwnStation,
    /// a receiving station: the worker holds a job in its district
    PlacedInDistrict,
    /// an enterprise the worker applied to, or was recommended to by a station
    Applicant,
    /// an enterprise that invited the worker, who has not accepted
    Invitee,
    /// a trainer: the worker is on one of its provider's courses
    Trainee,
    None,
}

/// What an actor sees of a worker.
pub fn worker_access(role: Role, tie: WorkerTie) -> Access {
    match (role, tie) {
        (Role::Admin, _) => Access::Full,
        (Role::Worker, WorkerTie::Itself) => Access::Full,
        (Role::Station, WorkerTie::OwnStation) => Access::Full,
        (Role::Station, WorkerTie::PlacedInDistrict) => Access::Contact,
        (Role::Employer, WorkerTie::Applicant) => Access::Contact,
        (Role::Employer, WorkerTie::Invitee) => Access::Masked,
        (Role::Trainer, WorkerTie::Trainee) => Access::Contact,
        _ => Access::None,
    }
}

/// Whether an actor may change a worker's record, put them forward (recommend, enrol), or
/// export or correct their data: the worker, their own station, the admin.
pub fn may_manage_worker(role: Role, tie: WorkerTie) -> bool {
    worker_access(role, tie) == Access::Full
}

/// How a change of a worker's phone is answered and limited. The worker changing their own
/// number is self-service: a number that is another worker's is refused without saying so
/// (the answer must not tell whose a number is), and the tries are limited a day. Their own
/// station and the admin hear plainly that the number is another worker's, without a limit.
pub fn phone_change_is_self_service(role: Role, tie: WorkerTie) -> bool {
    role == Role::Worker && tie == WorkerTie::Itself
}

/// Whether an actor may record a job a worker found without the platform (alone or through an
/// organised group): the worker's own station, the admin. A receiving station follows such a
/// job once it is recorded in its district, but does not record it.
pub fn may_record_found_job(role: Role, tie: WorkerTie) -> bool {
    matches!(
        (role, tie),
        (Role::Admin, _) | (Role::Station, WorkerTie::OwnStation)
    )
}

/// Whether an actor may tell the platform that a worker found a job (我已找到工作): the
/// worker alone, for themselves. Their station then confirms or declines the report.
pub fn may_report_found_job(role: Role, tie: WorkerTie) -> bool {
    matches!((role, tie), (Role::Worker, WorkerTie::Itself))
}

/// Whether an actor may see a worker's found-job report and confirm or decline it: the
/// worker's own station, the admin — the same as recording such a job. Never the worker
/// (a report is not a placement until someone else confirms it), never another station.
pub fn may_decide_found_report(role: Role, tie: WorkerTie) -> bool {
    may_record_found_job(role, tie)
}

/// Whether an actor may record follow-ups and cases of a worker's placement: the station that
/// owns the follow-up, the worker's own station, a receiving station in whose district the
/// worker works, the admin.
pub fn may_follow(role: Role, tie: WorkerTie, owns_follow_up: bool) -> bool {
    match role {
        Role::Admin => true,
        Role::Station => {
            owns_follow_up || matches!(tie, WorkerTie::OwnStation | WorkerTie::PlacedInDistrict)
        }
        _ => false,
    }
}

/// The lists of late follow-ups and quiet cases ([`crate::domain::status::Escalation`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EscalationList {
    /// overdue (or without action) 7 days and more: the station head's list
    Head,
    /// 14 days and more: the county bureau's list
    Bureau,
}

/// Who reads an escalation list: the admin (the county bureau) every station's; a station's
/// head their station's head list; any officer their station's bureau list (the same rows as
/// `GET /api/v1/followups?status=escalated`). `is_head`: the login is marked head.
pub fn may_view_escalations(role: Role, is_head: bool, list: EscalationList) -> bool {
    match (role, list) {
        (Role::Admin, _) => true,
        (Role::Station, EscalationList::Head) => is_head,
        (Role::Station, EscalationList::Bureau) => true,
        _ => false,
    }
}

/// Who marks a station login head (or not): the admin only — never the login itself.
pub fn may_mark_head(role: Role) -> bool {
    role == Role::Admin
}

/// How much of a placement an actor sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlacementAccess {
    /// with follow-up notes and cases
    Full,
    /// the placement and its dates, no follow-up content, no cases
    DatesOnly,
    None,
}

/// What an actor sees of a placement. `own_employer`: the placement is with the actor's
/// enterprise.
pub fn placement_access(
    role: Role,
    tie: WorkerTie,
    owns_follow_up: bool,
    own_employer: bool,
) -> PlacementAccess {
    match role {
        Role::Employer if own_employer => PlacementAccess::DatesOnly,
        Role::Worker if tie == WorkerTie::Itself => PlacementAccess::DatesOnly,
        _ if may_follow(role, tie, owns_follow_up) => PlacementAccess::Full,
        _ => PlacementAccess::None,
    }
}

/// Facts about an application, relative to the actor.
#[derive(Debug, Clone, Copy)]
pub struct ApplicationFacts {
    pub tie: WorkerTie,
    /// the vacancy belongs to the actor's enterprise
    pub own_vacancy: bool,
    /// the actor's station made the recommendation
    pub recommended_by_actor: bool,
    pub status: ApplicationStatus,
}

/// Who may see an application.
pub fn may_view_application(role: Role, f: &ApplicationFacts) -> bool {
    match role {
        Role::Admin => true,
        Role::Worker => f.tie == WorkerTie::Itself,
        Role::Employer => f.own_vacancy,
        Role::Station => f.recommended_by_actor || f.tie == WorkerTie::OwnStation,
        Role::Trainer => false,
    }
}

/// Who may move an application to `to` (the move itself must also be allowed by the funnel,
/// [`ApplicationStatus::can_move_to`]). The worker accepts or declines invitations and may
/// withdraw; the enterprise runs its own funnel but cannot act on an invitation nobody
/// answered, nor withdraw for the worker; the worker's own station (or the recommending one)
/// and the admin may do all.
pub fn may_move_application(role: Role, f: &ApplicationFacts, to: ApplicationStatus) -> bool {
    use ApplicationStatus::*;
    match role {
        Role::Admin => true,
        Role::Worker => f.tie == WorkerTie::Itself && matches!(to, Applied | Withdrawn),
        Role::Employer => f.own_vacancy && f.status != Invited && to != Withdrawn && to != Applied,
        Role::Station => f.recommended_by_actor || f.tie == WorkerTie::OwnStation,
        Role::Trainer => false,
    }
}

/// How an application may be made by this actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyAs {
    /// the worker applies
    Worker,
    /// the worker's station recommends
    Station,
    Admin,
    /// the enterprise invites (waits for the worker's answer)
    Invitation,
}

/// Who may create an application. `matched`: the worker is among the vacancy's candidates
/// (an enterprise may invite only those).
pub fn may_apply(
    role: Role,
    tie: WorkerTie,
    own_vacancy: bool,
    employer: EmployerStatus,
    matched: bool,
) -> Option<ApplyAs> {
    match role {
        Role::Worker if tie == WorkerTie::Itself => Some(ApplyAs::Worker),
        Role::Station if tie == WorkerTie::OwnStation => Some(ApplyAs::Station),
        Role::Admin => Some(ApplyAs::Admin),
        Role::Employer if own_vacancy && employer == EmployerStatus::Verified && matched => {
            Some(ApplyAs::Invitation)
        }
        _ => None,
    }
}

/// How a worker comes to a trainer's course.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnrolTie {
    /// the worker signed up for this course (or another of the same provider) themselves
    SignedUp,
    /// the worker's station put them on a course of this provider
    SentByStation,
    None,
}

/// Who may put a worker on a course. `own_course`: the course is the actor's provider's.
/// A trainer takes only workers who came by themselves or through their station.
pub fn may_enrol(role: Role, tie: WorkerTie, own_course: bool, enrol: EnrolTie) -> bool {
    match role {
        Role::Admin => true,
        Role::Worker => tie == WorkerTie::Itself,
        Role::Station => tie == WorkerTie::OwnStation,
        Role::Trainer => own_course && enrol != EnrolTie::None,
        Role::Employer => false,
    }
}

/// Who runs a course (edit it, confirm sign-ups, record attendance and completion, issue its
/// certificates): the trainer of its provider, the admin.
pub fn may_manage_course(actor: &CurrentUser, provider_id: i64) -> bool {
    match actor.role {
        Role::Admin => true,
        Role::Trainer => actor.provider_id == Some(provider_id),
        _ => false,
    }
}

/// Who may record a certificate for a worker outside a course: the worker's own station, the
/// admin.
pub fn may_enter_certificate(role: Role, tie: WorkerTie) -> bool {
    matches!(role, Role::Station | Role::Admin) && may_manage_worker(role, tie)
}

/// What an enterprise's login may do, by the enterprise's standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmployerAct {
    /// log in, see its own record and status
    LogIn,
    /// post and edit vacancies, see candidates, invite, move applications
    Recruit,
}

/// Whether an enterprise in `status` may `act`: pending ones may log in and wait; only verified
/// ones recruit; rejected and suspended ones may do nothing.
pub fn employer_may(status: EmployerStatus, act: EmployerAct) -> bool {
    match act {
        EmployerAct::LogIn => !status.is_barred(),
        EmployerAct::Recruit => status == EmployerStatus::Verified,
    }
}

/// Whether a vacancy is on the public board, in search and in matches.
pub fn vacancy_public(open: bool, employer: EmployerStatus) -> bool {
    open && employer == EmployerStatus::Verified
}

/// Who may edit or close a vacancy and read its candidates: its verified enterprise, the admin.
pub fn may_manage_vacancy(
    actor: &CurrentUser,
    vacancy_employer: i64,
    employer: EmployerStatus,
) -> bool {
    match actor.role {
        Role::Admin => true,
        Role::Employer => {
            actor.employer_id == Some(vacancy_employer)
                && employer_may(employer, EmployerAct::Recruit)
        }
        _ => false,
    }
}

/// Who may see an enterprise's full record (contact, USCC, status): itself, the admin.
/// Everybody else sees the name and town on its vacancies.
pub fn may_view_employer(actor: &CurrentUser, employer_id: i64) -> bool {
    actor.role == Role::Admin || actor.employer_id == Some(employer_id)
}

/// What an import row may do with the worker its 身份证 number matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportRow {
    Create,
    Update,
    /// rejected with a neutral reason; the stored worker is untouched
    Refuse,
}

/// Decides an import row. `importer`: the importing station (`None`: the admin or the command
/// line, which may do all). `existing_station`: `None` when the number is new, else the stored
/// worker's station. `sending_station`: the sending station of the worker's home county.
pub fn import_row(
    importer: Option<i64>,
    existing: Option<Option<i64>>,
    sending_station: Option<i64>,
) -> ImportRow {
    match (importer, existing) {
        (_, None) => ImportRow::Create,
        (None, Some(_)) => ImportRow::Update,
        (Some(me), Some(Some(owner))) if owner == me => ImportRow::Update,
        (Some(me), Some(None)) if sending_station == Some(me) => ImportRow::Update,
        _ => ImportRow::Refuse,
    }
}

/// Whether an actor may see a ledger import job (its progress, counts and report): the
/// station it imports for, and the admin. `job_station`: `None` for the admin's own imports.
pub fn may_view_import_job(actor: &CurrentUser, job_station: Option<i64>) -> bool {
    match actor.role {
        Role::Admin => true,
        Role::Station => actor.station_id.is_some() && actor.station_id == job_station,
        _ => false,
    }
}

/// Which exports an actor may take. Exports of people are the admin's (everyone) and a
/// station's (its own caseload, with full 身份证 numbers, audited).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportScope {
    Everyone,
    Station(i64),
}

pub fn export_scope(actor: &CurrentUser) -> Option<ExportScope> {
    match (actor.role, actor.station_id) {
        (Role::Admin, _) => Some(ExportScope::Everyone),
        (Role::Station, Some(s)) => Some(ExportScope::Station(s)),
        _ => None,
    }
}

/// Whose monthly figures an actor reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportScope {
    /// the whole platform
    Everyone,
    /// the workers whose home is in this county (6-digit code), and what happened to them
    County(String),
}

/// Who reads the monthly report, and of whom: the admin everything; a sending station its own
/// county's (`county`: the station's, for a station); a receiving (Doumen) station the
/// district's — every worker it follows works there; nobody else. Aggregate figures only.
pub fn report_scope(role: Role, side: Option<&str>, county: Option<&str>) -> Option<ReportScope> {
    match (role, side, county) {
        (Role::Admin, _, _) => Some(ReportScope::Everyone),
        (Role::Station, Some("receiving"), _) => Some(ReportScope::Everyone),
        (Role::Station, Some("sending"), Some(c))
            if c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()) =>
        {
            Some(ReportScope::County(c.to_owned()))
        }
        _ => None,
    }
}

/// The actor's relation to an event (a job fair or a 点对点 trip).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventTie {
    /// the organising station
    Organiser,
    /// a receiving (Doumen) station, for a trip: it checks arrivals in and reads the manifest
    Receiving,
    None,
}

/// Who may create an event: a station (it organises it), the admin.
pub fn may_create_event(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Station)
}

/// Who runs an event — checks people in at the door or the coach, records arrivals (which can
/// begin a placement), reads the list of people with their phones and the trip's manifest:
/// the organising station, a receiving station for a trip, the admin.
pub fn may_run_event(role: Role, tie: EventTie) -> bool {
    match role {
        Role::Admin => true,
        Role::Station => tie != EventTie::None,
        _ => false,
    }
}

/// Who may sign a worker up for an event: the worker, their own station, the admin.
pub fn may_sign_up(role: Role, tie: WorkerTie) -> bool {
    match role {
        Role::Admin => true,
        Role::Worker => tie == WorkerTie::Itself,
        Role::Station => tie == WorkerTie::OwnStation,
        _ => false,
    }
}

/// Who may take a booth for an enterprise (and bring its vacancies): the enterprise itself
/// when verified, the admin.
pub fn may_take_booth(role: Role, own_employer: bool, employer: EmployerStatus) -> bool {
    match role {
        Role::Admin => true,
        Role::Employer => own_employer && employer_may(employer, EmployerAct::Recruit),
        _ => false,
    }
}

/// Who may read an event's figures (counts only, nobody named): stations, the admin, an
/// enterprise with a booth.
pub fn may_view_event_figures(role: Role, has_booth: bool) -> bool {
    match role {
        Role::Admin | Role::Station => true,
        Role::Employer => has_booth,
        _ => false,
    }
}

#[cfg(test)]
mod tests;

/// Whether an actor may see a county's assessment and the people behind it: the admin, and a
/// station of that county (`station_county`: the county the actor's station serves).
pub fn may_view_assessment(role: Role, station_county: Option<&str>, county: &str) -> bool {
    match role {
        Role::Admin => true,
        Role::Station => station_county == Some(county),
        _ => false,
    }
}
