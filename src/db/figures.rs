//! The queries behind the monthly figures (信息报送); the report's types and its workbook are
//! in [`crate::reports`].

use sqlx::Row;
use time::OffsetDateTime;

use super::Db;
use crate::domain::region::township_name;
use crate::domain::values::fmt_date;
use crate::domain::{CST, Programme};
use crate::reports::instant;
use crate::reports::*;

struct Periods {
    m_from: String,
    m_to: String,
    y_from: String,
    /// instants (UTC) for timestamp columns
    mi_from: String,
    mi_to: String,
    yi_from: String,
}

async fn count(db: &Db, sql: &str, args: &[&str]) -> Result<i64, sqlx::Error> {
    let mut q = sqlx::query(sql);
    for a in args {
        q = q.bind(*a);
    }
    q.fetch_one(db).await?.try_get::<i64, _>(0)
}

/// Counts a date column in the month and year to date.
async fn pair_dates(db: &Db, p: &Periods, sql: &str) -> Result<Pair, sqlx::Error> {
    Ok(Pair {
        month: count(db, sql, &[&p.m_from, &p.m_to]).await?,
        ytd: count(db, sql, &[&p.y_from, &p.m_to]).await?,
    })
}

/// Counts a timestamp column (`>= $1 and < $2`) in the month and year to date.
async fn pair_instants(db: &Db, p: &Periods, sql: &str) -> Result<Pair, sqlx::Error> {
    Ok(Pair {
        month: count(db, sql, &[&p.mi_from, &p.mi_to]).await?,
        ytd: count(db, sql, &[&p.yi_from, &p.mi_to]).await?,
    })
}

/// Computes the month's figures from the database.
pub async fn monthly(db: &Db, month: Month) -> Result<MonthlyReport, sqlx::Error> {
    let first = month.first_day();
    let last = month.last_day();
    let year_first = Month {
        year: month.year,
        month: 1,
    }
    .first_day();
    let p = Periods {
        m_from: fmt_date(first),
        m_to: fmt_date(last),
        y_from: fmt_date(year_first),
        mi_from: instant(first),
        mi_to: instant(last.next_day().unwrap_or(last)),
        yi_from: instant(year_first),
    };
    let reg = "select count(*) from workers where created_at >= $1 and created_at < $2";
    let flag = |f: &str| format!("{reg} and {f} = $3");
    let flag_pair = |f: String| {
        let p = &p;
        async move {
            let c = |a: &str, b: &str| {
                let f = f.clone();
                let a = a.to_owned();
                let b = b.to_owned();
                async move {
                    sqlx::query(&f)
                        .bind(a)
                        .bind(b)
                        .bind(true)
                        .fetch_one(db)
                        .await?
                        .try_get::<i64, _>(0)
                }
            };
            Ok::<Pair, sqlx::Error>(Pair {
                month: c(&p.mi_from, &p.mi_to).await?,
                ytd: c(&p.yi_from, &p.mi_to).await?,
            })
        }
    };
    let mut by_township: Vec<TownshipCount> = Vec::new();
    for (from, is_month) in [(&p.yi_from, false), (&p.mi_from, true)] {
        let rows = sqlx::query("select township_code, count(*) from workers where created_at >= $1 and created_at < $2 group by township_code")
            .bind(from)
            .bind(&p.mi_to)
            .fetch_all(db)
            .await?;
        for r in rows {
            let code: String = r.try_get(0)?;
            let n: i64 = r.try_get(1)?;
            let entry = match by_township.iter_mut().find(|t| t.code == code) {
                Some(e) => e,
                None => {
                    by_township.push(TownshipCount {
                        name: township_name(&code),
                        code: code.clone(),
                        month: 0,
                        ytd: 0,
                    });
                    by_township.last_mut().expect("just pushed")
                }
            };
            if is_month {
                entry.month = n;
            } else {
                entry.ytd = n;
            }
        }
    }
    by_township.sort_by(|a, b| b.ytd.cmp(&a.ytd).then(a.code.cmp(&b.code)));
    let registrations = Registrations {
        total: pair_instants(db, &p, reg).await?,
        by_township,
        poverty_alleviated: flag_pair(flag("poverty_alleviated")).await?,
        monitored: flag_pair(flag("monitored")).await?,
        relocated: flag_pair(flag("relocated")).await?,
        zero_employment: flag_pair(flag("zero_employment")).await?,
    };
    let pl = "select count(*) from placements where start_date >= $1 and start_date <= $2";
    let east = "(substr(town_code, 1, 2) in ('11','12','13','21','31','32','33','35','37','46'))";
    let placements = Placements {
        total: pair_dates(db, &p, pl).await?,
        guangdong: pair_dates(db, &p, &format!("{pl} and substr(town_code, 1, 2) = '44'")).await?,
        east_other: pair_dates(db, &p, &format!("{pl} and {east}")).await?,
        guizhou: pair_dates(db, &p, &format!("{pl} and substr(town_code, 1, 2) = '52'")).await?,
        other: pair_dates(
            db,
            &p,
            &format!("{pl} and substr(town_code, 1, 2) not in ('44','52') and not {east}"),
        )
        .await?,
    };
    // retention as of the month's end: placements old enough, and those a follow-up confirmed
    let end = fmt_date(last);
    let due = |days: i64| fmt_date(last - time::Duration::days(days));
    let held = |days: i64| {
        format!(
            "select count(*) from placements p where p.start_date <= $1 and $2 = $2 and exists (select 1 from follow_ups f \
         where f.placement_id = p.id and f.day_offset = {days} and f.status = 'done' and f.still_employed = $3 and f.done_on <= $2)"
        )
    };
    let held_count = |days: i64| {
        let sql = held(days);
        let d = due(days);
        let end = end.clone();
        async move {
            sqlx::query(&sql)
                .bind(d)
                .bind(end)
                .bind(true)
                .fetch_one(db)
                .await?
                .try_get::<i64, _>(0)
        }
    };
    let retention = RetentionFigures {
        due_3m: count(
            db,
            "select count(*) from placements where start_date <= $1",
            &[&due(90)],
        )
        .await?,
        held_3m: held_count(90).await?,
        due_6m: count(
            db,
            "select count(*) from placements where start_date <= $1",
            &[&due(180)],
        )
        .await?,
        held_6m: held_count(180).await?,
    };
    let vacancies = VacancyFigures {
        posted: pair_instants(db, &p, "select count(*) from vacancies where created_at >= $1 and created_at < $2").await?,
        places_filled: pair_dates(db, &p, pl).await?,
        vacancies_filled: pair_dates(
            db,
            &p,
            "select count(*) from vacancies v where v.status = 'filled' and \
             (select max(start_date) from placements pl where pl.vacancy_id = v.id) between $1 and $2",
        )
        .await?,
    };
    let mut training = Vec::new();
    for prog in Programme::ALL {
        let code = prog.code();
        let enrolled = format!(
            "select count(*) from enrollments e join courses c on c.id = e.course_id where c.programme = '{code}' \
             and e.status <> 'pending' and e.created_at >= $1 and e.created_at < $2"
        );
        let certified = format!(
            "select count(*) from certificates where programme = '{code}' and created_at >= $1 and created_at < $2"
        );
        let employed = format!(
            "select count(*) from enrollments e join courses c on c.id = e.course_id where c.programme = '{code}' \
             and e.status = 'completed' and e.completed_on >= $1 and e.completed_on <= $2 and exists (select 1 from placements pl \
             where pl.worker_id = e.worker_id and pl.start_date >= e.completed_on)"
        );
        training.push(ProgrammeFigures {
            code: code.into(),
            name: prog.name().into(),
            enrolled: pair_instants(db, &p, &enrolled).await?,
            certified: pair_instants(db, &p, &certified).await?,
            employed_after: pair_dates(db, &p, &employed).await?,
        });
    }
    let follow_ups = FollowUpFigures {
        done: pair_dates(db, &p, "select count(*) from follow_ups where status = 'done' and done_on >= $1 and done_on <= $2").await?,
        overdue_at_month_end: count(
            db,
            "select count(*) from follow_ups where status <> 'cancelled' and due_on < $1 and (status = 'pending' or done_on > $1)",
            &[&end],
        )
        .await?,
    };
    let cases = CaseFigures {
        opened: pair_dates(db, &p, "select count(*) from cases where opened_on >= $1 and opened_on <= $2").await?,
        resolved: pair_dates(db, &p, "select count(*) from cases where resolved_on >= $1 and resolved_on <= $2").await?,
        open_at_month_end: count(
            db,
            "select count(*) from cases where opened_on <= $1 and (resolved_on is null or resolved_on > $1)",
            &[&end],
        )
        .await?,
    };
    let now = OffsetDateTime::now_utc().to_offset(CST);
    let events = super::events::monthly(
        db,
        [&p.mi_from, &p.mi_to, &p.yi_from],
        [&p.m_from, &p.m_to, &p.y_from],
    )
    .await?;
    Ok(MonthlyReport {
        month: month.to_string(),
        from: p.m_from,
        to: p.m_to,
        year_from: p.y_from,
        registrations,
        placements,
        retention,
        vacancies,
        training,
        follow_ups,
        cases,
        events,
        generated_at: format!(
            "{} {:02}:{:02}",
            fmt_date(now.date()),
            now.hour(),
            now.minute()
        ),
    })
}
