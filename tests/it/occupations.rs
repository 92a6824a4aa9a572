//! Occupations as the backbone of matching (issue 18): everyday words reach the jobs of their
//! trade, the taxonomy is served, a chosen occupation beats the inference, and only those who
//! manage a worker may correct it.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, id_number, spawn_app, vacancy_body};

async fn post_vacancy(app: &TestApp, admin: &str, employer: i64, body: Value) -> i64 {
    let mut b = vacancy_body("x");
    for (k, v) in body.as_object().unwrap() {
        b[k] = v.clone();
    }
    b["employer_id"] = json!(employer);
    let r = app.post("/api/v1/vacancies", Some(admin), &b).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{b}");
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn worker(app: &TestApp, station: &str, n: u32, skills: &str, wanted: &str) -> i64 {
    let r = app
        .post(
            "/api/v1/workers",
            Some(station),
            &json!({
                "name": "杨秀英", "id_number": id_number("19850304", 300 + n),
                "phone": format!("1370000{n:04}"), "hometown_code": "520328101",
                "skills": skills, "desired_jobs": wanted, "expected_wage": 4000,
                "needs_lodging": true,
            }),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn match_ids(app: &TestApp, token: &str, path: &str) -> (Vec<i64>, Value) {
    let r = app.get(path, Some(token)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    let ids = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            i["vacancy_id"]
                .as_i64()
                .or(i["worker_id"].as_i64())
                .unwrap()
        })
        .collect();
    (ids, v)
}

#[tokio::test]
async fn everyday_words_reach_the_jobs_of_their_trade_and_wages_do_not_lift_others() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (employer, _) = app.verified_employer(&admin, 700).await;
    let (_, station) = app.station(&admin, "湄潭县劳务工作站", "st@occ.test").await;
    // two kitchen jobs in the ad's words, and better-paid jobs of other trades that share
    // the words 会, 过 and 做 with the worker's text
    let cook = post_vacancy(
        &app,
        &admin,
        employer,
        json!({"title": "酒楼诚聘砧板", "occupation": "", "description": "会切配，熟悉海鲜处理", "wage_min": 4200, "wage_max": 5000, "lodging": false}),
    )
    .await;
    let canteen = post_vacancy(
        &app,
        &admin,
        employer,
        json!({"title": "工厂食堂招厨工", "occupation": "", "description": "做大锅菜，早上五点上班", "wage_min": 4000, "wage_max": 4600, "lodging": false}),
    )
    .await;
    let mut others = Vec::new();
    for (title, description) in [
        ("电子厂招普工", "会看图纸优先，做过流水线优先，包吃住"),
        ("物业公司招保安", "做过保安优先，会用对讲机，包吃住"),
        ("五金厂招打磨工", "会打磨抛光，做过的优先，包吃住"),
    ] {
        others.push(
            post_vacancy(
                &app,
                &admin,
                employer,
                json!({"title": title, "description": description, "occupation": "", "wage_min": 7000, "wage_max": 9000, "lodging": true}),
            )
            .await,
        );
    }
    let w = worker(&app, &station, 1, "在县城饭店炒过五年菜，会做川菜", "").await;
    app.search.nudge();
    app.wait_indexed().await;

    let (ids, body) = match_ids(
        &app,
        &station,
        &format!("/api/v1/workers/{w}/matches?limit=10"),
    )
    .await;
    let mut first_two = ids[..2].to_vec();
    first_two.sort_unstable();
    let mut kitchen = vec![cook, canteen];
    kitchen.sort_unstable();
    assert_eq!(first_two, kitchen, "{body}");
    let reasons = body["items"][0]["reasons"].to_string();
    assert!(reasons.contains("工种：中式烹调师（厨师）"), "{reasons}");

    // the worker's record names the inferred occupation
    let r = app
        .get(&format!("/api/v1/workers/{w}"), Some(&station))
        .await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["occupations"][0]["code"], "4-03-02-01", "{v}");
    assert_eq!(v["occupations"][0]["chosen"], false);

    // and the enterprise side: the kitchen ad finds the cook first
    let (ids, body) = match_ids(
        &app,
        &admin,
        &format!("/api/v1/vacancies/{canteen}/matches?limit=10"),
    )
    .await;
    assert_eq!(ids.first(), Some(&w), "{body}");
}

#[tokio::test]
async fn the_taxonomy_is_served_and_a_chosen_occupation_is_kept() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let r = app.get("/api/v1/occupations", None).await;
    assert_eq!(r.status(), StatusCode::OK);
    let list: Value = r.json().await.unwrap();
    let cook = list
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == "4-03-02-01")
        .expect("中式烹调师");
    assert_eq!(cook["name"], "中式烹调师");
    assert!(cook["words"].to_string().contains("厨师"));

    let (employer, _) = app.verified_employer(&admin, 701).await;
    // an ad whose words say 普工 but whose enterprise chose 包装工
    let id = post_vacancy(
        &app,
        &admin,
        employer,
        json!({"title": "招普工", "occupation_code": "L-2502"}),
    )
    .await;
    let v: Value = app
        .get(&format!("/api/v1/vacancies/{id}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["occupations"][0]["code"], "L-2502", "{v}");
    assert_eq!(v["occupations"][0]["chosen"], true);

    // an unknown code is refused, naming the field, and nothing is written
    let before = app.count("select count(*) from vacancies").await;
    let mut b = vacancy_body("招普工");
    b["employer_id"] = json!(employer);
    b["occupation_code"] = json!("9-99-99-99");
    let r = app.post("/api/v1/vacancies", Some(&admin), &b).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert!(e["errors"]["occupation_code"].is_array(), "{e}");
    assert_eq!(app.count("select count(*) from vacancies").await, before);
}

#[tokio::test]
async fn only_those_who_manage_a_worker_correct_the_occupation() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, own) = app
        .station(&admin, "湄潭县劳务工作站", "own@occ.test")
        .await;
    let (_, other) = app
        .station(&admin, "湄潭县兴隆镇劳务工作站", "other@occ.test")
        .await;
    let (employer, hr) = app.verified_employer(&admin, 702).await;
    let guard = post_vacancy(
        &app,
        &admin,
        employer,
        json!({"title": "物业公司招保安", "occupation": "", "description": "站岗巡逻"}),
    )
    .await;
    let w = worker(&app, &own, 2, "身体好，能吃苦", "").await;
    let path = format!("/api/v1/workers/{w}/occupation");
    let body = json!({"occupation_code": "4-07-05-01"});
    for token in [&other, &hr] {
        let r = app.put(&path, Some(token), &body).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(
        app.count(&format!(
            "select count(*) from workers where id = {w} and occupation_code is not null"
        ))
        .await,
        0
    );
    let r = app
        .put(&path, Some(&own), &json!({"occupation_code": "nonsense"}))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app.put(&path, Some(&own), &body).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'set_occupation'")
            .await,
        1
    );
    app.search.nudge();
    app.wait_indexed().await;
    // the corrected occupation now leads matching
    let (ids, body) = match_ids(&app, &own, &format!("/api/v1/workers/{w}/matches?limit=5")).await;
    assert_eq!(ids.first(), Some(&guard), "{body}");
    assert!(body.to_string().contains("工种：保安员"), "{body}");
}

#[tokio::test]
async fn numbers_typed_into_free_text_are_masked_for_enterprises() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app
        .station(&admin, "湄潭县劳务工作站", "pii@occ.test")
        .await;
    let (employer, hr) = app.verified_employer(&admin, 703).await;
    let job = post_vacancy(
        &app,
        &admin,
        employer,
        json!({"title": "招电工", "occupation": "电工", "description": "维修电工"}),
    )
    .await;
    let w = worker(
        &app,
        &station,
        3,
        "电工，有事打13812345678",
        "电工 身份证52032819900101123X",
    )
    .await;
    app.search.nudge();
    app.wait_indexed().await;
    let r = app
        .get(
            &format!("/api/v1/vacancies/{job}/matches?limit=5"),
            Some(&hr),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body = r.text().await.unwrap();
    assert!(body.contains(&format!("\"worker_id\":{w}")), "{body}");
    assert!(crate::helpers::pii_in(&body).is_empty(), "{body}");
    // the worker's own station still reads what they wrote
    let own = app
        .get(&format!("/api/v1/workers/{w}"), Some(&station))
        .await
        .text()
        .await
        .unwrap();
    assert!(own.contains("13812345678"), "{own}");
}
