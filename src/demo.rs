//! The demo data set of `laowu serve --demo`: Meitan workers from real townships and villages,
//! Doumen enterprises and their vacancies, stations, a training provider and one login per
//! role, with fresh random passwords printed once.

use indicatif::{ProgressBar, ProgressStyle};
use rand::Rng;
use rand::seq::IndexedRandom;

use crate::auth::{CurrentUser, Role};
use crate::db::{self, stations, users};
use crate::domain::employer::{EmployerInput, VacancyInput};
use crate::domain::region::{DOUMEN, FUGONG, MEITAN, regions};
use crate::domain::values::fmt_date;
use crate::domain::worker::{Household, StringList, WorkerInput};
use crate::domain::{id_card, today, uscc};
use crate::service::accounts::{self, StationInput, UserInput};
use crate::service::{employers, vacancies, workers};
use crate::state::AppState;

const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "罗", "冉", "田",
];
const GIVEN: [&str; 24] = [
    "明", "芳", "勇", "霞", "军", "丽", "强", "敏", "伟", "静", "磊", "燕", "超", "娟", "平", "红",
    "波", "梅", "建国", "春花", "小龙", "晓燕", "德明", "兴旺",
];

/// (skills, wanted jobs, expected wage) of typical Meitan job seekers.
const PROFILES: [(&str, &str, i64); 12] = [
    ("粤菜、炒锅、切配", "厨师、中式烹调师", 6000),
    ("面点、蒸点", "面点师", 5500),
    ("电子装配、焊锡", "普工、电子厂", 4800),
    ("叉车、仓库管理", "叉车工、仓管", 5500),
    ("食品包装", "普工、包装工", 4500),
    ("育婴、早教", "育婴员、月嫂", 6500),
    ("养老护理、家务", "养老护理员、家政服务员", 5000),
    ("保安、巡逻", "保安", 4500),
    ("砌墙、抹灰、钢筋", "建筑工、泥瓦工", 7000),
    ("快递分拣、驾驶", "物流、分拣员", 5200),
    ("数控车床、看图", "数控车工、CNC操作工", 6500),
    ("茶叶加工、采茶", "茶叶加工、帮扶车间", 3200),
];

/// (name, town, vacancies: title, occupation, programme, wage range, lodging)
type VacancySeed = (
    &'static str,
    &'static str,
    Option<&'static str>,
    i64,
    i64,
    bool,
    &'static str,
);
const EMPLOYERS: [(&str, &str, &[VacancySeed]); 6] = [
    (
        "珠海斗门粤味轩餐饮有限公司",
        "440403107",
        &[
            (
                "粤菜厨师",
                "中式烹调师",
                Some("cantonese-chef"),
                6000,
                8500,
                true,
                "负责粤菜炒锅，持粤菜师傅证书优先。包吃住，月休4天。",
            ),
            (
                "点心师傅",
                "中式面点师",
                Some("cantonese-chef"),
                5500,
                7500,
                true,
                "早茶点心制作：虾饺、烧卖、叉烧包。",
            ),
            (
                "厨房帮工",
                "",
                None,
                4200,
                5000,
                true,
                "切配、打荷、清洁，零基础可教。",
            ),
        ],
    ),
    (
        "珠海市斗门区新青电子科技有限公司",
        "440403106",
        &[
            (
                "电子厂普工",
                "电子设备装接工",
                None,
                4800,
                6200,
                true,
                "流水线装配，两班倒，包住，有夜班补贴。",
            ),
            (
                "SMT操作员",
                "电子设备装接工",
                Some("guangdong-technician"),
                5500,
                7000,
                true,
                "贴片机操作，有经验者优先。",
            ),
            (
                "仓库叉车工",
                "叉车司机",
                Some("guangdong-technician"),
                5500,
                6800,
                true,
                "持叉车证，负责成品仓装卸。",
            ),
        ],
    ),
    (
        "珠海白蕉海鲈食品有限公司",
        "440403106",
        &[
            (
                "食品包装工",
                "",
                None,
                4500,
                5800,
                true,
                "白蕉海鲈加工包装，常白班，包吃住。",
            ),
            (
                "冷库搬运工",
                "",
                None,
                5000,
                6500,
                true,
                "冷库装卸，身体健康。",
            ),
        ],
    ),
    (
        "珠海市斗门区安心家政服务有限公司",
        "440403001",
        &[
            (
                "育婴员",
                "育婴员",
                Some("nanyue-housekeeping"),
                6000,
                9000,
                true,
                "住家育婴，持南粤家政育婴员证书优先。",
            ),
            (
                "养老护理员",
                "养老护理员",
                Some("nanyue-housekeeping"),
                5000,
                6500,
                true,
                "养老院护理，提供培训。",
            ),
            (
                "家政服务员",
                "家政服务员",
                None,
                4500,
                6000,
                false,
                "钟点工、保洁，时间灵活。",
            ),
        ],
    ),
    (
        "珠海井岸建筑工程有限公司",
        "440403107",
        &[
            (
                "建筑泥瓦工",
                "砌筑工",
                None,
                7000,
                9500,
                true,
                "砌墙、抹灰，按天或包工。",
            ),
            (
                "工地保安",
                "保安员",
                None,
                4500,
                5200,
                true,
                "工地门岗巡逻，包吃住。",
            ),
        ],
    ),
    (
        "珠海乾务精密机械有限公司",
        "440403105",
        &[
            (
                "数控车工",
                "数控车工",
                Some("guangdong-technician"),
                6500,
                9000,
                true,
                "CNC车床操作与调机，会看图纸。",
            ),
            (
                "物流分拣员",
                "",
                None,
                5000,
                6000,
                true,
                "成品分拣打包，两班倒。",
            ),
        ],
    ),
];

/// Fills the database when it has no logins yet; otherwise says so and does nothing.
pub async fn fill_if_empty(state: &AppState) -> anyhow::Result<()> {
    if users::count(&state.db).await? > 0 {
        println!("数据库已有数据，跳过演示数据。");
        return Ok(());
    }
    let db = &state.db;
    let mut logins: Vec<(String, &str, String)> = Vec::new();
    let total = 5 + EMPLOYERS.len() as u64 + 60 + 15;
    let bar = ProgressBar::new(total).with_style(
        ProgressStyle::with_template("演示数据 {bar:30} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );

    let admin_pw = password();
    let admin_id = accounts::create_user(
        db,
        &user("admin@laowu.local", &admin_pw, "admin", "区人社局管理员"),
    )
    .await
    .map_err(explain)?;
    logins.push(("admin@laowu.local".into(), "管理员", admin_pw));
    let admin = CurrentUser {
        id: admin_id,
        role: Role::Admin,
        display_name: "区人社局管理员".into(),
        login: "admin@laowu.local".into(),
        station_id: None,
        employer_id: None,
        provider_id: None,
        worker_id: None,
        ip: "127.0.0.1".into(),
    };
    bar.inc(1);

    let mut station_ids = Vec::new();
    for (name, side, email, county) in [
        (
            "湄潭县驻斗门劳务工作站",
            "sending",
            "station@laowu.local",
            MEITAN,
        ),
        (
            "斗门区劳务协作工作站",
            "receiving",
            "doumen-station@laowu.local",
            DOUMEN,
        ),
        (
            "福贡县驻斗门劳务工作站",
            "sending",
            "fugong-station@laowu.local",
            FUGONG,
        ),
    ] {
        let id = accounts::create_station(
            db,
            &admin,
            &StationInput {
                name: name.into(),
                side: side.into(),
                email: email.into(),
                county_code: Some(county.into()),
                phone: Some(
                    if side == "sending" {
                        "0851-24221234"
                    } else {
                        "0756-5512345"
                    }
                    .into(),
                ),
            },
        )
        .await
        .map_err(explain)?;
        let pw = password();
        let mut u = user(email, &pw, "station", "工作站专干");
        u.station_id = Some(id);
        accounts::create_user(db, &u).await.map_err(explain)?;
        logins.push((email.into(), "劳务工作站", pw));
        // each station's head (站长), who sees the station's late follow-ups and quiet cases
        let head_email = format!("head-{email}");
        let pw = password();
        let mut u = user(&head_email, &pw, "station", "站长");
        u.station_id = Some(id);
        let head = accounts::create_user(db, &u).await.map_err(explain)?;
        crate::db::users::set_head(db, head, true).await?;
        logins.push((head_email, "站长", pw));
        station_ids.push(id);
        bar.inc(1);
    }

    let provider = accounts::create_provider(
        db,
        &admin,
        &accounts::ProviderInput {
            name: "斗门区职业技能培训中心".into(),
            email: "training@laowu.local".into(),
        },
    )
    .await
    .map_err(explain)?;
    let pw = password();
    let mut u = user("trainer@laowu.local", &pw, "trainer", "培训中心教务");
    u.provider_id = Some(provider);
    accounts::create_user(db, &u).await.map_err(explain)?;
    logins.push(("trainer@laowu.local".into(), "培训机构", pw));
    bar.inc(1);

    let expires = fmt_date(today() + time::Duration::days(90));
    for (i, (name, town, seeds)) in EMPLOYERS.iter().enumerate() {
        bar.set_message(name.to_string());
        let code = uscc::with_check_char(&format!("9144040{}MA4UK{:04}", 3, 1000 + i));
        let e = employers::register(
            state,
            &EmployerInput {
                name: (*name).into(),
                uscc: code,
                town_code: (*town).into(),
                address: "珠海市斗门区".into(),
                contact_name: format!("{}经理", SURNAMES[i]),
                contact_phone: format!("1390756{:04}", 1000 + i),
                contact_email: format!("hr{}@laowu.local", i + 1),
            },
        )
        .await
        .map_err(explain)?;
        employers::set_status(
            state,
            &admin,
            e.id,
            crate::domain::status::EmployerStatus::Verified,
        )
        .await
        .map_err(explain)?;
        for (title, occupation, programme, lo, hi, lodging, description) in seeds.iter() {
            vacancies::create(
                state,
                &admin,
                &VacancyInput {
                    title: (*title).into(),
                    description: (*description).into(),
                    occupation: (*occupation).into(),
                    headcount: Some(rand::rng().random_range(2..=20)),
                    wage_min: Some(*lo),
                    wage_max: Some(*hi),
                    town_code: (*town).into(),
                    lodging: *lodging,
                    meals: *lodging,
                    shift: if description.contains("两班倒") {
                        "两班倒".into()
                    } else {
                        "常白班".into()
                    },
                    min_age: Some(18),
                    max_age: Some(if title.contains("保安") { 55 } else { 50 }),
                    required_programme: programme.map(str::to_owned),
                    expires_on: expires.clone(),
                    employer_id: Some(e.id),
                    ..Default::default()
                },
            )
            .await
            .map_err(explain)?;
        }
        if i == 0 {
            let pw = password();
            let mut u = user("hr@laowu.local", &pw, "employer", "粤味轩人事");
            u.employer_id = Some(e.id);
            accounts::create_user(db, &u).await.map_err(explain)?;
            logins.push(("hr@laowu.local".into(), "用人单位", pw));
        }
        bar.inc(1);
    }
    // One 帮扶车间 in Meitan, near home.
    let workshop_town = regions().townships_of(MEITAN)[3].code.clone();
    vacancies::create(
        state,
        &admin,
        &VacancyInput {
            title: "茶叶加工帮扶车间操作工".into(),
            description: "湄潭本地帮扶车间，就近就业，照顾家庭。".into(),
            occupation: "茶叶加工".into(),
            headcount: Some(15),
            wage_min: Some(2800),
            wage_max: Some(3600),
            town_code: workshop_town,
            shift: "常白班".into(),
            min_age: Some(18),
            max_age: Some(60),
            expires_on: expires.clone(),
            assistance_workshop: true,
            employer_id: Some(1),
            ..Default::default()
        },
    )
    .await
    .map_err(explain)?;

    let station = CurrentUser {
        id: admin_id,
        role: Role::Station,
        display_name: "工作站专干".into(),
        station_id: station_ids.first().copied(),
        ..admin.clone()
    };
    let towns = regions().townships_of(MEITAN);
    let mut rng = rand::rng();
    let mut worker_login = None;
    // uneven, as a county is: a few townships send many, most a few
    let weights: Vec<u32> = (0..towns.len())
        .map(|i| {
            if i % 4 == 0 {
                6
            } else {
                1 + (i as u32 * 7) % 3
            }
        })
        .collect();
    let town_at = |r: &mut rand::rngs::ThreadRng| {
        let total: u32 = weights.iter().sum();
        let mut pick = r.random_range(0..total);
        for (i, w) in weights.iter().enumerate() {
            if pick < *w {
                return i;
            }
            pick -= w;
        }
        0
    };
    for n in 0..60u32 {
        let town = towns[if n == 0 { 0 } else { town_at(&mut rng) }];
        let villages = regions().villages_of(&town.code);
        let hometown = villages
            .choose(&mut rng)
            .map_or_else(|| town.code.clone(), |v| v.code.clone());
        let year = rng.random_range(1970..=2006);
        let prefix = if year < 1997 && rng.random_bool(0.5) {
            "522128"
        } else {
            MEITAN
        };
        let seq = 100 + n;
        let id_number = id_card::with_check_char(&format!(
            "{prefix}{year}{:02}{:02}{seq:03}",
            rng.random_range(1..=12),
            rng.random_range(1..=28)
        ));
        let (skills, jobs, wage) = PROFILES[n as usize % PROFILES.len()];
        let name = format!(
            "{}{}",
            SURNAMES[n as usize % SURNAMES.len()],
            GIVEN[(n as usize * 7) % GIVEN.len()]
        );
        let phone = format!("1378521{:04}", 1000 + n);
        let is_self = n == 0;
        let pw = password();
        let input = WorkerInput {
            name,
            id_number,
            phone: phone.clone(),
            hometown_code: hometown,
            skills: StringList::One(skills.into()),
            desired_jobs: StringList::One(jobs.into()),
            expected_wage: Some(wage),
            needs_lodging: n % 3 != 0,
            household: Household {
                poverty_alleviated: n % 4 == 0,
                monitored: n % 9 == 0,
                relocated: n % 7 == 0,
                zero_employment: n % 13 == 0,
            },
            consent: true,
            password: is_self.then(|| pw.clone()),
            ..Default::default()
        };
        let actor = if is_self { None } else { Some(&station) };
        match workers::register(state, actor, &input).await {
            Ok(_) => {}
            Err(crate::error::AppError::Conflict { .. }) => {}
            Err(e) => return Err(anyhow::anyhow!("demo worker {n}: {e}")),
        }
        if is_self {
            worker_login = Some((phone, pw));
        }
        bar.inc(1);
    }
    if let Some((phone, pw)) = worker_login {
        logins.push((phone, "务工人员", pw));
    }
    // 福贡: fewer, all through the 福贡 station (registered by the admin, they go there)
    let fugong_towns = regions().townships_of(FUGONG);
    for n in 0..15u32 {
        let town = fugong_towns[(n as usize * 3) % fugong_towns.len()];
        let (skills, jobs, wage) = PROFILES[(n as usize + 5) % PROFILES.len()];
        let input = WorkerInput {
            name: format!(
                "{}{}",
                ["和", "李", "余", "普", "丰"][n as usize % 5],
                GIVEN[(n as usize * 5 + 3) % GIVEN.len()]
            ),
            id_number: id_card::with_check_char(&format!(
                "{FUGONG}19{:02}0{}1{}{:03}",
                80 + n % 20,
                1 + n % 9,
                n % 3,
                200 + n
            )),
            phone: format!("1388861{:04}", 1000 + n),
            hometown_code: town.code.clone(),
            skills: StringList::One(skills.into()),
            desired_jobs: StringList::One(jobs.into()),
            expected_wage: Some(wage),
            needs_lodging: true,
            household: Household {
                poverty_alleviated: n % 2 == 0,
                monitored: n % 5 == 0,
                relocated: n % 3 == 0,
                zero_employment: false,
            },
            consent: true,
            ..Default::default()
        };
        match workers::register(state, Some(&admin), &input).await {
            Ok(_) | Err(crate::error::AppError::Conflict { .. }) => {}
            Err(e) => return Err(anyhow::anyhow!("demo 福贡 worker {n}: {e}")),
        }
        bar.inc(1);
    }
    ledger_facts(state).await?;
    targets(state, &admin).await?;
    placements(state, &admin).await?;
    training_demo(state, &admin, provider).await?;
    bar.finish_with_message("完成");
    let stations_n = stations::list(db).await?.len();
    let workers_n = db::count(db, "select count(*) from workers").await?;
    let vacancies_n = db::count(db, "select count(*) from vacancies").await?;
    println!(
        "\n演示数据已生成：{workers_n} 名务工人员、{} 家企业、{vacancies_n} 个岗位、{stations_n} 个工作站。",
        EMPLOYERS.len()
    );
    println!("演示账号（密码随机生成，只显示这一次）：");
    for (login, role, pw) in &logins {
        println!("  {role:<6} {login:<28} {pw}");
    }
    let _ = DOUMEN;
    Ok(())
}

/// Workers the ledger says are already working away — in Guangdong, in other provinces, in
/// Guizhou, near home — as a county's ledger does.
async fn ledger_facts(state: &AppState) -> anyhow::Result<()> {
    const PLACES: [(&str, &str); 7] = [
        ("省外务工", "广东省珠海市斗门区"),
        ("省外务工", "广东省东莞市"),
        ("省外务工", "浙江省宁波市鄞州区"),
        ("省外务工", "福建省泉州市晋江市"),
        ("省内务工", "贵州省贵阳市观山湖区"),
        ("县内务工", "湄潭县永兴镇"),
        ("省外务工", "广东省佛山市顺德区"),
    ];
    let ids = db::workers::ids_for_demo(&state.db).await?;
    let mut tx = state.db.begin().await?;
    for (k, id) in ids.iter().enumerate().filter(|(k, _)| k % 3 == 1) {
        let (note, place) = PLACES[k % PLACES.len()];
        db::workers::set_ledger_facts(
            &mut tx,
            *id,
            &db::workers::LedgerFacts {
                household_no: None,
                work_place: Some(place.into()),
                employment_note: Some(note.into()),
                monthly_income: Some(3800 + (k as i64 % 7) * 300),
                work_channel: Some(if k % 2 == 0 { "organised" } else { "self" }.into()),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// This year's targets for both counties, so that the assessment shows completion rates.
async fn targets(state: &AppState, admin: &CurrentUser) -> anyhow::Result<()> {
    use crate::domain::assessment::Indicator;
    use crate::service::assessment::{self, TargetInput, Targets};
    let meitan = [30, 10, 5, 2, 2, 8, 6, 2, 5, 2];
    let fugong = [8, 5, 3, 1, 1, 3, 2, 1, 2, 1];
    let mut list = Vec::new();
    for (county, values) in [(MEITAN, meitan), (FUGONG, fugong)] {
        for (i, v) in Indicator::ALL.iter().zip(values) {
            list.push(TargetInput {
                county: county.into(),
                indicator: i.code().into(),
                value: v,
            });
        }
    }
    assessment::set_targets(state, admin, today().year(), &Targets { targets: list })
        .await
        .map_err(explain)?;
    Ok(())
}

/// A few hires in the past, so that follow-ups are due, overdue and done, one problem is open
/// and the retention figures have something to count.
async fn placements(state: &AppState, admin: &CurrentUser) -> anyhow::Result<()> {
    use crate::service::applications::{self, ApplicationInput, TransitionInput};
    use crate::service::followups::{self, FollowUpInput};
    for (n, days_ago) in [(1i64, 200i64), (2, 100), (3, 40), (4, 25), (5, 17)] {
        let worker_id = n + 1;
        let vacancy_id = n * 2;
        let id = applications::apply(
            state,
            admin,
            &ApplicationInput {
                worker_id: Some(worker_id),
                vacancy_id: Some(vacancy_id),
                ..Default::default()
            },
        )
        .await
        .map_err(explain)?;
        // hired today, then moved back: a hire may be recorded at most 90 days late
        let start = fmt_date(today());
        let t = applications::transition(
            state,
            admin,
            id,
            &TransitionInput {
                to: "hired".into(),
                start_date: Some(start),
                wage: Some(5200 + n * 300),
                ..Default::default()
            },
        )
        .await
        .map_err(explain)?;
        let Some(placement) = t.placement_id else {
            continue;
        };
        db::placements::backdate_for_demo(
            &state.db,
            placement,
            today() - time::Duration::days(days_ago),
        )
        .await?;
        let view = followups::placement(state, admin, placement)
            .await
            .map_err(explain)?;
        // the fourth and fifth hires are left with visits overdue 18 and 10 days, for the
        // caseload page and the escalation lists (the bureau's and the head's)
        let recorded = view
            .follow_ups
            .iter()
            .filter(|f| n < 4 && f.due_on <= fmt_date(today() - time::Duration::days(2)));
        for f in recorded {
            let problem = (n == 3 && f.day_offset == 30).then(|| "wage_arrears".to_owned());
            followups::complete(
                state,
                admin,
                f.id,
                &FollowUpInput {
                    method: "phone".into(),
                    still_employed: Some(true),
                    wage_paid_on_time: Some(problem.is_none()),
                    monthly_wage: Some(5200 + n * 300),
                    note: Some(if problem.is_some() {
                        "上月工资拖欠半个月".into()
                    } else {
                        "工作稳定".into()
                    }),
                    problem,
                    left_reason: None,
                },
            )
            .await
            .map_err(explain)?;
            // recorded on its own day, a few days after it fell due (not all today)
            if let Ok(due) = crate::domain::values::parse_date(&f.due_on) {
                let on = (due + time::Duration::days(f.id % 4)).min(today());
                db::placements::set_done_on_for_demo(&state.db, f.id, &fmt_date(on)).await?;
            }
        }
    }
    Ok(())
}

/// Two courses: one finished with certificates, one starting soon.
async fn training_demo(state: &AppState, admin: &CurrentUser, provider: i64) -> anyhow::Result<()> {
    use crate::service::training::{self, CompletionInput, CourseInput};
    let course =
        |title: &str, programme: &str, occupation: &str, start: i64, end: i64| CourseInput {
            programme: programme.into(),
            title: title.into(),
            occupation: occupation.into(),
            level: Some("四级/中级工".into()),
            start_date: fmt_date(today() + time::Duration::days(start)),
            end_date: fmt_date(today() + time::Duration::days(end)),
            place: Some("斗门区井岸镇职业技能培训中心".into()),
            capacity: Some(30),
            subsidised: Some(true),
            provider_id: Some(provider),
        };
    let done = training::create_course(
        state,
        admin,
        &course(
            "2026年第三期粤菜师傅（中式烹调师）培训班",
            "cantonese-chef",
            "中式烹调师",
            -30,
            0,
        ),
    )
    .await
    .map_err(explain)?;
    training::create_course(
        state,
        admin,
        &course(
            "2027年第一期南粤家政（育婴员）培训班",
            "nanyue-housekeeping",
            "育婴员",
            14,
            44,
        ),
    )
    .await
    .map_err(explain)?;
    for (n, worker_id) in [(0, 13i64), (1, 25), (2, 37)] {
        let e = training::enroll(state, admin, done, Some(worker_id))
            .await
            .map_err(explain)?;
        if n < 2 {
            training::complete(
                state,
                admin,
                e,
                &CompletionInput {
                    certificate_no: Some(format!("S2026440403{:04}", 101 + n)),
                    ..Default::default()
                },
            )
            .await
            .map_err(explain)?;
        }
    }
    Ok(())
}

fn user(email: &str, password: &str, role: &str, name: &str) -> UserInput {
    UserInput {
        email: email.into(),
        password: password.into(),
        role: role.into(),
        display_name: Some(name.into()),
        ..Default::default()
    }
}

/// A random password that meets the strength rule.
fn password() -> String {
    const CHARS: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut rng = rand::rng();
    let letters: String = (0..6)
        .map(|_| char::from(*CHARS.choose(&mut rng).unwrap_or(&b'a')))
        .collect();
    format!("{letters}-{}", rng.random_range(1000..10_000))
}

/// An error with its field messages, for the operator.
fn explain(e: crate::error::AppError) -> anyhow::Error {
    let fields = e.field_errors();
    anyhow::anyhow!("{e} {:?}", fields.0)
}
