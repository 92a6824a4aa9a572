//! Races (issue #12): requests that compete for the same last place, worker, seat or state,
//! fired together by tasks released at once by a barrier. Exactly one wins, the others get 409
//! (or 422 "full"), and the counts in the database hold. Each race runs several rounds, so a
//! lost race is likely on every run; run on SQLite and on PostgreSQL (`DATABASE_URL`).

use std::sync::Arc;

use laowu::domain::today;
use laowu::domain::values::fmt_date;
use reqwest::{RequestBuilder, StatusCode};
use serde_json::{Value, json};
use tokio::sync::Barrier;

use crate::helpers::{TestApp, id_number, spawn_app, vacancy_body};

/// Rounds of each race.
const ROUNDS: u32 = 5;

/// Sends every request at once: one task each, all released by one barrier.
async fn fire(requests: Vec<RequestBuilder>) -> Vec<StatusCode> {
    let barrier = Arc::new(Barrier::new(requests.len()));
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|r| {
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                r.send().await.expect("request").status()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.expect("task"));
    }
    statuses
}

fn post(app: &TestApp, token: &str, path: &str, body: &Value) -> RequestBuilder {
    app.api.post(app.url(path)).bearer_auth(token).json(body)
}

/// How many answered `ok`, and whether every other one is a conflict (or, with `full_ok`,
/// a 422 "full").
fn winners(statuses: &[StatusCode], ok: StatusCode, full_ok: bool) -> usize {
    for s in statuses {
        assert!(
            *s == ok
                || *s == StatusCode::CONFLICT
                || (full_ok && *s == StatusCode::UNPROCESSABLE_ENTITY),
            "unexpected answer {s} in {statuses:?}"
        );
    }
    statuses.iter().filter(|s| **s == ok).count()
}

async fn count(app: &TestApp, sql: String) -> i64 {
    app.count(&sql).await
}

struct World {
    admin: String,
    station: String,
    hr: String,
}

async fn world(app: &TestApp) -> World {
    let admin = app.admin().await;
    let (_, station) = app
        .station(&admin, "湄潭县驻斗门工作站", "station@mt.test")
        .await;
    let (_, hr) = app.verified_employer(&admin, 42).await;
    World { admin, station, hr }
}

async fn vacancy(app: &TestApp, w: &World, headcount: i64) -> i64 {
    let mut v = vacancy_body("电子厂普工");
    v["headcount"] = json!(headcount);
    let r = app.post("/api/v1/vacancies", Some(&w.hr), &v).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// A worker registered by the station (no login); `n` makes the 身份证 number and phone unique.
async fn worker(app: &TestApp, w: &World, n: u32) -> i64 {
    app.station_worker(
        &w.station,
        &id_number("19910101", n),
        &format!("1360{n:07}"),
        false,
    )
    .await
}

/// The station recommends the worker for the vacancy; returns the application's id.
async fn recommend(app: &TestApp, w: &World, worker_id: i64, vacancy_id: i64) -> i64 {
    let r = app
        .post(
            "/api/v1/applications",
            Some(&w.station),
            &json!({"worker_id": worker_id, "vacancy_id": vacancy_id}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

fn hire_body() -> Value {
    json!({"to": "hired", "start_date": fmt_date(today()), "wage": 5200})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_hires_into_the_last_place_fill_it_once() {
    let app = spawn_app().await;
    let w = world(&app).await;
    for round in 0..ROUNDS {
        let vacancy_id = vacancy(&app, &w, 1).await;
        let mut apps = Vec::new();
        let mut workers = Vec::new();
        for i in 0..8 {
            let worker_id = worker(&app, &w, round * 10 + i).await;
            workers.push(worker_id.to_string());
            apps.push(recommend(&app, &w, worker_id, vacancy_id).await);
        }
        let requests = apps
            .iter()
            .map(|id| {
                post(
                    &app,
                    &w.hr,
                    &format!("/api/v1/applications/{id}/transition"),
                    &hire_body(),
                )
            })
            .collect();
        let statuses = fire(requests).await;
        assert_eq!(
            winners(&statuses, StatusCode::OK, true),
            1,
            "round {round}: {statuses:?}"
        );
        let placements = count(
            &app,
            format!("select count(*) from placements where vacancy_id = {vacancy_id}"),
        )
        .await;
        assert_eq!(placements, 1, "round {round}: {statuses:?}");
        let filled = count(
            &app,
            format!("select filled from vacancies where id = {vacancy_id}"),
        )
        .await;
        assert_eq!(filled, 1, "round {round}: filled = headcount");
        assert_eq!(
            count(
                &app,
                format!(
                    "select count(*) from vacancies where id = {vacancy_id} and status = 'filled'"
                )
            )
            .await,
            1
        );
        let placed = count(
            &app,
            format!(
                "select count(*) from workers where status = 'placed' and id in ({})",
                workers.join(",")
            ),
        )
        .await;
        assert_eq!(placed, 1, "round {round}: one worker placed");
        let hired = count(
            &app,
            format!(
                "select count(*) from applications where status = 'hired' and vacancy_id = {vacancy_id}"
            ),
        )
        .await;
        assert_eq!(hired, 1, "round {round}: one application hired");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_worker_hired_into_two_vacancies_at_once_gets_one_placement() {
    let app = spawn_app().await;
    let w = world(&app).await;
    for round in 0..ROUNDS {
        let (v1, v2) = (vacancy(&app, &w, 5).await, vacancy(&app, &w, 5).await);
        let worker_id = worker(&app, &w, 100 + round).await;
        let a1 = recommend(&app, &w, worker_id, v1).await;
        let a2 = recommend(&app, &w, worker_id, v2).await;
        let requests = [a1, a2]
            .iter()
            .map(|id| {
                post(
                    &app,
                    &w.hr,
                    &format!("/api/v1/applications/{id}/transition"),
                    &hire_body(),
                )
            })
            .collect();
        let statuses = fire(requests).await;
        assert_eq!(
            winners(&statuses, StatusCode::OK, false),
            1,
            "round {round}: {statuses:?}"
        );
        let active = count(
            &app,
            format!(
                "select count(*) from placements where worker_id = {worker_id} and status = 'active'"
            ),
        )
        .await;
        assert_eq!(active, 1, "round {round}: {statuses:?}");
        let (one, none) = (
            count(
                &app,
                format!("select count(*) from vacancies where id in ({v1}, {v2}) and filled = 1"),
            )
            .await,
            count(
                &app,
                format!("select count(*) from vacancies where id in ({v1}, {v2}) and filled = 0"),
            )
            .await,
        );
        assert_eq!((one, none), (1, 1), "round {round}: one place taken");
        let follow_ups = count(
            &app,
            format!(
                "select count(*) from follow_ups f join placements p on p.id = f.placement_id \
                 where p.worker_id = {worker_id}"
            ),
        )
        .await;
        assert_eq!(follow_ups, 4, "round {round}: one set of follow-ups");
    }
    // and one after the other: a placed worker is not hired again
    let (v1, v2) = (vacancy(&app, &w, 5).await, vacancy(&app, &w, 5).await);
    let worker_id = worker(&app, &w, 200).await;
    let a1 = recommend(&app, &w, worker_id, v1).await;
    let a2 = recommend(&app, &w, worker_id, v2).await;
    let first = post(
        &app,
        &w.hr,
        &format!("/api/v1/applications/{a1}/transition"),
        &hire_body(),
    );
    assert_eq!(first.send().await.unwrap().status(), StatusCode::OK);
    let second = post(
        &app,
        &w.hr,
        &format!("/api/v1/applications/{a2}/transition"),
        &hire_body(),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(second.status(), StatusCode::CONFLICT);
    let body: Value = second.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("在岗"), "{body}");
}

/// The database refuses a second active placement of one worker by itself (the partial
/// unique index), whatever the code above it does.
#[tokio::test]
async fn the_database_holds_one_active_placement_per_worker() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (v1, v2) = (vacancy(&app, &w, 5).await, vacancy(&app, &w, 5).await);
    let worker_id = worker(&app, &w, 300).await;
    let a = recommend(&app, &w, worker_id, v1).await;
    let other = recommend(&app, &w, worker_id, v2).await;
    let r = post(
        &app,
        &w.hr,
        &format!("/api/v1/applications/{a}/transition"),
        &hire_body(),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // a second active placement of the worker, for the other application, written directly
    let copy = format!(
        "insert into placements (application_id, worker_id, vacancy_id, employer_id, station_id, \
         town_code, start_date, wage, status, created_at) select {other}, worker_id, {v2}, employer_id, \
         station_id, town_code, start_date, wage, 'active', created_at from placements"
    );
    let e = sqlx::query(&copy).execute(&app.db).await.unwrap_err();
    assert!(laowu::error::is_unique_violation(&e), "{e}");
    let err = laowu::error::AppError::from(e);
    assert_eq!(err.status(), StatusCode::CONFLICT, "{err:?}");
    // a placement that ended does not count
    sqlx::query("update placements set status = 'left'")
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query(&copy).execute(&app.db).await.unwrap();
}

struct Training {
    trainer: String,
    /// the workers' station: a trainer takes only workers who signed up or were sent
    station: String,
}

async fn training(app: &TestApp, w: &World) -> Training {
    let (_, trainer) = app.trainer(&w.admin, "teacher@test.local").await;
    Training {
        trainer,
        station: w.station.clone(),
    }
}

/// A course ending `end_in_days` from today.
async fn course(app: &TestApp, t: &Training, end_in_days: i64, capacity: i64) -> i64 {
    let date = |d: i64| fmt_date(today() + time::Duration::days(d));
    let body = json!({
        "programme": "cantonese-chef", "title": "粤菜师傅（中式烹调师）培训班", "occupation": "中式烹调师",
        "level": "四级", "start_date": date(1), "end_date": date(end_in_days.max(1)),
        "place": "斗门区井岸镇", "capacity": capacity,
    });
    let r = app.post("/api/v1/courses", Some(&t.trainer), &body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn enroll(app: &TestApp, t: &Training, course_id: i64, worker_id: i64) -> i64 {
    let r = app
        .post(
            &format!("/api/v1/courses/{course_id}/enrollments"),
            Some(&t.station),
            &json!({"worker_id": worker_id}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_enrolments_into_three_seats_take_three() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = training(&app, &w).await;
    let mut workers = Vec::new();
    for i in 0..10 {
        workers.push(worker(&app, &w, 400 + i).await);
    }
    for round in 0..ROUNDS {
        let course_id = course(&app, &t, 10, 3).await;
        let requests = workers
            .iter()
            .map(|id| {
                post(
                    &app,
                    &t.station,
                    &format!("/api/v1/courses/{course_id}/enrollments"),
                    &json!({"worker_id": id}),
                )
            })
            .collect();
        let statuses = fire(requests).await;
        assert_eq!(
            winners(&statuses, StatusCode::CREATED, true),
            3,
            "round {round}: {statuses:?}"
        );
        let taken = count(
            &app,
            format!("select seats_taken from courses where id = {course_id}"),
        )
        .await;
        assert_eq!(taken, 3, "round {round}");
        let rows = count(
            &app,
            format!("select count(*) from enrollments where course_id = {course_id}"),
        )
        .await;
        assert_eq!(rows, 3, "round {round}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_double_drop_frees_one_seat_and_a_double_completion_makes_one_certificate() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = training(&app, &w).await;
    let (a, b) = (worker(&app, &w, 500).await, worker(&app, &w, 501).await);
    for round in 0..ROUNDS {
        // drop: four at once, one seat back
        let course_id = course(&app, &t, 10, 3).await;
        let ea = enroll(&app, &t, course_id, a).await;
        enroll(&app, &t, course_id, b).await;
        let requests = (0..4)
            .map(|_| {
                post(
                    &app,
                    &t.trainer,
                    &format!("/api/v1/enrollments/{ea}/drop"),
                    &json!({"reason": "外出务工"}),
                )
            })
            .collect();
        let statuses = fire(requests).await;
        assert_eq!(
            winners(&statuses, StatusCode::OK, false),
            1,
            "round {round}: {statuses:?}"
        );
        let taken = count(
            &app,
            format!("select seats_taken from courses where id = {course_id}"),
        )
        .await;
        assert_eq!(taken, 1, "round {round}: {statuses:?}");

        // complete: four at once, one certificate
        let course_id = course(&app, &t, 0, 3).await;
        let e = enroll(&app, &t, course_id, a).await;
        app.course_runs(course_id, -20, 0).await;
        let no = format!("S2026-{round:04}");
        let requests = (0..4)
            .map(|_| {
                post(
                    &app,
                    &t.trainer,
                    &format!("/api/v1/enrollments/{e}/complete"),
                    &json!({"certificate_no": no, "level": "四级"}),
                )
            })
            .collect();
        let statuses = fire(requests).await;
        assert_eq!(
            winners(&statuses, StatusCode::OK, false),
            1,
            "round {round}: {statuses:?}"
        );
        let certificates = count(
            &app,
            format!("select count(*) from certificates where certificate_no = '{no}'"),
        )
        .await;
        assert_eq!(certificates, 1, "round {round}: {statuses:?}");
        let linked = count(
            &app,
            format!(
                "select count(*) from enrollments e join certificates c on c.id = e.certificate_id \
                 where e.id = {e} and e.status = 'completed' and c.enrollment_id = {e}"
            ),
        )
        .await;
        assert_eq!(linked, 1, "round {round}");
    }
}

/// A placement of a fresh worker into a fresh vacancy; returns (placement id, worker id).
async fn placed(app: &TestApp, w: &World, n: u32) -> (i64, i64) {
    let vacancy_id = vacancy(app, w, 5).await;
    let worker_id = worker(app, w, n).await;
    let a = recommend(app, w, worker_id, vacancy_id).await;
    let r = post(
        app,
        &w.hr,
        &format!("/api/v1/applications/{a}/transition"),
        &hire_body(),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let id = r.json::<Value>().await.unwrap()["placement_id"]
        .as_i64()
        .unwrap();
    (id, worker_id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn follow_ups_leaving_and_cases_happen_once() {
    let app = spawn_app().await;
    let w = world(&app).await;
    for round in 0..ROUNDS {
        // one follow-up recorded four times at once: one case, one end of the placement
        let (placement_id, worker_id) = placed(&app, &w, 600 + round).await;
        let first_follow_up = count(
            &app,
            format!("select min(id) from follow_ups where placement_id = {placement_id}"),
        )
        .await;
        let body = json!({
            "method": "phone", "still_employed": false, "problem": "wage_arrears",
            "note": "上月工资拖欠", "left_reason": "欠薪离职",
        });
        let requests = (0..4)
            .map(|_| {
                post(
                    &app,
                    &w.station,
                    &format!("/api/v1/followups/{first_follow_up}/complete"),
                    &body,
                )
            })
            .collect();
        let statuses = fire(requests).await;
        assert_eq!(
            winners(&statuses, StatusCode::OK, false),
            1,
            "round {round}: {statuses:?}"
        );
        let cases = count(
            &app,
            format!("select count(*) from cases where placement_id = {placement_id}"),
        )
        .await;
        assert_eq!(cases, 1, "round {round}: {statuses:?}");
        assert_eq!(
            count(
                &app,
                format!(
                    "select count(*) from workers where id = {worker_id} and status = 'seeking'"
                )
            )
            .await,
            1
        );

        // the case resolved twice at once: one resolution
        let case_id = count(
            &app,
            format!("select id from cases where placement_id = {placement_id}"),
        )
        .await;
        let requests = (0..4)
            .map(|i| {
                post(
                    &app,
                    &w.station,
                    &format!("/api/v1/cases/{case_id}/resolve"),
                    &json!({"resolution": format!("已协调补发工资（{i}）")}),
                )
            })
            .collect();
        let statuses = fire(requests).await;
        assert_eq!(winners(&statuses, StatusCode::OK, false), 1, "{statuses:?}");

        // leaving recorded four times at once: one end, worker seeking once
        let (placement_id, worker_id) = placed(&app, &w, 700 + round).await;
        let requests = (0..4)
            .map(|_| {
                post(
                    &app,
                    &w.station,
                    &format!("/api/v1/placements/{placement_id}/leave"),
                    &json!({"left_reason": "回乡照顾老人"}),
                )
            })
            .collect();
        let statuses = fire(requests).await;
        assert_eq!(
            winners(&statuses, StatusCode::OK, false),
            1,
            "round {round}: {statuses:?}"
        );
        let changes = count(
            &app,
            format!(
                "select count(*) from placements where id = {placement_id} and status = 'left'"
            ),
        )
        .await;
        assert_eq!(changes, 1);
        assert_eq!(
            count(
                &app,
                format!(
                    "select count(*) from workers where id = {worker_id} and status = 'seeking'"
                )
            )
            .await,
            1
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn closing_reopening_and_verifying_twice_at_once_succeed_once() {
    let app = spawn_app().await;
    let w = world(&app).await;
    for round in 0..ROUNDS {
        let vacancy_id = vacancy(&app, &w, 5).await;
        for action in ["close", "reopen"] {
            let requests = (0..4)
                .map(|_| {
                    post(
                        &app,
                        &w.hr,
                        &format!("/api/v1/vacancies/{vacancy_id}/{action}"),
                        &json!({}),
                    )
                })
                .collect();
            let statuses = fire(requests).await;
            assert_eq!(
                winners(&statuses, StatusCode::OK, false),
                1,
                "round {round} {action}: {statuses:?}"
            );
        }

        let r = app
            .post(
                "/api/v1/employers",
                None,
                &crate::helpers::employer_body(100 + round),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let requests = (0..4)
            .map(|_| {
                post(
                    &app,
                    &w.admin,
                    &format!("/api/v1/employers/{id}/verify"),
                    &json!({}),
                )
            })
            .collect();
        let statuses = fire(requests).await;
        assert_eq!(
            winners(&statuses, StatusCode::OK, false),
            1,
            "round {round}: {statuses:?}"
        );
    }
}

/// Mail is delivered at least once: a row delivered twice (a crash between the SMTP session
/// and marking it sent, simulated by setting the row back to pending) carries the same
/// Message-ID both times, derived from the row and the configured domain.
#[tokio::test]
async fn a_message_delivered_twice_has_one_message_id() {
    let smtp = crate::smtp::SmtpSink::start().await;
    let url = smtp.url();
    let app = crate::helpers::spawn_app_with(None, move |c| c.smtp_url = Some(url)).await;
    let w = world(&app).await;
    let vacancy_id = vacancy(&app, &w, 5).await;
    let worker_id = worker(&app, &w, 800).await;
    recommend(&app, &w, worker_id, vacancy_id).await;
    let first = smtp.wait_for(1).await;
    // the row is marked sent right after the SMTP session
    let mut sent = 0;
    for _ in 0..100 {
        sent = count(
            &app,
            "select count(*) from outbox where sent_at is not null".into(),
        )
        .await;
        if sent == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(sent, 1);

    sqlx::query("update outbox set sent_at = null, claimed_until = null, claimed_by = null")
        .execute(&app.db)
        .await
        .unwrap();
    let both = smtp.wait_for(2).await;
    let ids: Vec<String> = both
        .iter()
        .map(|m| m.header("Message-ID").expect("Message-ID"))
        .collect();
    assert_eq!(ids[0], ids[1]);
    assert_eq!(first[0].header("Message-ID"), Some(ids[0].clone()));
    let (id, created_at): (i64, String) = sqlx::query_as("select id, created_at from outbox")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(
        ids[0],
        laowu::mail::message_id(id, &created_at, "laowu.local")
    );
    assert!(ids[0].starts_with(&format!("<outbox-{id}.")), "{}", ids[0]);
}

/// The lease on an outbox row belongs to the sender that claimed it: another sender can
/// neither take it while it runs, nor renew it, nor hand it back; the holder can renew it.
#[tokio::test]
async fn only_the_holder_renews_a_mail_lease() {
    use laowu::db::outbox::{claim, mark_failed, renew};
    use laowu::mail::instant_in;
    let app = spawn_app().await;
    // due in the far future, so that the platform's own sender leaves it alone
    let id: i64 = sqlx::query_scalar(
        "insert into outbox (kind, recipient, subject, body_text, body_html, created_at, next_attempt_at) \
         values ('application', 'hr@test.local', 's', 't', 'h', $1, '9999-12-31T00:00:00Z') returning id",
    )
    .bind(instant_in(0))
    .fetch_one(&app.db)
    .await
    .unwrap();
    let lease_of = |id: i64| {
        let db = app.db.clone();
        async move {
            sqlx::query_as::<_, (Option<String>, Option<String>)>(
                "select claimed_by, claimed_until from outbox where id = $1",
            )
            .bind(id)
            .fetch_one(&db)
            .await
            .unwrap()
        }
    };

    assert!(
        claim(&app.db, id, "node-a", &instant_in(0), &instant_in(120))
            .await
            .unwrap()
    );
    assert!(
        !claim(&app.db, id, "node-b", &instant_in(0), &instant_in(120))
            .await
            .unwrap()
    );
    assert!(
        !renew(&app.db, id, "node-b", &instant_in(600))
            .await
            .unwrap()
    );
    assert_eq!(lease_of(id).await.0.as_deref(), Some("node-a"));
    mark_failed(&app.db, id, "node-b", "boom", &instant_in(30), false)
        .await
        .unwrap();
    assert_eq!(lease_of(id).await.0.as_deref(), Some("node-a"));
    assert_eq!(
        count(&app, format!("select attempts from outbox where id = {id}")).await,
        0
    );

    let later = instant_in(300);
    assert!(renew(&app.db, id, "node-a", &later).await.unwrap());
    assert_eq!(lease_of(id).await.1, Some(later));

    // once node-a's lease has run out, node-b may take the row, and node-a's renewal is refused
    assert!(
        claim(&app.db, id, "node-b", &instant_in(400), &instant_in(520))
            .await
            .unwrap()
    );
    assert!(
        !renew(&app.db, id, "node-a", &instant_in(600))
            .await
            .unwrap()
    );
    assert_eq!(lease_of(id).await.0.as_deref(), Some("node-b"));
}

/// Twelve problem reports from one worker at once: exactly five cases and five SMS (the day's
/// limit is one guarded row taken in the case's transaction, not a count read before anyone
/// wrote), the others 429.
#[tokio::test]
async fn twelve_problem_reports_at_once_open_five_cases() {
    let app = spawn_app().await;
    let w = world(&app).await;
    for round in 0..3u32 {
        let phone = format!("1365555800{round}");
        let worker = app
            .station_worker(&w.station, &id_number("19880808", 60 + round), &phone, true)
            .await;
        let r = post(
            &app,
            &w.station,
            "/api/v1/placements",
            &json!({"worker_id": worker, "employer_name": "珠海某厂", "workplace_county": "440403",
                    "start_date": fmt_date(today()), "wage": 5000, "channel": "self"}),
        )
        .send()
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "round {round}");
        let me = app.token(&phone, crate::helpers::PASSWORD).await;
        let statuses = fire(
            (0..12)
                .map(|n| {
                    post(
                        &app,
                        &me,
                        "/api/v1/me/problems",
                        &json!({"problem": "欠薪", "description": format!("第{n}次")}),
                    )
                })
                .collect(),
        )
        .await;
        let created = statuses
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count();
        assert_eq!(created, 5, "round {round}: {statuses:?}");
        assert!(
            statuses
                .iter()
                .all(|s| *s == StatusCode::CREATED || *s == StatusCode::TOO_MANY_REQUESTS),
            "{statuses:?}"
        );
        assert_eq!(
            count(
                &app,
                format!("select count(*) from cases where worker_id = {worker}")
            )
            .await,
            5,
            "round {round}"
        );
        assert_eq!(
            count(
                &app,
                format!(
                    "select count(*) from sms_outbox where kind = 'problem_reported' and phone = '{phone}'"
                )
            )
            .await,
            5,
            "round {round}"
        );
    }
}
