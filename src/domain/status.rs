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
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The Chinese label shown to people.
            pub fn label(self) -> &'static str {
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
    /// A worker's own report of a job found without the platform (我已找到工作), until their
    /// station confirms it (a placement is recorded) or declines it with a reason.
    FoundReportStatus {
        Pending = "pending" / "等待工作站确认",
        Confirmed = "confirmed" / "工作站已确认",
        Declined = "declined" / "工作站未确认",
    }
}
