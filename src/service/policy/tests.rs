//! The policy as tables: actor relation × object state → allowed. Each table lists every
//! combination that is allowed; everything else must be refused.

use super::*;
use crate::domain::status::ApplicationStatus as A;

const ROLES: [Role; 5] = [
    Role::Admin,
    Role::Station,
    Role::Employer,
    Role::Trainer,
    Role::Worker,
];
const TIES: [WorkerTie; 7] = [
    WorkerTie::Itself,
    WorkerTie::OwnStation,
    WorkerTie::PlacedInDistrict,
    WorkerTie::Applicant,
    WorkerTie::Invitee,
    WorkerTie::Trainee,
    WorkerTie::None,
];

fn actor(role: Role) -> CurrentUser {
    CurrentUser {
        id: 1,
        role,
        display_name: String::new(),
        login: String::new(),
        station_id: (role == Role::Station).then_some(10),
        employer_id: (role == Role::Employer).then_some(20),
        provider_id: (role == Role::Trainer).then_some(30),
        worker_id: (role == Role::Worker).then_some(40),
        ip: String::new(),
    }
}

#[test]
fn worker_table() {
    use Access::*;
    for role in ROLES {
        for tie in TIES {
            let expected = match (role, tie) {
                (Role::Admin, _) => Full,
                (Role::Worker, WorkerTie::Itself) | (Role::Station, WorkerTie::OwnStation) => Full,
                (Role::Station, WorkerTie::PlacedInDistrict)
                | (Role::Employer, WorkerTie::Applicant)
                | (Role::Trainer, WorkerTie::Trainee) => Contact,
                (Role::Employer, WorkerTie::Invitee) => Masked,
                _ => None,
            };
            assert_eq!(worker_access(role, tie), expected, "{role:?} × {tie:?}");
            assert_eq!(
                may_manage_worker(role, tie),
                expected == Full,
                "manage {role:?} × {tie:?}"
            );
        }
    }
    // the unassigned worker: no tie for any station, so only the admin
    assert_eq!(worker_access(Role::Station, WorkerTie::None), Access::None);
}

#[test]
fn found_job_table() {
    for role in ROLES {
        for tie in TIES {
            let allowed =
                role == Role::Admin || (role == Role::Station && tie == WorkerTie::OwnStation);
            assert_eq!(may_record_found_job(role, tie), allowed, "{role:?} {tie:?}");
        }
    }
}

#[test]
fn found_report_table() {
    for role in ROLES {
        for tie in TIES {
            let report = role == Role::Worker && tie == WorkerTie::Itself;
            assert_eq!(
                may_report_found_job(role, tie),
                report,
                "report {role:?} {tie:?}"
            );
            let decide =
                role == Role::Admin || (role == Role::Station && tie == WorkerTie::OwnStation);
            assert_eq!(
                may_decide_found_report(role, tie),
                decide,
                "decide {role:?} {tie:?}"
            );
        }
    }
    // the worker never confirms their own report; a receiving station never decides one
    assert!(!may_decide_found_report(Role::Worker, WorkerTie::Itself));
    assert!(!may_decide_found_report(
        Role::Station,
        WorkerTie::PlacedInDistrict
    ));
}

#[test]
fn follow_up_and_placement_table() {
    for role in ROLES {
        for tie in TIES {
            for owns in [false, true] {
                let follow = match role {
                    Role::Admin => true,
                    Role::Station => {
                        owns || matches!(tie, WorkerTie::OwnStation | WorkerTie::PlacedInDistrict)
                    }
                    _ => false,
                };
                assert_eq!(
                    may_follow(role, tie, owns),
                    follow,
                    "{role:?} {tie:?} {owns}"
                );
                for own_employer in [false, true] {
                    let dates_only = (role == Role::Employer && own_employer)
                        || (role == Role::Worker && tie == WorkerTie::Itself);
                    let expected = if dates_only {
                        PlacementAccess::DatesOnly
                    } else if follow {
                        PlacementAccess::Full
                    } else {
                        PlacementAccess::None
                    };
                    assert_eq!(
                        placement_access(role, tie, owns, own_employer),
                        expected,
                        "{role:?} {tie:?} owns={owns} own_employer={own_employer}"
                    );
                }
            }
        }
    }
    // the enterprise never reads follow-up content or cases, whatever else holds
    assert_ne!(
        placement_access(Role::Employer, WorkerTie::Applicant, true, true),
        PlacementAccess::Full
    );
}

#[test]
fn application_table() {
    for role in ROLES {
        for tie in TIES {
            for own_vacancy in [false, true] {
                for recommended_by_actor in [false, true] {
                    for status in A::ALL {
                        let f = ApplicationFacts {
                            tie,
                            own_vacancy,
                            recommended_by_actor,
                            status: *status,
                        };
                        let view = match role {
                            Role::Admin => true,
                            Role::Worker => tie == WorkerTie::Itself,
                            Role::Employer => own_vacancy,
                            Role::Station => recommended_by_actor || tie == WorkerTie::OwnStation,
                            Role::Trainer => false,
                        };
                        assert_eq!(may_view_application(role, &f), view, "{role:?} {f:?}");
                        for to in A::ALL {
                            let moved = may_move_application(role, &f, *to);
                            if moved && role != Role::Admin {
                                assert!(view, "may move what it cannot see: {role:?} {f:?}");
                            }
                            if role == Role::Employer {
                                assert_eq!(
                                    moved,
                                    own_vacancy
                                        && *status != A::Invited
                                        && !matches!(to, A::Withdrawn | A::Applied),
                                    "{f:?} → {to:?}"
                                );
                            }
                            if role == Role::Worker && moved {
                                assert!(matches!(to, A::Applied | A::Withdrawn));
                            }
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn apply_table() {
    use EmployerStatus as E;
    for role in ROLES {
        for tie in TIES {
            for own in [false, true] {
                for status in E::ALL {
                    for matched in [false, true] {
                        let expected = match role {
                            Role::Worker if tie == WorkerTie::Itself => Some(ApplyAs::Worker),
                            Role::Station if tie == WorkerTie::OwnStation => Some(ApplyAs::Station),
                            Role::Admin => Some(ApplyAs::Admin),
                            Role::Employer if own && *status == E::Verified && matched => {
                                Some(ApplyAs::Invitation)
                            }
                            _ => None,
                        };
                        assert_eq!(
                            may_apply(role, tie, own, *status, matched),
                            expected,
                            "{role:?} {tie:?} own={own} {status:?} matched={matched}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn enrolment_table() {
    let enrol_ties = [EnrolTie::SignedUp, EnrolTie::SentByStation, EnrolTie::None];
    for role in ROLES {
        for tie in TIES {
            for own_course in [false, true] {
                for e in enrol_ties {
                    let expected = match role {
                        Role::Admin => true,
                        Role::Worker => tie == WorkerTie::Itself,
                        Role::Station => tie == WorkerTie::OwnStation,
                        Role::Trainer => own_course && e != EnrolTie::None,
                        Role::Employer => false,
                    };
                    assert_eq!(
                        may_enrol(role, tie, own_course, e),
                        expected,
                        "{role:?} {tie:?} {own_course} {e:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn course_and_certificate_table() {
    for role in ROLES {
        let a = actor(role);
        assert_eq!(
            may_manage_course(&a, 30),
            matches!(role, Role::Admin | Role::Trainer),
            "{role:?}"
        );
        assert_eq!(
            may_manage_course(&a, 31),
            role == Role::Admin,
            "{role:?} other provider"
        );
        for tie in TIES {
            let expected =
                role == Role::Admin || (role == Role::Station && tie == WorkerTie::OwnStation);
            assert_eq!(
                may_enter_certificate(role, tie),
                expected,
                "{role:?} {tie:?}"
            );
        }
    }
}

#[test]
fn employer_and_vacancy_table() {
    use EmployerStatus as E;
    for s in E::ALL {
        assert_eq!(
            employer_may(*s, EmployerAct::LogIn),
            matches!(s, E::Pending | E::Verified)
        );
        assert_eq!(employer_may(*s, EmployerAct::Recruit), *s == E::Verified);
        assert_eq!(vacancy_public(true, *s), *s == E::Verified);
        assert!(!vacancy_public(false, *s));
        for role in ROLES {
            let a = actor(role);
            assert_eq!(
                may_manage_vacancy(&a, 20, *s),
                role == Role::Admin || (role == Role::Employer && *s == E::Verified),
                "{role:?} {s:?}"
            );
            assert_eq!(may_manage_vacancy(&a, 21, *s), role == Role::Admin);
        }
    }
    for role in ROLES {
        let a = actor(role);
        assert_eq!(
            may_view_employer(&a, 20),
            matches!(role, Role::Admin | Role::Employer)
        );
        assert_eq!(may_view_employer(&a, 21), role == Role::Admin);
    }
}

#[test]
fn import_row_table() {
    use ImportRow::*;
    let me = Some(10);
    type Case = (Option<i64>, Option<Option<i64>>, Option<i64>, ImportRow);
    let rows: [Case; 9] = [
        (me, None, None, Create),
        (me, Some(Some(10)), None, Update),
        (me, Some(Some(11)), Some(10), Refuse),
        (me, Some(None), Some(10), Update),
        (me, Some(None), Some(11), Refuse),
        (me, Some(None), None, Refuse),
        (None, None, None, Create),
        (None, Some(Some(11)), None, Update),
        (None, Some(None), None, Update),
    ];
    for (importer, existing, sending, expected) in rows {
        assert_eq!(
            import_row(importer, existing, sending),
            expected,
            "{importer:?} {existing:?} {sending:?}"
        );
    }
}

#[test]
fn export_table() {
    for role in ROLES {
        let expected = match role {
            Role::Admin => Some(ExportScope::Everyone),
            Role::Station => Some(ExportScope::Station(10)),
            _ => None,
        };
        assert_eq!(export_scope(&actor(role)), expected, "{role:?}");
    }
}

#[test]
fn monthly_report_table() {
    // (role, station side, station county) → scope
    let county = |c: &str| Some(ReportScope::County(c.to_owned()));
    type Row<'a> = (Role, Option<&'a str>, Option<&'a str>, Option<ReportScope>);
    let rows: &[Row] = &[
        (Role::Admin, None, None, Some(ReportScope::Everyone)),
        (
            Role::Station,
            Some("sending"),
            Some("520328"),
            county("520328"),
        ),
        (
            Role::Station,
            Some("sending"),
            Some("533323"),
            county("533323"),
        ),
        (Role::Station, Some("sending"), None, None),
        (Role::Station, Some("sending"), Some("52'; --"), None),
        (
            Role::Station,
            Some("receiving"),
            Some("440403"),
            Some(ReportScope::Everyone),
        ),
        (Role::Station, None, None, None),
        (Role::Employer, None, None, None),
        (Role::Trainer, None, None, None),
        (Role::Worker, None, None, None),
    ];
    for (role, side, c, expected) in rows {
        assert_eq!(
            &report_scope(*role, *side, *c),
            expected,
            "{role:?} {side:?} {c:?}"
        );
    }
}

#[test]
fn import_job_table() {
    // (role, job of its own station, job of another station, the admin's own job)
    for role in ROLES {
        let a = actor(role);
        let expected = match role {
            Role::Admin => (true, true, true),
            Role::Station => (true, false, false),
            _ => (false, false, false),
        };
        let got = (
            may_view_import_job(&a, Some(10)),
            may_view_import_job(&a, Some(11)),
            may_view_import_job(&a, None),
        );
        assert_eq!(got, expected, "{role:?}");
    }
    // a station login without a station sees no job, not even one without a station
    let mut orphan = actor(Role::Station);
    orphan.station_id = None;
    assert!(!may_view_import_job(&orphan, None));
    assert!(!may_view_import_job(&orphan, Some(10)));
}

#[test]
fn event_tables() {
    use crate::domain::status::EmployerStatus as E;
    const EVENT_TIES: [EventTie; 3] = [EventTie::Organiser, EventTie::Receiving, EventTie::None];
    const STANDINGS: [E; 4] = [E::Pending, E::Verified, E::Rejected, E::Suspended];
    for role in ROLES {
        assert_eq!(
            may_create_event(role),
            matches!(role, Role::Admin | Role::Station),
            "create {role:?}"
        );
        for tie in EVENT_TIES {
            let expected = match role {
                Role::Admin => true,
                Role::Station => tie != EventTie::None,
                _ => false,
            };
            assert_eq!(may_run_event(role, tie), expected, "run {role:?} {tie:?}");
        }
        for tie in TIES {
            let expected = matches!(
                (role, tie),
                (Role::Admin, _)
                    | (Role::Worker, WorkerTie::Itself)
                    | (Role::Station, WorkerTie::OwnStation)
            );
            assert_eq!(may_sign_up(role, tie), expected, "sign up {role:?} {tie:?}");
        }
        for own in [false, true] {
            for standing in STANDINGS {
                let expected = match role {
                    Role::Admin => true,
                    Role::Employer => own && standing == E::Verified,
                    _ => false,
                };
                assert_eq!(
                    may_take_booth(role, own, standing),
                    expected,
                    "booth {role:?} own={own} {standing:?}"
                );
            }
            let expected = match role {
                Role::Admin | Role::Station => true,
                Role::Employer => own,
                _ => false,
            };
            assert_eq!(
                may_view_event_figures(role, own),
                expected,
                "figures {role:?} booth={own}"
            );
        }
    }
}

#[test]
fn assessment_table() {
    // (role, station's county) × county asked → allowed
    for role in ROLES {
        for station in [Some("520328"), Some("533323"), Some("440403"), None] {
            for county in ["520328", "533323"] {
                let expected =
                    role == Role::Admin || (role == Role::Station && station == Some(county));
                assert_eq!(
                    may_view_assessment(role, station, county),
                    expected,
                    "{role:?} {station:?} {county}"
                );
            }
        }
    }
}

#[test]
fn escalation_table() {
    use EscalationList::*;
    for role in ROLES {
        for head in [false, true] {
            for list in [Head, Bureau] {
                let expected = matches!(
                    (role, head, list),
                    (Role::Admin, _, _) | (Role::Station, true, _) | (Role::Station, false, Bureau)
                );
                assert_eq!(
                    may_view_escalations(role, head, list),
                    expected,
                    "{role:?} head={head} {list:?}"
                );
            }
        }
        assert_eq!(may_mark_head(role), role == Role::Admin, "{role:?}");
    }
}
