//! Relevance on a fixture of 31 Doumen vacancies and 16 Meitan worker profiles covering the four
//! programmes and the common jobs: the order of the top results, both ways, with reasons.

use laowu::db::certificates::{NewCertificate, insert};
use laowu::domain::Programme;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, id_number, pii_in, spawn_app};

/// (title, occupation, programme, wage_min, wage_max, lodging, description, town)
type VacancySeed = (
    &'static str,
    &'static str,
    Option<&'static str>,
    i64,
    i64,
    bool,
    &'static str,
    &'static str,
);
const VACANCIES: [VacancySeed; 31] = [
    (
        "粤菜厨师",
        "中式烹调师",
        Some("cantonese-chef"),
        6000,
        8500,
        true,
        "粤菜炒锅，持粤菜师傅证书",
        "440403107",
    ),
    (
        "点心师傅",
        "中式面点师",
        Some("cantonese-chef"),
        5500,
        7500,
        true,
        "早茶点心：虾饺、烧卖",
        "440403107",
    ),
    (
        "西饼师傅",
        "西式面点师",
        None,
        5000,
        6500,
        true,
        "蛋糕、面包烘焙",
        "440403001",
    ),
    (
        "厨房帮工",
        "",
        None,
        4200,
        5000,
        true,
        "切配、打荷、洗碗",
        "440403107",
    ),
    (
        "电子厂普工",
        "电子设备装接工",
        None,
        4800,
        6200,
        true,
        "流水线装配，两班倒",
        "440403106",
    ),
    (
        "SMT操作员",
        "电子设备装接工",
        Some("guangdong-technician"),
        5500,
        7000,
        true,
        "贴片机操作",
        "440403106",
    ),
    (
        "食品包装工",
        "包装工",
        None,
        4500,
        5800,
        true,
        "海鲈加工包装，常白班",
        "440403106",
    ),
    (
        "叉车司机",
        "叉车司机",
        Some("guangdong-technician"),
        5500,
        6800,
        true,
        "持叉车证，仓库装卸",
        "440403105",
    ),
    (
        "仓管员",
        "仓库管理员",
        None,
        5000,
        6000,
        true,
        "仓库收发货、盘点",
        "440403105",
    ),
    (
        "育婴员",
        "育婴员",
        Some("nanyue-housekeeping"),
        6000,
        9000,
        true,
        "住家育婴，照顾新生儿",
        "440403001",
    ),
    (
        "月嫂",
        "母婴护理员",
        Some("nanyue-housekeeping"),
        8000,
        12000,
        true,
        "产妇护理、新生儿护理",
        "440403001",
    ),
    (
        "养老护理员",
        "养老护理员",
        Some("nanyue-housekeeping"),
        5000,
        6500,
        true,
        "养老院老人护理",
        "440403103",
    ),
    (
        "家政服务员",
        "家政服务员",
        None,
        4500,
        6000,
        false,
        "保洁、做饭",
        "440403001",
    ),
    (
        "保安",
        "保安员",
        None,
        4500,
        5200,
        true,
        "门岗巡逻",
        "440403107",
    ),
    (
        "建筑泥瓦工",
        "砌筑工",
        None,
        7000,
        9500,
        true,
        "砌墙、抹灰",
        "440403107",
    ),
    (
        "钢筋工",
        "钢筋工",
        None,
        7000,
        9000,
        true,
        "工地钢筋绑扎",
        "440403107",
    ),
    (
        "数控车工",
        "数控车工",
        Some("guangdong-technician"),
        6500,
        9000,
        true,
        "CNC车床操作，会看图纸",
        "440403105",
    ),
    (
        "物流分拣员",
        "分拣员",
        None,
        5000,
        6000,
        true,
        "快递分拣打包",
        "440403105",
    ),
    (
        "快递配送员",
        "快递员",
        None,
        6000,
        8000,
        false,
        "电动车配送",
        "440403107",
    ),
    (
        "电工",
        "电工",
        Some("guangdong-technician"),
        6000,
        8000,
        true,
        "厂区电气维修，持电工证",
        "440403106",
    ),
    (
        "焊工",
        "焊工",
        Some("guangdong-technician"),
        6500,
        8500,
        true,
        "二保焊、氩弧焊",
        "440403105",
    ),
    (
        "汽车维修工",
        "汽车维修工",
        Some("guangdong-technician"),
        5500,
        7500,
        true,
        "汽车保养维修",
        "440403107",
    ),
    (
        "茶叶加工操作工",
        "茶叶加工",
        None,
        2800,
        3600,
        false,
        "帮扶车间，湄潭本地就业",
        "520328101",
    ),
    (
        "竹编工匠",
        "竹编",
        Some("rural-craftsman"),
        3500,
        5000,
        false,
        "竹编工艺品制作",
        "520328101",
    ),
    (
        "农村建筑工匠",
        "农村建筑工匠",
        Some("rural-craftsman"),
        6000,
        8000,
        true,
        "乡村民居建造",
        "440403100",
    ),
    (
        "酒店服务员",
        "餐厅服务员",
        None,
        4000,
        5000,
        true,
        "酒店餐厅服务",
        "440403107",
    ),
    (
        "注塑操作工",
        "操作工",
        None,
        5000,
        6500,
        true,
        "注塑机操作，三班倒",
        "440403106",
    ),
    (
        "服装车位工",
        "缝纫工",
        None,
        5500,
        8000,
        true,
        "服装缝纫，计件",
        "440403106",
    ),
    (
        "超市理货员",
        "理货员",
        None,
        4200,
        5200,
        false,
        "超市上架理货",
        "440403107",
    ),
    (
        "保洁员",
        "保洁员",
        None,
        3800,
        4500,
        false,
        "物业保洁",
        "440403001",
    ),
    (
        "烧腊师傅",
        "中式烹调师",
        Some("cantonese-chef"),
        6500,
        9000,
        true,
        "烧鹅、叉烧",
        "440403107",
    ),
];

/// (key, skills, wanted jobs, wage, lodging, certificate: programme, occupation, level)
type Cert = Option<(Programme, &'static str, &'static str)>;
const WORKERS: [(&str, &str, &str, i64, bool, Cert); 16] = [
    (
        "chef",
        "粤菜、炒锅",
        "厨师",
        5500,
        true,
        Some((Programme::CantoneseChef, "中式烹调师", "四级/中级工")),
    ),
    ("chef_nocert", "粤菜、炒锅", "厨师", 5500, true, None),
    (
        "electronics",
        "电子装配、焊锡",
        "普工、电子厂",
        4800,
        true,
        None,
    ),
    (
        "forklift",
        "叉车",
        "叉车工",
        5500,
        true,
        Some((Programme::GuangdongTechnician, "叉车司机", "四级/中级工")),
    ),
    (
        "babycare",
        "育婴、早教",
        "育婴员、月嫂",
        6500,
        true,
        Some((Programme::NanyueHousekeeping, "育婴员", "四级/中级工")),
    ),
    ("eldercare", "养老护理", "养老护理员", 5000, true, None),
    ("guard", "保安、巡逻", "保安", 4500, true, None),
    ("mason", "砌墙、抹灰", "泥瓦工", 7000, true, None),
    ("sorter", "快递分拣", "分拣员", 5000, true, None),
    (
        "cnc",
        "数控车床",
        "数控车工",
        6500,
        true,
        Some((Programme::GuangdongTechnician, "数控车工", "四级/中级工")),
    ),
    (
        "pastry",
        "面点、点心",
        "面点师",
        5500,
        true,
        Some((Programme::CantoneseChef, "中式面点师", "五级/初级工")),
    ),
    ("packer", "食品包装", "包装工", 4500, true, None),
    ("tea", "采茶、茶叶加工", "茶叶加工", 3000, false, None),
    (
        "housekeeper",
        "保洁、做饭",
        "家政服务员、保姆",
        4500,
        false,
        None,
    ),
    (
        "electrician",
        "电工、电气维修",
        "电工",
        6000,
        true,
        Some((Programme::GuangdongTechnician, "电工", "四级/中级工")),
    ),
    ("welder", "电焊", "焊工", 6500, true, None),
];

pub struct Fixture {
    pub admin: String,
    pub vacancies: Vec<(String, i64)>,
    pub workers: Vec<(String, i64)>,
}

impl Fixture {
    pub fn vacancy(&self, title: &str) -> i64 {
        self.vacancies
            .iter()
            .find(|(t, _)| t == title)
            .map(|(_, id)| *id)
            .unwrap()
    }

    pub fn worker(&self, key: &str) -> i64 {
        self.workers
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, id)| *id)
            .unwrap()
    }

    fn title_of(&self, id: i64) -> &str {
        self.vacancies
            .iter()
            .find(|(_, v)| *v == id)
            .map_or("?", |(t, _)| t.as_str())
    }

    fn key_of(&self, id: i64) -> &str {
        self.workers
            .iter()
            .find(|(_, w)| *w == id)
            .map_or("?", |(k, _)| k.as_str())
    }
}

pub async fn fixture(app: &TestApp) -> Fixture {
    let admin = app.admin().await;
    let (employer, _) = app.verified_employer(&admin, 500).await;
    let expires =
        laowu::domain::values::fmt_date(laowu::domain::today() + time::Duration::days(60));
    let mut vacancies = Vec::new();
    for (title, occupation, programme, lo, hi, lodging, description, town) in VACANCIES {
        let body = json!({
            "title": title, "occupation": occupation, "description": description,
            "required_programme": programme, "wage_min": lo, "wage_max": hi,
            "lodging": lodging, "meals": lodging, "town_code": town, "headcount": 5,
            "min_age": 18, "max_age": 55, "expires_on": expires, "employer_id": employer,
            "assistance_workshop": town.starts_with("520328"),
        });
        let r = app.post("/api/v1/vacancies", Some(&admin), &body).await;
        assert_eq!(r.status(), StatusCode::CREATED, "{title}");
        vacancies.push((
            title.to_owned(),
            r.json::<Value>().await.unwrap()["id"].as_i64().unwrap(),
        ));
    }
    let mut workers = Vec::new();
    for (n, (key, skills, jobs, wage, lodging, cert)) in WORKERS.iter().enumerate() {
        let body = json!({
            "name": "测试工人", "id_number": id_number("19900101", 100 + n as u32),
            "phone": format!("1390000{:04}", n), "hometown_code": "520328101",
            "skills": skills, "desired_jobs": jobs, "expected_wage": wage, "needs_lodging": lodging,
        });
        let r = app.post("/api/v1/workers", Some(&admin), &body).await;
        assert_eq!(r.status(), StatusCode::CREATED, "{key}");
        let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        if let Some((programme, occupation, level)) = cert {
            let mut tx = app.db.begin().await.unwrap();
            insert(
                &mut tx,
                &NewCertificate {
                    worker_id: id,
                    programme: Some(*programme),
                    occupation: (*occupation).into(),
                    level: (*level).into(),
                    certificate_no: format!("S{id:08}"),
                    issuer: "珠海市职业技能鉴定指导中心".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }
        workers.push(((*key).to_owned(), id));
    }
    app.search.nudge();
    app.wait_indexed().await;
    Fixture {
        admin,
        vacancies,
        workers,
    }
}

async fn vacancy_titles(app: &TestApp, f: &Fixture, worker: &str) -> (Vec<String>, Value) {
    let r = app
        .get(
            &format!("/api/v1/workers/{}/matches?limit=10", f.worker(worker)),
            Some(&f.admin),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    let titles = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| f.title_of(i["vacancy_id"].as_i64().unwrap()).to_owned())
        .collect();
    (titles, v)
}

async fn worker_keys(app: &TestApp, f: &Fixture, title: &str) -> (Vec<String>, Value) {
    let r = app
        .get(
            &format!("/api/v1/vacancies/{}/matches?limit=10", f.vacancy(title)),
            Some(&f.admin),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    let keys = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| f.key_of(i["worker_id"].as_i64().unwrap()).to_owned())
        .collect();
    (keys, v)
}

fn top(list: &[String], n: usize) -> Vec<&str> {
    let mut t: Vec<&str> = list.iter().take(n).map(String::as_str).collect();
    t.sort_unstable();
    t
}

#[tokio::test]
async fn workers_see_the_jobs_that_fit_them_first_with_reasons() {
    let app = spawn_app().await;
    let f = fixture(&app).await;

    let (chef, body) = vacancy_titles(&app, &f, "chef").await;
    assert_eq!(top(&chef, 2), vec!["烧腊师傅", "粤菜厨师"], "{chef:?}");
    assert!(!chef.iter().take(5).any(|t| t == "电子厂普工"), "{chef:?}");
    let reasons: Vec<&str> = body["items"][0]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("证书：粤菜师傅 中式烹调师 四级")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("≥ 期望 5500")),
        "{reasons:?}"
    );
    assert!(reasons.contains(&"包吃住"), "{reasons:?}");

    // Without the certificate the same cook is told what is missing.
    let (_, body) = vacancy_titles(&app, &f, "chef_nocert").await;
    let first = &body["items"][0];
    assert!(
        first["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "缺：粤菜师傅证书"),
        "{first}"
    );

    for (worker, expected_first) in [
        ("electronics", "电子厂普工"),
        ("forklift", "叉车司机"),
        ("cnc", "数控车工"),
        ("mason", "建筑泥瓦工"),
        ("guard", "保安"),
        ("tea", "茶叶加工操作工"),
        ("sorter", "物流分拣员"),
        ("electrician", "电工"),
        ("eldercare", "养老护理员"),
        ("packer", "食品包装工"),
    ] {
        let (titles, _) = vacancy_titles(&app, &f, worker).await;
        assert_eq!(
            titles.first().map(String::as_str),
            Some(expected_first),
            "{worker}: {titles:?}"
        );
    }
    let (baby, _) = vacancy_titles(&app, &f, "babycare").await;
    assert_eq!(top(&baby, 2), vec!["月嫂", "育婴员"], "{baby:?}");
    let (pastry, _) = vacancy_titles(&app, &f, "pastry").await;
    assert_eq!(
        pastry.first().map(String::as_str),
        Some("点心师傅"),
        "{pastry:?}"
    );
    let (welder, _) = vacancy_titles(&app, &f, "welder").await;
    assert_eq!(
        welder.first().map(String::as_str),
        Some("焊工"),
        "{welder:?}"
    );
}

#[tokio::test]
async fn employers_see_the_right_candidates_first_and_masked() {
    let app = spawn_app().await;
    let f = fixture(&app).await;

    let (cooks, body) = worker_keys(&app, &f, "粤菜厨师").await;
    let scores: Vec<&Value> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["score"])
        .collect();
    assert_eq!(
        &cooks[..3],
        ["chef", "chef_nocert", "pastry"],
        "{cooks:?} {scores:?}"
    );
    let s0 = body["items"][0]["score"].as_f64().unwrap();
    let s1 = body["items"][1]["score"].as_f64().unwrap();
    assert!(s0 > s1 + 10.0, "certified {s0} vs uncertified {s1}");
    let worker = &body["items"][0]["worker"];
    assert_eq!(worker["masked"], true);
    assert!(worker["name"].as_str().unwrap().contains('*'));
    assert!(worker["id_number"].as_str().unwrap().contains("**********"));

    for (title, expected_first) in [
        ("叉车司机", "forklift"),
        ("育婴员", "babycare"),
        ("电子厂普工", "electronics"),
        ("数控车工", "cnc"),
        ("保安", "guard"),
        ("建筑泥瓦工", "mason"),
        ("养老护理员", "eldercare"),
        ("家政服务员", "housekeeper"),
        ("焊工", "welder"),
        ("茶叶加工操作工", "tea"),
    ] {
        let (keys, _) = worker_keys(&app, &f, title).await;
        assert_eq!(
            keys.first().map(String::as_str),
            Some(expected_first),
            "{title}: {keys:?}"
        );
    }
}

#[tokio::test]
async fn hard_filters_keep_out_placed_old_and_closed() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    // The guard is placed, the mason is too old for a 18–55 job, the forklift job is closed.
    sqlx::query("update workers set status = 'placed' where id = $1")
        .bind(f.worker("guard"))
        .execute(&app.db)
        .await
        .unwrap();
    let old =
        laowu::domain::values::fmt_date(laowu::domain::today() - time::Duration::days(365 * 60));
    sqlx::query("update workers set birth_date = $1 where id = $2")
        .bind(old)
        .bind(f.worker("mason"))
        .execute(&app.db)
        .await
        .unwrap();
    for id in [f.worker("guard"), f.worker("mason")] {
        sqlx::query(
            "insert into search_changes (entity, entity_id, created_at) values ('worker', $1, $2)",
        )
        .bind(id)
        .bind(laowu::domain::now_timestamp())
        .execute(&app.db)
        .await
        .unwrap();
    }
    let r = app
        .post(
            &format!("/api/v1/vacancies/{}/close", f.vacancy("叉车司机")),
            Some(&f.admin),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    app.search.nudge();
    app.wait_indexed().await;

    let (keys, _) = worker_keys(&app, &f, "保安").await;
    assert!(!keys.contains(&"guard".to_owned()), "{keys:?}");
    let (keys, _) = worker_keys(&app, &f, "建筑泥瓦工").await;
    assert!(!keys.contains(&"mason".to_owned()), "{keys:?}");
    let (titles, _) = vacancy_titles(&app, &f, "forklift").await;
    assert!(!titles.contains(&"叉车司机".to_owned()), "{titles:?}");
}

#[tokio::test]
async fn who_may_ask_for_matches() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let chef = f.worker("chef");
    let vacancy = f.vacancy("粤菜厨师");
    let (_, other_employer) = app.verified_employer(&f.admin, 501).await;
    assert_eq!(
        app.get(&format!("/api/v1/workers/{chef}/matches"), None)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get(
            &format!("/api/v1/workers/{chef}/matches"),
            Some(&other_employer)
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(
            &format!("/api/v1/vacancies/{vacancy}/matches"),
            Some(&other_employer)
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get("/api/v1/vacancies/999999/matches", Some(&f.admin))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // The vacancy's own enterprise gets masked candidates only: no full ID number or phone.
    let hr = app
        .login_as("hr-own@test.local", laowu::auth::Role::Employer, Some(1))
        .await;
    let r = app
        .get(
            &format!("/api/v1/vacancies/{vacancy}/matches?limit=50"),
            Some(&hr),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.unwrap();
    assert!(pii_in(&text).is_empty(), "{text}");
}

#[tokio::test]
async fn searching_the_board_and_caseload_in_chinese() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let titles = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let get = |q: String| {
        let app = &app;
        async move {
            let r = app
                .api
                .get(app.url("/api/v1/vacancies"))
                .query(&[("q", q)])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            r.json::<Value>().await.unwrap()
        }
    };
    // Synonyms: 炊事员 finds the cooks; 招聘厨师 finds ads with the words apart.
    let v = get("炊事员".into()).await;
    assert!(titles(&v).contains(&"粤菜厨师".to_owned()), "{v}");
    let v = get("招聘厨师".into()).await;
    assert!(
        titles(&v)
            .iter()
            .take(2)
            .any(|t| t == "粤菜厨师" || t == "烧腊师傅"),
        "{v}"
    );
    let v = get("家政 育婴师".into()).await;
    assert_eq!(
        titles(&v).first().map(String::as_str),
        Some("育婴员"),
        "{v}"
    );
    let v = get("叉车".into()).await;
    assert_eq!(titles(&v).first().map(String::as_str), Some("叉车司机"));
    // Query syntax and noise are only text.
    for q in [
        "\"厨师",
        "(普工",
        "厨师 AND OR NOT",
        "title:厨师",
        "+-*&|!{}[]^~?:\\/",
        "厨",
    ] {
        let r = app
            .api
            .get(app.url("/api/v1/vacancies"))
            .query(&[("q", q)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{q}");
    }
    let long = "厨师".repeat(2500);
    let r = app
        .api
        .get(app.url("/api/v1/vacancies"))
        .query(&[("q", long)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // Filters combine with words.
    let r = app
        .api
        .get(app.url("/api/v1/vacancies"))
        .query(&[("q", "师傅"), ("programme", "cantonese-chef")])
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert!(
        titles(&v)
            .iter()
            .all(|t| ["粤菜厨师", "点心师傅", "烧腊师傅"].contains(&t.as_str())),
        "{v}"
    );
    // The caseload search: skills and wanted jobs.
    let r = app.get("/api/v1/workers?q=叉车", Some(&f.admin)).await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["items"][0]["id"], f.worker("forklift"), "{v}");
}

#[tokio::test]
async fn a_rebuilt_index_answers_exactly_like_the_incremental_one() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    // some edits so the incremental index has deletions and re-additions
    let r = app
        .post(
            &format!("/api/v1/vacancies/{}/close", f.vacancy("保洁员")),
            Some(&f.admin),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    app.wait_indexed().await;
    let mut before = Vec::new();
    for (key, _) in &f.workers {
        before.push(vacancy_titles(&app, &f, key).await.1);
    }
    for (title, _) in f.vacancies.iter().take(10) {
        before.push(worker_keys(&app, &f, title).await.1);
    }
    app.search.rebuild(None).await.unwrap();
    let mut after = Vec::new();
    for (key, _) in &f.workers {
        after.push(vacancy_titles(&app, &f, key).await.1);
    }
    for (title, _) in f.vacancies.iter().take(10) {
        after.push(worker_keys(&app, &f, title).await.1);
    }
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        let ids = |v: &Value| -> Vec<(i64, Vec<Value>)> {
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| {
                    let id = i["vacancy_id"]
                        .as_i64()
                        .or(i["worker_id"].as_i64())
                        .unwrap();
                    (id, i["reasons"].as_array().unwrap().clone())
                })
                .collect()
        };
        assert_eq!(ids(b), ids(a), "results differ after a rebuild");
    }
}

#[tokio::test]
async fn the_worker_sees_recommendations_with_reasons_on_a_page() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    // a self-registered cook with a login
    let r = app
        .post(
            "/api/v1/workers",
            None,
            &crate::helpers::worker_body(&id_number("19920202", 300), "13700001234"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    app.wait_indexed().await;
    let client = crate::helpers::browser();
    app.browser_login(&client, "13700001234", crate::helpers::PASSWORD)
        .await;
    let html = client
        .get(app.url("/matches"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("为你推荐"));
    let chef = html.find("粤菜厨师").expect("the cook job is recommended");
    let guard = html.find(">保安<").unwrap_or(usize::MAX);
    assert!(chef < guard);
    assert!(html.contains("技能：粤菜、炒锅"));
    assert!(html.contains("缺：粤菜师傅证书"));

    // The enterprise's candidates page: masked people, reasons.
    let hr = crate::helpers::browser();
    app.login_as("hr-page@test.local", laowu::auth::Role::Employer, Some(1))
        .await;
    app.browser_login(&hr, "hr-page@test.local", crate::helpers::PASSWORD)
        .await;
    let r = hr
        .get(app.url(&format!("/vacancies/{}/candidates", f.vacancy("叉车司机"))))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("证书：广东技工 叉车司机 四级"));
    assert!(pii_in(&html).is_empty(), "{:?}", pii_in(&html));
}

#[tokio::test]
async fn an_index_left_behind_by_a_crash_catches_up_at_the_next_start() {
    use laowu::search::SearchIndex;
    use laowu::search::analyzer::Lexicon;
    use laowu::search::sync::Indexer;
    use std::sync::Arc;

    let dir = tempfile::tempdir().unwrap();
    let url = crate::helpers::fresh_database_url(dir.path()).await;
    let db = laowu::db::connect(&url).await.unwrap();
    let index_dir = dir.path().join("index");
    {
        let ix = SearchIndex::open(Some(&index_dir), Lexicon::load(None)).unwrap();
        let indexer = Indexer::new(Arc::new(ix), db.clone());
        indexer.catch_up().await.unwrap();
        assert!(indexer.up_to_date().await.unwrap());
    } // the process "dies": nothing more reaches the index

    // Writes committed to the database after the last index commit.
    let app_state_free_write = async {
        let body: laowu::domain::worker::WorkerInput = serde_json::from_value(json!({
            "name": "田兴旺", "id_number": id_number("19900909", 401), "phone": "13600001111",
            "hometown_code": "520328101", "skills": "叉车", "desired_jobs": "叉车工",
        }))
        .unwrap();
        let w = body.parse(laowu::domain::today()).unwrap();
        let mut tx = db.begin().await.unwrap();
        laowu::db::workers::insert(
            &mut tx,
            &w,
            &laowu::db::workers::Registration {
                station_id: None,
                consent_by: "测试",
                created_by: None,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    };
    app_state_free_write.await;

    let ix = SearchIndex::open(Some(&index_dir), Lexicon::load(None)).unwrap();
    assert!(!ix.needs_rebuild, "a crash must not force a full rebuild");
    let indexer = Indexer::new(Arc::new(ix), db.clone());
    indexer.catch_up().await.unwrap();
    assert!(indexer.up_to_date().await.unwrap());
    let q = laowu::search::query::CaseloadQuery {
        q: "叉车".into(),
        limit: 10,
        ..Default::default()
    };
    let (ids, total) = laowu::search::query::search_caseload(&indexer.index, &q).unwrap();
    assert_eq!((ids, total), (vec![1], 1));
}

#[tokio::test]
async fn laowu_reindex_rebuilds_from_the_database() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, hr) = app.verified_employer(&admin, 600).await;
    for title in ["电子厂普工", "粤菜厨师"] {
        app.post(
            "/api/v1/vacancies",
            Some(&hr),
            &crate::helpers::vacancy_body(title),
        )
        .await;
    }
    app.post(
        "/api/v1/workers",
        None,
        &crate::helpers::worker_body(&id_number("19930303", 501), "13500001111"),
    )
    .await;
    let other_dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_laowu"))
        .args([
            "reindex",
            "--data-dir",
            other_dir.path().to_str().unwrap(),
            "--database-url",
            &app.database_url,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("2 个岗位，1 名务工人员"), "{stdout}");
    assert!(other_dir.path().join("index/vacancies/meta.json").exists());
}
