//! The queries behind the monthly figures (信息报送); the report's types and its workbook are
//! in [`crate::reports`].

use sqlx::Row;
use time::OffsetDateTime;

use super::Db;
use crate::domain::Programme;
use crate::domain::region::township_name;
use crate::domain::values::fmt_date;
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

/// Counts with `$3` bound to `true` (a boolean column), in the month and year to date.
async fn flag_dates(db: &Db, p: &Periods, sql: &str) -> Result<Pair, sqlx::Error> {
    let c = |a: &str, b: &str| {
        sqlx::query(sql)
            .bind(a.to_owned())
            .bind(b.to_owned())
            .bind(true)
            .fetch_one(db)
    };
    Ok(Pair {
        month: c(&p.m_from, &p.m_to).await?.try_get::<i64, _>(0)?,
        ytd: c(&p.y_from, &p.m_to).await?.try_get::<i64, _>(0)?,
    })
}

/// Completions of a programme's courses between two dates followed by a placement within
/// [`EMPLOYED_AFTER_DAYS`] (dates are compared in Rust: the backends do date arithmetic
/// differently).
async fn employed_after(
    db: &Db,
    programme: &str,
    from: &str,
    to: &str,
    of: &str,
) -> Result<i64, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "select e.completed_on, (select min(pl.start_date) from placements pl \
         where pl.worker_id = e.worker_id and pl.start_date >= e.completed_on) as placed \
         from enrollments e join courses c on c.id = e.course_id where c.programme = $1 \
         and e.status = 'completed' and e.completed_on >= $2 and e.completed_on <= $3{}",
        of.replace("worker_id", "e.worker_id")
    ))
    .bind(programme)
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await?;
    let mut n = 0;
    for r in rows {
        let done: Option<String> = r.try_get(0)?;
        let placed: Option<String> = r.try_get(1)?;
        let within = match (
            done.as_deref().map(crate::domain::values::parse_date),
            placed,
        ) {
            (Some(Ok(d)), Some(pl)) => {
                pl.as_str() <= fmt_date(d + time::Duration::days(EMPLOYED_AFTER_DAYS)).as_str()
            }
            _ => false,
        };
        n += i64::from(within);
    }
    Ok(n)
}

/// Computes the month's figures from the database: of everyone, or (`county`, a 6-digit code)
/// of the workers whose home is in that county — registrations, placements, retention,
/// training, follow-ups and cases; the vacancy and event figures stay the district's.
pub async fn monthly(
    db: &Db,
    month: Month,
    county: Option<&str>,
) -> Result<MonthlyReport, sqlx::Error> {
    // the code goes into the SQL text: only ever six digits
    let county = county.filter(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()));
    let home = |col: &str| {
        county.map_or_else(String::new, |c| format!(" and substr({col}, 1, 6) = '{c}'"))
    };
    // `and worker_id in (…)`: a row about a worker of the county
    let of = county.map_or_else(String::new, |c| {
        format!(
            " and worker_id in (select id from workers where substr(hometown_code, 1, 6) = '{c}')"
        )
    });
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
    let reg = format!(
        "select count(*) from workers where created_at >= $1 and created_at < $2{}",
        home("hometown_code")
    );
    let reg = reg.as_str();
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
        let rows = sqlx::query(&format!("select township_code, count(*) from workers where created_at >= $1 and created_at < $2{} group by township_code", home("hometown_code")))
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
    let pl =
        format!("select count(*) from placements where start_date >= $1 and start_date <= $2{of}");
    let pl = pl.as_str();
    // destinations from the workplace county relative to the home county; disjoint by
    // construction, so the four rows add up to the total
    let plw = format!(
        "select count(*) from placements p join workers w on w.id = p.worker_id \
         where p.start_date >= $1 and p.start_date <= $2{}",
        home("w.hometown_code")
    );
    let plw = plw.as_str();
    let gd = "substr(p.town_code, 1, 2) = '44'";
    let same_prov = "substr(p.town_code, 1, 2) = substr(w.hometown_code, 1, 2)";
    let same_county = "substr(p.town_code, 1, 6) = substr(w.hometown_code, 1, 6)";
    let placements = Placements {
        total: pair_dates(db, &p, pl).await?,
        guangdong: pair_dates(db, &p, &format!("{plw} and {gd}")).await?,
        east_other: pair_dates(db, &p, &format!("{plw} and not {gd} and not {same_prov}")).await?,
        in_province: pair_dates(
            db,
            &p,
            &format!("{plw} and not {gd} and {same_prov} and not {same_county}"),
        )
        .await?,
        in_county: pair_dates(db, &p, &format!("{plw} and not {gd} and {same_county}")).await?,
        poverty_alleviated: flag_dates(db, &p, &format!("{plw} and w.poverty_alleviated = $3"))
            .await?,
        monitored: flag_dates(db, &p, &format!("{plw} and w.monitored = $3")).await?,
    };
    let mut counties = Vec::new();
    for (code, name) in crate::domain::assessment::COUNTIES
        .iter()
        .filter(|(code, _)| county.is_none_or(|c| c == *code))
    {
        let home = format!("substr(w.hometown_code, 1, 6) = '{code}'");
        counties.push(CountyFigures {
            code: (*code).into(),
            name: (*name).into(),
            registrations: pair_instants(
                db,
                &p,
                &format!("{reg} and substr(hometown_code, 1, 6) = '{code}'"),
            )
            .await?,
            placements: pair_dates(db, &p, &format!("{plw} and {home}")).await?,
            placements_poverty: flag_dates(
                db,
                &p,
                &format!("{plw} and {home} and (w.poverty_alleviated = $3 or w.monitored = $3)"),
            )
            .await?,
            certified: pair_dates(
                db,
                &p,
                &format!(
                    "select count(*) from certificates c join workers w on w.id = c.worker_id \
                     where c.issued_on >= $1 and c.issued_on <= $2 and {home}"
                ),
            )
            .await?,
        });
    }
    // retention as of the month's end: placements old enough, and those a follow-up confirmed
    let end = fmt_date(last);
    let due = |days: i64| fmt_date(last - time::Duration::days(days));
    let held = |days: i64| {
        format!(
            "select count(*) from placements p where p.start_date <= $1 and $2 = $2 and exists (select 1 from follow_ups f \
         where f.placement_id = p.id and f.day_offset = {days} and f.status = 'done' and f.still_employed = $3 and f.done_on <= $2){}",
            of.replace("worker_id", "p.worker_id")
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
            &format!("select count(*) from placements where start_date <= $1{of}"),
            &[&due(90)],
        )
        .await?,
        held_3m: held_count(90).await?,
        due_6m: count(
            db,
            &format!("select count(*) from placements where start_date <= $1{of}"),
            &[&due(180)],
        )
        .await?,
        held_6m: held_count(180).await?,
    };
    let vacancies = VacancyFigures {
        posted: pair_instants(db, &p, "select count(*) from vacancies where created_at >= $1 and created_at < $2").await?,
        places_posted: pair_instants(db, &p, "select cast(coalesce(sum(headcount), 0) as bigint) from vacancies where created_at >= $1 and created_at < $2").await?,
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
             and e.status <> 'pending' and e.created_at >= $1 and e.created_at < $2{}",
            of.replace("worker_id", "e.worker_id")
        );
        let certified = format!(
            "select count(*) from certificates where programme = '{code}' and issued_on >= $1 and issued_on <= $2{of}"
        );
        training.push(ProgrammeFigures {
            code: code.into(),
            name: prog.name().into(),
            enrolled: pair_instants(db, &p, &enrolled).await?,
            certified: pair_dates(db, &p, &certified).await?,
            employed_after: Pair {
                month: employed_after(db, code, &p.m_from, &p.m_to, &of).await?,
                ytd: employed_after(db, code, &p.y_from, &p.m_to, &of).await?,
            },
        });
    }
    // follow-ups belong to a placement
    let fu = county.map_or_else(String::new, |_| {
        format!(" and placement_id in (select id from placements where 1 = 1{of})")
    });
    let follow_ups = FollowUpFigures {
        done: pair_dates(db, &p, &format!("select count(*) from follow_ups where status = 'done' and done_on >= $1 and done_on <= $2{fu}")).await?,
        overdue_at_month_end: count(
            db,
            &format!("select count(*) from follow_ups where status <> 'cancelled' and due_on < $1 and (status = 'pending' or done_on > $1){fu}"),
            &[&end],
        )
        .await?,
    };
    let cases = CaseFigures {
        opened: pair_dates(db, &p, &format!("select count(*) from cases where opened_on >= $1 and opened_on <= $2{of}")).await?,
        resolved: pair_dates(db, &p, &format!("select count(*) from cases where resolved_on >= $1 and resolved_on <= $2{of}")).await?,
        open_at_month_end: count(
            db,
            &format!("select count(*) from cases where opened_on <= $1 and (resolved_on is null or resolved_on > $1){of}"),
            &[&end],
        )
        .await?,
    };
    let events = super::events::monthly(
        db,
        [&p.mi_from, &p.mi_to, &p.yi_from],
        [&p.m_from, &p.m_to, &p.y_from],
    )
    .await?;
    Ok(MonthlyReport {
        scope: county.map_or_else(
            || "全平台".to_owned(),
            |c| {
                crate::domain::assessment::COUNTIES
                    .iter()
                    .find(|(code, _)| *code == c)
                    .map_or_else(|| c.to_owned(), |(_, name)| (*name).to_owned())
            },
        ),
        month: month.to_string(),
        from: p.m_from,
        to: p.m_to,
        year_from: p.y_from,
        registrations,
        placements,
        counties,
        retention,
        vacancies,
        training,
        follow_ups,
        cases,
        events,
        generated_at: crate::domain::fmt_shown(OffsetDateTime::now_utc()),
    })
}
