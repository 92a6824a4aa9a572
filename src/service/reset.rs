//! Getting back in: a 6-digit code by SMS to the phone of the login (valid 10 minutes, 5
//! tries, one per 60 s and 10 a day per phone), asked by the worker or by a station in person
//! (the code still goes to the worker's phone; the officer never sees a password); and a
//! one-time link by e-mail for enterprises and officers (30 minutes). Every answer is the same
//! whether or not the phone or address is registered; a new password ends every session and
//! API token of the user.

use anyhow::Context;
use rand::Rng;
use time::OffsetDateTime;

use crate::auth::{CurrentUser, Role, password};
use crate::db::outbox::{self, NewMail};
use crate::db::{reset, users, workers};
use crate::domain::{Email, MobilePhone, fmt_instant};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::service::policy;
use crate::state::AppState;

/// How long a code lives.
pub const CODE_MINUTES: i64 = 10;
/// Wrong tries that end a code.
pub const CODE_TRIES: i64 = 5;
/// Codes per phone: one per minute, five an hour, ten a day.
pub const CODES_PER_MINUTE: i64 = 1;
pub const CODES_PER_HOUR: i64 = 5;
pub const CODES_PER_DAY: i64 = 10;
/// How long an e-mail link lives.
pub const LINK_MINUTES: i64 = 30;
/// Links per login and hour.
pub const LINKS_PER_HOUR: i64 = 5;

fn instant(offset: time::Duration) -> String {
    fmt_instant(OffsetDateTime::now_utc() + offset)
}

fn phone_field(raw: &str) -> AppResult<String> {
    MobilePhone::parse(raw)
        .map(|p| p.as_str().to_owned())
        .map_err(|m| AppError::invalid("phone", m))
}

/// Sends a code to `phone` when a login has that number; the same answer (and the same
/// limits counted) when none has. `ip`: the client address, limited to
/// [`crate::auth::throttle::RESETS_PER_HOUR`] requests an hour.
pub async fn request_code(state: &AppState, ip: &str, phone_raw: &str) -> AppResult<()> {
    state.throttle.check_reset(ip)?;
    let phone = phone_field(phone_raw)?;
    let user = users::by_phone(&state.db, &phone)
        .await?
        .filter(|u| u.active);
    issue_code(state, &phone, user, None).await
}

/// Writes a code for `user` (none: an unknown phone, counted the same) and its SMS, once the
/// phone's limits allow it: the slot is taken by one guarded update in the same transaction,
/// so ten requests at once send one code.
async fn issue_code(
    state: &AppState,
    phone: &str,
    user: Option<users::UserRow>,
    by_station: Option<i64>,
) -> AppResult<()> {
    let phone = phone.to_owned();
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000u32));
    let now = instant(time::Duration::ZERO);
    let (minute_ago, hour_ago, day_ago) = (
        instant(time::Duration::seconds(-60)),
        instant(time::Duration::hours(-1)),
        instant(time::Duration::days(-1)),
    );
    let mut tx = state.db.begin().await?;
    // a station's in-person request has a budget of its own, so that strangers asking codes
    // for the worker's phone cannot use it up
    let limits_key = match by_station {
        Some(_) => format!("{STATION_LIMITS}{phone}"),
        None => phone.clone(),
    };
    let slot = reset::take_slot(
        &mut tx,
        &limits_key,
        &reset::Limits {
            now: &now,
            minute_ago: &minute_ago,
            hour_ago: &hour_ago,
            day_ago: &day_ago,
            per_hour: CODES_PER_HOUR,
            per_day: CODES_PER_DAY,
        },
    )
    .await
    .context("taking a reset-code slot")?;
    let wait = match slot {
        reset::Slot::Taken => None,
        reset::Slot::Minute => Some(60),
        reset::Slot::Hour => Some(3600),
        reset::Slot::Day => Some(86_400),
    };
    if let Some(retry_after_secs) = wait {
        drop(tx);
        tracing::info!(
            ?slot,
            by_station,
            "reset code refused by the phone's limits"
        );
        return Err(AppError::TooManyRequests { retry_after_secs });
    }
    reset::insert_code(
        &mut tx,
        &phone,
        user.as_ref().map(|u| u.id),
        &reset::hash(&phone, &code),
        &now,
        &instant(time::Duration::minutes(CODE_MINUTES)),
        by_station,
    )
    .await
    .context("writing a reset code")?;
    if user.is_some() {
        crate::service::messages::reset_code(&mut tx, &phone, &code).await?;
    }
    tx.commit().await.context("committing a reset code")?;
    state.sms.nudge();
    tracing::info!(known = user.is_some(), by_station, "reset code asked");
    Ok(())
}

/// The prefix of a phone's limits row for codes asked in person by a station.
pub const STATION_LIMITS: &str = "station:";

/// A station asks a code for one of its workers, in person: it goes to the worker's phone.
pub async fn request_code_for_worker(
    state: &AppState,
    actor: &CurrentUser,
    worker_id: i64,
) -> AppResult<()> {
    actor.require(&[Role::Station, Role::Admin])?;
    let worker = workers::get(&state.db, worker_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let tie = crate::service::workers::tie(state, actor, &worker).await?;
    if !policy::may_manage_worker(actor.role, tie) {
        return Err(AppError::Forbidden);
    }
    // the code resets this worker's own login only — never whichever login shares the phone
    let Some(login) = users::of_worker(&state.db, worker_id)
        .await?
        .filter(|u| u.active)
    else {
        return Err(AppError::invalid(
            "worker_id",
            "该务工人员还没有登录账号，不需要重设密码",
        ));
    };
    // to the login's own phone: the record's phone may have been changed by the station
    let Some(login_phone) = login.phone.as_deref().filter(|p| !p.is_empty()) else {
        return Err(AppError::invalid(
            "worker_id",
            "该务工人员的登录账号没有手机号，请让本人用邮箱找回密码",
        ));
    };
    let phone = phone_field(login_phone)?;
    issue_code(state, &phone, Some(login), actor.station_id).await?;
    crate::db::audit::record(
        &state.db,
        actor.by(),
        "reset_code_for_worker",
        "worker",
        Some(worker_id),
        "",
    )
    .await?;
    Ok(())
}

fn new_password_field(e: &mut FieldErrors, pw: &str, login: &str) {
    if let Err(m) = password::check_strength(pw, login) {
        e.add("password", m);
    }
}

/// A new password with the code: 5 wrong codes end it.
pub async fn reset_with_code(
    state: &AppState,
    ip: &str,
    phone_raw: &str,
    code: &str,
    new_password: &str,
) -> AppResult<()> {
    // guesses count against the address's reset budget too, so that one address cannot end
    // other people's codes with wrong guesses at will
    state.throttle.check_reset(ip)?;
    let mut e = FieldErrors::new();
    let phone = e.take(
        "phone",
        MobilePhone::parse(phone_raw).map_err(str::to_owned),
    );
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        e.add("code", "验证码应为6位数字");
    }
    let phone = phone.map(|p| p.as_str().to_owned()).unwrap_or_default();
    new_password_field(&mut e, new_password, &phone);
    e.check()?;
    let wrong = || AppError::invalid("code", "验证码不正确或已失效，请重新获取");
    let now = instant(time::Duration::ZERO);
    let Some(live) = reset::live_code(&state.db, &phone, &now).await? else {
        return Err(wrong());
    };
    let matches = reset::hash(&phone, code) == live.code_hash;
    let Some(user_id) = live.user_id.filter(|_| matches) else {
        reset::wrong_try(&state.db, live.id, CODE_TRIES, &now).await?;
        return Err(wrong());
    };
    let hash = password::hash(new_password).await?;
    let mut tx = state.db.begin().await?;
    if !reset::use_code(&mut tx, live.id, &now).await? {
        return Err(wrong());
    }
    users::set_password_and_revoke(&mut tx, user_id, &hash).await?;
    reset::end_outstanding(&mut tx, user_id, &now).await?;
    tx.commit().await?;
    // cached token answers of this node are void now
    users::changed();
    tracing::info!(user.id = user_id, "password reset by phone");
    Ok(())
}

/// Mails a one-time link to an enterprise's or officer's login address; the same answer for
/// an address nobody has.
pub async fn request_link(state: &AppState, ip: &str, email_raw: &str) -> AppResult<()> {
    state.throttle.check_reset(ip)?;
    let email = Email::parse(email_raw).map_err(|m| AppError::invalid("email", m))?;
    let Some(user) = users::find_by_login(&state.db, email.as_str())
        .await?
        .filter(|u| u.active && u.email.is_some())
    else {
        return Ok(());
    };
    let hour_ago = instant(time::Duration::hours(-1));
    if reset::links_since(&state.db, user.id, &hour_ago).await? >= LINKS_PER_HOUR {
        // quietly: a refusal here would tell that the address is registered
        return Ok(());
    }
    let mut raw = [0u8; 24];
    rand::rng().fill(&mut raw);
    let token = hex::encode(raw);
    let link = format!("{}/reset/mail/{token}", state.config.base_url);
    let text = format!(
        "{}：\n\n有人（希望是您本人）申请重设斗门·湄潭劳务协作平台的登录密码。请在{LINK_MINUTES}分钟内打开下面的链接设置新密码（只能使用一次）：\n\n{link}\n\n如果不是您本人操作，请忽略本邮件，您的密码不会改变。\n",
        user.display_name
    );
    let html = format!(
        "<p>{}：</p><p>请在{LINK_MINUTES}分钟内打开下面的链接设置新密码（只能使用一次）：</p><p><a href=\"{link}\">{link}</a></p><p>如果不是您本人操作，请忽略本邮件。</p>",
        askama::filters::escape(&user.display_name, askama::filters::Html)
            .map(|s| s.to_string())
            .unwrap_or_default()
    );
    let mut tx = state.db.begin().await?;
    reset::insert_link(
        &mut tx,
        user.id,
        &reset::hash("link", &token),
        &instant(time::Duration::ZERO),
        &instant(time::Duration::minutes(LINK_MINUTES)),
    )
    .await?;
    outbox::enqueue(
        &mut tx,
        &NewMail {
            kind: "reset_link",
            dedupe_key: None,
            recipient: email.as_str(),
            subject: "重设密码".into(),
            body_text: text,
            body_html: html,
        },
    )
    .await?;
    tx.commit().await?;
    state.mail.nudge();
    Ok(())
}

/// A new password with an e-mail link (one use, 30 minutes).
pub async fn reset_with_link(state: &AppState, token: &str, new_password: &str) -> AppResult<()> {
    let token_hash = reset::hash("link", token.trim());
    // the new password is checked against the login it is for (not the login itself, …)
    let login =
        match reset::link_owner(&state.db, &token_hash, &instant(time::Duration::ZERO)).await? {
            Some(owner) => users::get(&state.db, owner)
                .await?
                .and_then(|u| u.email.or(u.phone))
                .unwrap_or_default(),
            None => String::new(),
        };
    let mut e = FieldErrors::new();
    new_password_field(&mut e, new_password, &login);
    e.check()?;
    let hash = password::hash(new_password).await?;
    let mut tx = state.db.begin().await?;
    let Some(user_id) =
        reset::use_link(&mut tx, &token_hash, &instant(time::Duration::ZERO)).await?
    else {
        return Err(AppError::invalid(
            "token",
            "链接已失效（超过30分钟或已使用），请重新申请",
        ));
    };
    users::set_password_and_revoke(&mut tx, user_id, &hash).await?;
    // the other links (and codes) of this login end with this one
    reset::end_outstanding(&mut tx, user_id, &instant(time::Duration::ZERO))
        .await
        .context("ending the other reset links")?;
    tx.commit().await?;
    // cached token answers of this node are void now
    users::changed();
    tracing::info!(user.id = user_id, "password reset by e-mail link");
    Ok(())
}

/// Whether a link can still be used.
pub async fn link_live(state: &AppState, token: &str) -> AppResult<bool> {
    Ok(reset::link_live(
        &state.db,
        &reset::hash("link", token.trim()),
        &instant(time::Duration::ZERO),
    )
    .await?)
}
