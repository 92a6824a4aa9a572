//! The five roles of DESIGN.md, with their Chinese names and home pages.

use serde::Serialize;

/// The five roles of DESIGN.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Station,
    Employer,
    Trainer,
    Worker,
}

impl Role {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "admin" => Some(Role::Admin),
            "station" => Some(Role::Station),
            "employer" => Some(Role::Employer),
            "trainer" => Some(Role::Trainer),
            "worker" => Some(Role::Worker),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Station => "station",
            Role::Employer => "employer",
            Role::Trainer => "trainer",
            Role::Worker => "worker",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "管理员",
            Role::Station => "劳务工作站",
            Role::Employer => "用人单位",
            Role::Trainer => "培训机构",
            Role::Worker => "务工人员",
        }
    }

    /// The landing page after login.
    pub fn home(self) -> &'static str {
        match self {
            Role::Admin => "/admin",
            Role::Station => "/station",
            Role::Employer => "/employer",
            Role::Trainer => "/trainer",
            Role::Worker => "/me",
        }
    }
}
