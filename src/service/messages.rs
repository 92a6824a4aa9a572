//! The text messages a worker receives (see [`crate::sms`]): each written in the caller's
//! transaction, short (≤ 70 characters where the names allow), to the worker's phone, unless
//! the worker turned messages off on `/me` — the reset code always goes.

use serde_json::json;

use crate::db::sms::{self, NewSms};
use crate::db::training::CourseRow;
use crate::state::AppState;

type Tx<'a, 'c> = &'a mut sqlx::Transaction<'c, sqlx::Any>;

fn short(s: &str, n: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        s.chars().take(n).collect::<String>() + "…"
    }
}

async fn to_worker(
    tx: Tx<'_, '_>,
    worker_id: i64,
    kind: &str,
    params: serde_json::Value,
    body: String,
) -> Result<bool, sqlx::Error> {
    let Some(phone) = sms::worker_phone(tx, worker_id, false).await? else {
        return Ok(false);
    };
    sms::enqueue(
        tx,
        &NewSms {
            kind,
            dedupe_key: None,
            phone: &phone,
            params: params.to_string(),
            body,
        },
    )
    .await
}

/// An enterprise invited the worker to apply.
pub async fn invitation(
    tx: Tx<'_, '_>,
    worker_id: i64,
    employer: &str,
    job: &str,
) -> Result<bool, sqlx::Error> {
    let (employer, job) = (short(employer, 16), short(job, 12));
    let body = format!("{employer}邀请您应聘“{job}”，请登录平台查看并答复。");
    to_worker(
        tx,
        worker_id,
        "invitation",
        json!({"employer": employer, "job": job}),
        body,
    )
    .await
}

/// The worker was hired: employer, first day, address and the station's phone.
pub async fn hire(
    tx: Tx<'_, '_>,
    worker_id: i64,
    station_id: Option<i64>,
    employer: &str,
    start_date: &str,
    address: &str,
) -> Result<bool, sqlx::Error> {
    let phone = sms::station_phone(tx, station_id).await?;
    let (employer, address) = (short(employer, 16), short(address, 20));
    let body = if phone.is_empty() {
        format!("恭喜录用！{employer}，{start_date}上岗，地址：{address}。")
    } else {
        format!("恭喜录用！{employer}，{start_date}上岗，地址：{address}。工作站电话{phone}")
    };
    to_worker(
        tx,
        worker_id,
        "hire",
        json!({"employer": employer, "date": start_date, "address": address, "phone": phone}),
        body,
    )
    .await
}

/// A place on a course is confirmed.
pub async fn course_confirmed(
    tx: Tx<'_, '_>,
    worker_id: i64,
    course: &CourseRow,
) -> Result<bool, sqlx::Error> {
    let title = short(&course.title, 16);
    let body = format!(
        "您报名的“{title}”已确认，{}开课，请按时参加。",
        course.start_date
    );
    to_worker(
        tx,
        worker_id,
        "course_confirmed",
        json!({"course": title, "date": course.start_date}),
        body,
    )
    .await
}

/// An event sign-up (`event_signup`) or its reminder the day before (`event_reminder`), once
/// per key.
pub async fn event_notice(
    tx: Tx<'_, '_>,
    worker_id: i64,
    kind: &str,
    key: String,
    title: &str,
    when: &str,
    place: &str,
) -> Result<bool, sqlx::Error> {
    let Some(phone) = sms::worker_phone(tx, worker_id, false).await? else {
        return Ok(false);
    };
    let (title, place) = (short(title, 16), short(place, 16));
    let body = if kind == "event_reminder" {
        format!("提醒：“{title}”明天{when}在{place}开始，请带身份证准时到场。")
    } else {
        format!("报名成功：“{title}”，{when}，{place}。请带身份证准时到场。")
    };
    sms::enqueue(
        tx,
        &NewSms {
            kind,
            dedupe_key: Some(key),
            phone: &phone,
            params: json!({"title": title, "time": when, "place": place}).to_string(),
            body,
        },
    )
    .await
}

/// A problem the worker reported reached their station.
pub async fn problem_reported(
    tx: Tx<'_, '_>,
    worker_id: i64,
    station_id: Option<i64>,
    problem: &str,
) -> Result<bool, sqlx::Error> {
    let phone = sms::station_phone(tx, station_id).await?;
    let body = format!("您反映的“{problem}”已转给工作站（电话{phone}），我们会尽快联系您。");
    to_worker(
        tx,
        worker_id,
        "problem_reported",
        json!({"problem": problem, "phone": phone}),
        body,
    )
    .await
}

/// A password-reset code (always sent, whatever the worker's choice).
pub async fn reset_code(tx: Tx<'_, '_>, phone: &str, code: &str) -> Result<bool, sqlx::Error> {
    sms::enqueue(
        tx,
        &NewSms {
            kind: "reset_code",
            dedupe_key: None,
            phone,
            params: json!({"code": code}).to_string(),
            body: format!("验证码{code}，10分钟内有效，用于重设密码。请勿告诉任何人。"),
        },
    )
    .await
}

/// Whether the worker receives messages besides the reset code.
pub async fn enabled(
    state: &AppState,
    actor: &crate::auth::CurrentUser,
) -> crate::error::AppResult<bool> {
    let id = actor.worker_id.ok_or(crate::error::AppError::Forbidden)?;
    Ok(!sms::sms_off(&state.db, id).await?)
}

/// The worker turns messages (all but the reset code) on or off.
pub async fn set_enabled(
    state: &AppState,
    actor: &crate::auth::CurrentUser,
    on: bool,
) -> crate::error::AppResult<()> {
    actor.require(&[crate::auth::Role::Worker])?;
    let id = actor.worker_id.ok_or(crate::error::AppError::Forbidden)?;
    sms::set_sms_off(&state.db, id, !on).await?;
    Ok(())
}

/// Scheduled messages (none yet besides those written with their event).
pub async fn schedule(_state: &AppState) -> anyhow::Result<()> {
    Ok(())
}
