//! The queries behind the exports of lists (a station's workers, vacancies, placements) and the
//! dashboard's data; the files are written by [`crate::reports::lists`].

use sqlx::Row;

use super::Db;
use crate::domain::region::{region_label, township_name};
use crate::domain::values::fmt_date;
use crate::domain::{mask_id_number, today};
use crate::reports::ExportTable;

fn yes(b: bool) -> String {
    if b { "是".into() } else { "否".into() }
}

/// A vacancy's state in words (招聘中, 已招满, …); an open one past its closing day is 已过期.
fn vacancy_state(stored: &str, expires_on: &str, today: &str) -> String {
    use crate::domain::status::VacancyStatus;
    match VacancyStatus::parse(stored) {
        Some(VacancyStatus::Open) if !expires_on.is_empty() && expires_on < today => {
            VacancyStatus::Expired.label().to_owned()
        }
        Some(v) => v.label().to_owned(),
        None => stored.to_owned(),
    }
}

/// `workers` (a station's own caseload with `station`, or all), `vacancies`, `placements`.
/// Who may take which is decided by the caller ([`crate::service::reports::export`]).
pub async fn export_table(
    db: &Db,
    station: Option<i64>,
    what: &str,
) -> Result<Option<ExportTable>, sqlx::Error> {
    match what {
        "workers" => {
            let filter = crate::db::workers::WorkerFilter {
                station_id: station,
                page: 1,
                per_page: 100,
                ..Default::default()
            };
            let mut rows = Vec::new();
            let mut page = 1;
            loop {
                let (items, total) = crate::db::workers::list(
                    db,
                    &crate::db::workers::WorkerFilter {
                        page,
                        ..filter.clone()
                    },
                )
                .await?;
                let n = items.len();
                for w in items {
                    let h = w.household;
                    rows.push(vec![
                        w.name.clone(),
                        w.id_number.clone(),
                        w.phone.clone(),
                        region_label(&w.hometown_code),
                        yes(h.poverty_alleviated),
                        yes(h.monitored),
                        yes(h.relocated),
                        yes(h.zero_employment),
                        w.skills.clone(),
                        w.desired_jobs.clone(),
                        w.expected_wage.map(|x| x.to_string()).unwrap_or_default(),
                        w.status_label().into(),
                    ]);
                }
                if n == 0 || (page * 100) >= total {
                    break;
                }
                page += 1;
            }
            Ok(Some(ExportTable {
                title: "务工人员",
                header: vec![
                    "姓名",
                    "身份证号码",
                    "联系电话",
                    "户籍地",
                    "是否脱贫户",
                    "是否监测对象",
                    "是否易地搬迁",
                    "是否零就业家庭",
                    "劳动技能",
                    "就业意愿",
                    "期望月薪",
                    "状态",
                ],
                rows,
            }))
        }
        "vacancies" => {
            let today_s = fmt_date(today());
            let expires_on = |r: &sqlx::any::AnyRow| r.try_get::<String, _>(8);
            let rows = sqlx::query(
                "select v.title, e.name, v.town_code, v.headcount, v.filled, v.wage_min, v.wage_max, v.status, v.expires_on \
                 from vacancies v join employers e on e.id = v.employer_id order by v.id",
            )
            .fetch_all(db)
            .await?
            .iter()
            .map(|r| {
                Ok(vec![
                    r.try_get::<String, _>(0)?,
                    r.try_get::<String, _>(1)?,
                    township_name(&r.try_get::<String, _>(2)?),
                    r.try_get::<i64, _>(3)?.to_string(),
                    r.try_get::<i64, _>(4)?.to_string(),
                    format!("{}–{}", r.try_get::<i64, _>(5)?, r.try_get::<i64, _>(6)?),
                    vacancy_state(&r.try_get::<String, _>(7)?, &expires_on(r)?, &today_s),
                    expires_on(r)?,
                ])
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
            Ok(Some(ExportTable {
                title: "岗位",
                header: vec![
                    "岗位",
                    "用人单位",
                    "工作地点",
                    "招聘人数",
                    "已录用",
                    "月薪",
                    "状态",
                    "截止日期",
                ],
                rows,
            }))
        }
        "placements" => {
            // the admin's export (every station) carries the full number, so that it can be
            // checked against the national monitoring system; the export itself is audited
            let full_ids = station.is_none();
            let list = crate::db::placements::list(db, station, None).await?;
            let mut rows = Vec::new();
            for p in list {
                let id: String = sqlx::query_scalar("select id_number from workers where id = $1")
                    .bind(p.worker_id)
                    .fetch_one(db)
                    .await?;
                rows.push(vec![
                    p.worker_name.clone(),
                    if full_ids { id } else { mask_id_number(&id) },
                    p.employer_name.clone(),
                    p.vacancy_title.clone(),
                    p.start_date.clone(),
                    p.wage.to_string(),
                    if p.status == "active" {
                        "在岗".into()
                    } else {
                        "已离岗".into()
                    },
                    p.left_reason.clone().unwrap_or_default(),
                    crate::domain::gb2260::periods(&p.work_county)
                        .iter()
                        .find(|x| x.to_year.is_none())
                        .map(|x| x.label())
                        .unwrap_or_default(),
                    if p.channel == "self" {
                        "自主就业".into()
                    } else {
                        "组织化就业".into()
                    },
                ]);
            }
            Ok(Some(ExportTable {
                title: "上岗记录",
                header: vec![
                    "姓名",
                    "身份证号码",
                    "用人单位",
                    "岗位",
                    "上岗日期",
                    "月薪",
                    "状态",
                    "离岗原因",
                    "务工地",
                    "就业渠道",
                ],
                rows,
            }))
        }
        _ => Ok(None),
    }
}

/// What the dashboard draws.
pub struct DashboardData {
    pub placements_by_month: Vec<(String, f64)>,
    pub registrations_by_township: Vec<(String, f64)>,
    pub retention_curve: Vec<(String, f64)>,
    pub training_funnel: Vec<(String, f64)>,
}

pub async fn dashboard_data(db: &Db, station: Option<i64>) -> Result<DashboardData, sqlx::Error> {
    let today = today();
    let scope = if station.is_some() {
        " and station_id = $3"
    } else {
        " and $3 = $3"
    };
    let s = station.unwrap_or(0);
    let mut placements_by_month = Vec::new();
    for back in (0..12).rev() {
        let (mut y, mut m) = (today.year(), today.month() as i32 - back);
        while m < 1 {
            m += 12;
            y -= 1;
        }
        let month = crate::reports::Month {
            year: y,
            month: m as u8,
        };
        let n: i64 = sqlx::query(&format!(
            "select count(*) from placements where start_date >= $1 and start_date <= $2{scope}"
        ))
        .bind(fmt_date(month.first_day()))
        .bind(fmt_date(month.last_day()))
        .bind(s)
        .fetch_one(db)
        .await?
        .try_get(0)?;
        placements_by_month.push((format!("{m}月"), n as f64));
    }
    let by_town = sqlx::query(&format!(
        "select township_code, count(*) as n from workers where $1 = $1 and $2 = $2{scope} group by township_code order by n desc limit 12"
    ))
    .bind(0i64)
    .bind(0i64)
    .bind(s)
    .fetch_all(db)
    .await?;
    let registrations_by_township = by_town
        .iter()
        .map(|r| {
            Ok((
                township_name(&r.try_get::<String, _>(0)?),
                r.try_get::<i64, _>(1)? as f64,
            ))
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let mut retention_curve = vec![("上岗".to_owned(), 100.0)];
    for days in [7i64, 30, 90, 180] {
        let due = fmt_date(today - time::Duration::days(days));
        let base: i64 = sqlx::query(&format!(
            "select count(*) from placements where start_date <= $1 and $2 = $2{scope}"
        ))
        .bind(&due)
        .bind(0i64)
        .bind(s)
        .fetch_one(db)
        .await?
        .try_get(0)?;
        let held: i64 = sqlx::query(&format!(
            "select count(*) from placements p where p.start_date <= $1 and exists (select 1 from follow_ups f where f.placement_id = p.id \
             and f.day_offset = {days} and f.status = 'done' and f.still_employed = $2){}",
            if station.is_some() { " and p.station_id = $3" } else { " and $3 = $3" }
        ))
        .bind(&due)
        .bind(true)
        .bind(s)
        .fetch_one(db)
        .await?
        .try_get(0)?;
        let label = match days {
            7 => "7天",
            30 => "1个月",
            90 => "3个月",
            _ => "6个月",
        };
        let rate = if base == 0 {
            0.0
        } else {
            (held as f64 * 1000.0 / base as f64).round() / 10.0
        };
        retention_curve.push((label.into(), rate));
    }
    let funnel_sql = |cond: &str| {
        format!(
            "select count(*) from enrollments e join workers w on w.id = e.worker_id where {cond}{}",
            if station.is_some() {
                " and w.station_id = $1"
            } else {
                " and $1 = $1"
            }
        )
    };
    let mut training_funnel = Vec::new();
    for (label, cond) in [
        ("报名", "e.status <> 'pending'"),
        ("结业", "e.status = 'completed'"),
        ("取证", "e.certificate_id is not null"),
        (
            "培训后就业",
            "e.status = 'completed' and exists (select 1 from placements p where p.worker_id = e.worker_id and p.start_date >= e.completed_on)",
        ),
    ] {
        let n: i64 = sqlx::query(&funnel_sql(cond))
            .bind(s)
            .fetch_one(db)
            .await?
            .try_get(0)?;
        training_funnel.push((label.to_owned(), n as f64));
    }
    Ok(DashboardData {
        placements_by_month,
        registrations_by_township,
        retention_curve,
        training_funnel,
    })
}
