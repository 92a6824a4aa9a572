//! The messages, each with a subject and text and HTML bodies from `templates/mail/`.

use askama::Template;

use crate::db::placements::{CaseRow, FollowUpRow};
use crate::service::search::VacancyMatch;

/// A rendered message.
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn render(subject: String, text: &impl Template, html: &impl Template) -> anyhow::Result<Rendered> {
    Ok(Rendered {
        subject,
        text: text.render()?,
        html: html.render()?,
    })
}

/// Data of the mail to an enterprise about an application or recommendation.
pub struct ApplicationMail {
    pub employer_name: String,
    pub vacancy_title: String,
    pub worker_name: String,
    pub worker_phone: String,
    pub worker_summary: String,
    pub source_label: String,
    pub station_name: Option<String>,
    pub link: String,
}

#[derive(Template)]
#[template(path = "mail/application.txt")]
struct ApplicationText<'a> {
    m: &'a ApplicationMail,
}

#[derive(Template)]
#[template(path = "mail/application.html")]
struct ApplicationHtml<'a> {
    m: &'a ApplicationMail,
}

impl ApplicationMail {
    pub fn render(&self) -> anyhow::Result<Rendered> {
        let subject = match &self.station_name {
            Some(_) => format!("【劳务协作】工作站推荐人选：{}", self.vacancy_title),
            None => format!("【劳务协作】新的求职申请：{}", self.vacancy_title),
        };
        render(
            subject,
            &ApplicationText { m: self },
            &ApplicationHtml { m: self },
        )
    }
}

/// Data of a station's daily digest of follow-ups.
pub struct DigestMail {
    pub station_name: String,
    /// the station the digest goes to (a row of another station's says who owns it)
    pub station_id: Option<i64>,
    pub date: String,
    pub due: Vec<FollowUpRow>,
    pub overdue: Vec<FollowUpRow>,
    pub link: String,
}

#[derive(Template)]
#[template(path = "mail/digest.txt")]
struct DigestText<'a> {
    m: &'a DigestMail,
}

#[derive(Template)]
#[template(path = "mail/digest.html")]
struct DigestHtml<'a> {
    m: &'a DigestMail,
}

impl DigestMail {
    pub fn render(&self) -> anyhow::Result<Rendered> {
        let subject = format!(
            "【跟踪服务提醒】{}：本周到期{}条，已逾期{}条",
            self.date,
            self.due.len(),
            self.overdue.len()
        );
        render(subject, &DigestText { m: self }, &DigestHtml { m: self })
    }
}

/// Data of the county bureau's daily digest of escalated follow-ups and cases.
pub struct BureauMail {
    pub date: String,
    pub follow_ups: Vec<FollowUpRow>,
    pub cases: Vec<CaseRow>,
    pub link: String,
}

#[derive(Template)]
#[template(path = "mail/bureau.txt")]
struct BureauText<'a> {
    m: &'a BureauMail,
}

#[derive(Template)]
#[template(path = "mail/bureau.html")]
struct BureauHtml<'a> {
    m: &'a BureauMail,
}

impl BureauMail {
    pub fn render(&self) -> anyhow::Result<Rendered> {
        let subject = format!(
            "【县局督办】{}：逾期回访{}条，久未处理的问题{}件",
            self.date,
            self.follow_ups.len(),
            self.cases.len()
        );
        render(subject, &BureauText { m: self }, &BureauHtml { m: self })
    }
}

/// Data of a worker's weekly list of new matches.
pub struct WeeklyMail {
    pub worker_name: String,
    pub items: Vec<VacancyMatch>,
    pub link: String,
}

#[derive(Template)]
#[template(path = "mail/weekly.txt")]
struct WeeklyText<'a> {
    m: &'a WeeklyMail,
}

#[derive(Template)]
#[template(path = "mail/weekly.html")]
struct WeeklyHtml<'a> {
    m: &'a WeeklyMail,
}

impl WeeklyMail {
    pub fn render(&self) -> anyhow::Result<Rendered> {
        let subject = format!("【劳务协作】本周为你推荐{}个岗位", self.items.len());
        render(subject, &WeeklyText { m: self }, &WeeklyHtml { m: self })
    }
}
