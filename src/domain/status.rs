//! The states of the platform's records, stored as their English text, shown by their Chinese
//! labels, and — for applications — with the moves allowed between them. Every comparison of a
//! state in the code goes through these enums; the labels live here and nowhere else.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Declares a state enum with its stored text and Chinese label.
macro_rules! states {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal / $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every state, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored text.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The Chinese label shown to people.
            pub const fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label),+
                }
            }

            /// Reads the stored text (or the label); `None` for anything else.
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| *v.as_str() == *s || *v.label() == *s)
            }

            /// The label of a stored text, or the text itself when unknown.
            pub fn label_of(s: &str) -> &str {
                match Self::parse(s) {
                    Some(v) => v.label(),
                    None => s,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
    };
}

states! {
    /// An application's state (worker × vacancy).
    ApplicationStatus {
        /// an enterprise invited the worker; waits for the worker's answer
        Invited = "invited" / "企业邀请，待本人确认",
        Applied = "applied" / "已投递",
        Interviewing = "interviewing" / "面试中",
        Offered = "offered" / "已发录用通知",
        Hired = "hired" / "已录用",
        Rejected = "rejected" / "未录用",
        Withdrawn = "withdrawn" / "已撤回",
    }
}

impl ApplicationStatus {
    /// Whether an application in this state may move to `to`.
    pub fn can_move_to(self, to: ApplicationStatus) -> bool {
        use ApplicationStatus::*;
        matches!(
            (self, to),
            (Invited, Applied | Withdrawn)
                | (
                    Applied,
                    Interviewing | Offered | Hired | Rejected | Withdrawn
                )
                | (Interviewing, Offered | Hired | Rejected | Withdrawn)
                | (Offered, Hired | Rejected | Withdrawn)
        )
    }

    /// Whether the application is finished.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Hired | Self::Rejected | Self::Withdrawn)
    }
}

states! {
    /// Whether a worker seeks work.
    WorkerStatus {
        Seeking = "seeking" / "求职中",
        Placed = "placed" / "已就业",
        Inactive = "inactive" / "暂不求职",
    }
}

states! {
    /// A vacancy's state (`expired` is derived from the expiry date, never stored).
    VacancyStatus {
        Open = "open" / "招聘中",
        Filled = "filled" / "已招满",
        Closed = "closed" / "已关闭",
        Expired = "expired" / "已过期",
    }
}

states! {
    /// A placement (a hire) from its start until the worker leaves.
    PlacementStatus {
        Active = "active" / "在岗",
        Left = "left" / "已离职",
    }
}

states! {
    /// A place on a course.
    EnrollmentStatus {
        /// the worker signed up; the trainer has not confirmed yet
        Pending = "pending" / "待确认",
        Enrolled = "enrolled" / "在读",
        Completed = "completed" / "已结业",
        Dropped = "dropped" / "已退学",
    }
}

impl EnrollmentStatus {
    /// Whether the worker still holds (or waits for) a seat.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Pending | Self::Enrolled)
    }
}

states! {
    /// An enterprise's standing with the platform.
    EmployerStatus {
        Pending = "pending" / "待审核",
        Verified = "verified" / "已审核",
        Rejected = "rejected" / "未通过",
        /// verified once, then stopped by the admin
        Suspended = "suspended" / "已暂停",
    }
}

impl EmployerStatus {
    /// Rejected and suspended enterprises may not log in, post, or hear of workers.
    pub fn is_barred(self) -> bool {
        matches!(self, Self::Rejected | Self::Suspended)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_reads_back_from_its_text_and_its_label() {
        for s in ApplicationStatus::ALL {
            assert_eq!(ApplicationStatus::parse(s.as_str()), Some(*s));
            assert_eq!(ApplicationStatus::parse(s.label()), Some(*s));
        }
        for s in EmployerStatus::ALL {
            assert_eq!(EmployerStatus::parse(s.as_str()), Some(*s));
        }
        assert_eq!(WorkerStatus::parse("nonsense"), None);
        assert_eq!(VacancyStatus::label_of("open"), "招聘中");
        assert_eq!(VacancyStatus::label_of("odd"), "odd");
    }

    #[test]
    fn application_moves_follow_the_funnel() {
        use ApplicationStatus::*;
        assert!(Invited.can_move_to(Applied));
        assert!(Invited.can_move_to(Withdrawn));
        assert!(!Invited.can_move_to(Hired));
        assert!(Applied.can_move_to(Hired));
        assert!(Offered.can_move_to(Hired));
        for done in [Hired, Rejected, Withdrawn] {
            for to in ApplicationStatus::ALL {
                assert!(!done.can_move_to(*to), "{done:?} → {to:?}");
            }
        }
        assert!(!Applied.can_move_to(Invited));
    }

    #[test]
    fn serde_uses_the_stored_text() {
        assert_eq!(
            serde_json::to_string(&ApplicationStatus::Interviewing).unwrap_or_default(),
            "\"interviewing\""
        );
        assert!(EmployerStatus::Suspended.is_barred());
        assert!(!EmployerStatus::Pending.is_barred());
    }
}

states! {
    /// A ledger import job: waiting for a worker, being imported (possibly resumed after a
    /// restart), finished, or stopped by an error.
    ImportJobStatus {
        Queued = "queued" / "排队中",
        Running = "running" / "正在导入",
        Done = "done" / "已完成",
        Failed = "failed" / "导入失败",
    }
}

states! {
    /// How far a late follow-up (or an open case without action) has climbed: the station
    /// head's list from 7 days, the county bureau's from 14.
    Escalation {
        Head = "head" / "站长督办",
        Bureau = "bureau" / "县局督办",
    }
}

/// Days late (overdue, or without action) at which an item reaches the station head.
pub const HEAD_AFTER_DAYS: i64 = 7;
/// Days late at which it is escalated to the county bureau (admin).
pub const BUREAU_AFTER_DAYS: i64 = 14;

impl Escalation {
    /// The level of an item `late` days late (`None` under 7 days).
    pub fn after(late: i64) -> Option<Self> {
        if late >= BUREAU_AFTER_DAYS {
            Some(Self::Bureau)
        } else if late >= HEAD_AFTER_DAYS {
            Some(Self::Head)
        } else {
            None
        }
    }

    /// What a list shows: `逾期10天·站长督办` (or `10天未处理·县局督办` for a case).
    pub fn tag(self, late: i64, case: bool) -> String {
        if case {
            format!("{late}天未处理·{}", self.label())
        } else {
            format!("逾期{late}天·{}", self.label())
        }
    }
}

#[cfg(test)]
mod escalation_tests {
    use super::Escalation;

    #[test]
    fn seven_days_reach_the_head_and_fourteen_the_bureau() {
        assert_eq!(Escalation::after(-2), None);
        assert_eq!(Escalation::after(6), None);
        assert_eq!(Escalation::after(7), Some(Escalation::Head));
        assert_eq!(Escalation::after(13), Some(Escalation::Head));
        assert_eq!(Escalation::after(14), Some(Escalation::Bureau));
        assert_eq!(Escalation::Head.tag(7, false), "逾期7天·站长督办");
        assert_eq!(Escalation::Bureau.tag(14, true), "14天未处理·县局督办");
    }
}

states! {
    /// What an audit entry records (the `action` column of `audit_log`).
    AuditAction {
        ViewWorker = "view_worker" / "查看人员档案",
        ListWorkers = "list_workers" / "查看人员名册",
        Export = "export" / "导出名单",
        ExportReport = "export_report" / "导出报表",
        ImportLedger = "import_ledger" / "导入台账",
        ImportStarted = "import_started" / "开始导入台账",
        CorrectWorker = "correct_worker" / "更正人员信息",
        AnonymiseWorker = "anonymise_worker" / "注销人员信息",
        SetOccupation = "set_occupation" / "设定职业",
        SetTargets = "set_targets" / "设定考评目标",
        ViewAssessmentPeople = "view_assessment_people" / "查看考评人员明细",
        ViewEventPeople = "view_event_people" / "查看活动人员名单",
        CreateEvent = "create_event" / "新建活动",
        EventCheckin = "event_checkin" / "活动签到",
        EmployerStatus = "employer_status" / "变更企业状态",
        RecordFoundJob = "record_found_job" / "登记自行就业",
        ResetCodeForWorker = "reset_code_for_worker" / "代发重置验证码",
        ListEscalations = "list_escalations" / "查看督办名单",
        SetHead = "set_head" / "设为站长",
        UnsetHead = "unset_head" / "取消站长",
        ListFoundReports = "list_found_reports" / "查看自报就业",
        ConfirmFoundReport = "confirm_found_report" / "确认自报就业",
        DeclineFoundReport = "decline_found_report" / "退回自报就业",
    }
}

states! {
    /// What an audit entry is about (the `subject_type` column of `audit_log`).
    AuditSubject {
        Worker = "worker" / "务工人员",
        Employer = "employer" / "企业",
        Placement = "placement" / "就业记录",
        Event = "event" / "活动",
        ImportJob = "import_job" / "台账导入",
        Report = "report" / "报表",
        Targets = "targets" / "考评目标",
        Workers = "workers" / "人员名单",
        Vacancies = "vacancies" / "岗位名单",
        Placements = "placements" / "就业名单",
        Case = "case" / "问题",
        User = "user" / "账号",
        FoundReport = "found_report" / "自报就业",
    }
}

states! {
    /// A problem a follow-up (or the worker) raises; it opens a case.
    ProblemKind {
        WageArrears = "wage_arrears" / "欠薪",
        Injury = "injury" / "工伤",
        Dispute = "dispute" / "劳动纠纷",
        Schooling = "schooling" / "子女入学",
        Housing = "housing" / "住宿",
        Other = "other" / "其他",
    }
}

states! {
    /// How a follow-up reached the worker.
    ContactMethod {
        Visit = "visit" / "上门",
        Phone = "phone" / "电话",
        Wechat = "wechat" / "微信",
    }
}

states! {
    /// A worker's own report of a job found without the platform (我已找到工作), until their
    /// station confirms it (a placement is recorded) or declines it with a reason.
    FoundReportStatus {
        Pending = "pending" / "等待工作站确认",
        Confirmed = "confirmed" / "工作站已确认",
        Declined = "declined" / "工作站未确认",
    }
}
