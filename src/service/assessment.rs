//! The district's assessment (考评): each year's targets per county, the headline indicators
//! as of a month's end, and the people behind every number. A figure and its list come from
//! the same function ([`people_by_indicator`]), so the list's length *is* the figure.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, Role};
pub use crate::db::assessment::TargetRow;
use crate::db::assessment::{self as db, CountyWorker};
use crate::db::audit;
use crate::domain::assessment::{COUNTIES, Destination, Indicator, county_name};
use crate::domain::values::fmt_date;
use crate::domain::workplace;
use crate::domain::{gb2260, mask_id_number, today};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::service::policy;
use crate::state::AppState;

pub use crate::reports::assessment::{Assessment, IndicatorRow, People, Person};

/// One target as entered.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct TargetInput {
    /// `520328` (湄潭县) or `533323` (福贡县)
    pub county: String,
    /// an indicator code
    pub indicator: String,
    pub value: i64,
}

/// A year's targets (`PUT /api/v1/targets/{year}` replaces them).
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct Targets {
    pub targets: Vec<TargetInput>,
}

fn check_year(year: i32) -> AppResult<i32> {
    if (2000..=2100).contains(&year) {
        Ok(year)
    } else {
        Err(AppError::invalid("year", "年份应在2000到2100之间"))
    }
}

/// Replaces a year's targets (the admin); the previous set is kept as history.
pub async fn set_targets(
    state: &AppState,
    actor: &CurrentUser,
    year: i32,
    input: &Targets,
) -> AppResult<()> {
    actor.require(&[Role::Admin])?;
    let year = check_year(year)?;
    let mut e = FieldErrors::new();
    let mut rows = Vec::new();
    let mut seen = BTreeSet::new();
    if input.targets.len() > 200 {
        e.add("targets", "最多200项");
    }
    for (i, t) in input.targets.iter().enumerate() {
        let field = format!("targets[{i}]");
        if county_name(t.county.trim()).is_none() {
            e.add(&field, "县应为 520328（湄潭县）或 533323（福贡县）");
            continue;
        }
        let indicator = match Indicator::parse(&t.indicator) {
            Ok(i) => i,
            Err(m) => {
                e.add(&field, m);
                continue;
            }
        };
        if !(0..=10_000_000).contains(&t.value) {
            e.add(&field, "目标值应在0到10000000之间");
            continue;
        }
        if !seen.insert((t.county.trim().to_owned(), indicator.code())) {
            e.add(&field, "同一县、同一指标只能有一个目标");
            continue;
        }
        rows.push((
            t.county.trim().to_owned(),
            indicator.code().to_owned(),
            t.value,
        ));
    }
    if !e.is_empty() {
        return Err(AppError::Validation(e));
    }
    db::set_targets(&state.db, year, Some(actor.id), &rows).await?;
    audit::record(
        &state.db,
        actor.by(),
        "set_targets",
        "targets",
        None,
        &format!("{year}年 {}项", rows.len()),
    )
    .await?;
    Ok(())
}

/// A year's targets (the admin, and stations), or with `history` every set ever entered.
pub async fn targets(
    state: &AppState,
    actor: &CurrentUser,
    year: i32,
    history: bool,
) -> AppResult<Vec<TargetRow>> {
    actor.require(&[Role::Admin, Role::Station])?;
    let year = check_year(year)?;
    Ok(db::targets(&state.db, year, history).await?)
}

/// `?year=&county=[&month=]` (and `&indicator=` for the people).
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssessmentQuery {
    pub year: Option<i32>,
    /// `520328` or `533323`
    pub county: Option<String>,
    /// 1–12: figures as of that month's end (default: today; empty = default)
    pub month: Option<String>,
    pub indicator: Option<String>,
}

/// The checked parameters: year, county, as-of date.
struct Scope {
    year: i32,
    county: String,
    as_of: Date,
    month: Option<u8>,
}

fn scope(q: &AssessmentQuery, default_county: Option<&str>) -> AppResult<Scope> {
    let now = today();
    let year = check_year(q.year.unwrap_or(now.year()))?;
    let county = q
        .county
        .clone()
        .filter(|c| !c.trim().is_empty())
        .or_else(|| default_county.map(str::to_owned))
        .unwrap_or_else(|| COUNTIES[0].0.to_owned());
    let month = match q.month.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(m) => Some(
            m.parse::<u8>()
                .map_err(|_| AppError::invalid("month", "月份应为1到12"))?,
        ),
    };
    if county_name(&county).is_none() {
        return Err(AppError::invalid(
            "county",
            "县应为 520328（湄潭县）或 533323（福贡县）",
        ));
    }
    let year_end = Date::from_calendar_date(year, time::Month::December, 31)
        .map_err(|_| AppError::invalid("year", "年份无效"))?;
    let as_of = match month {
        Some(m) => {
            let m = time::Month::try_from(m)
                .map_err(|_| AppError::invalid("month", "月份应为1到12"))?;
            let first = Date::from_calendar_date(year, m, 1)
                .map_err(|_| AppError::invalid("month", "月份应为1到12"))?;
            let next = if m == time::Month::December {
                year_end.next_day().unwrap_or(year_end)
            } else {
                Date::from_calendar_date(year, m.next(), 1).unwrap_or(year_end)
            };
            next.previous_day().unwrap_or(first)
        }
        None => now.min(year_end),
    };
    Ok(Scope {
        year,
        county,
        as_of,
        month,
    })
}

/// The county a station serves (none for other roles).
async fn station_county(state: &AppState, actor: &CurrentUser) -> AppResult<Option<String>> {
    Ok(match actor.station_id {
        Some(id) if actor.is(Role::Station) => crate::db::stations::get(&state.db, id)
            .await?
            .and_then(|s| s.county_code),
        _ => None,
    })
}

/// The checked scope of a request: the admin sees every county, a station its own (and by
/// default).
async fn checked_scope(
    state: &AppState,
    actor: &CurrentUser,
    q: &AssessmentQuery,
) -> AppResult<Scope> {
    actor.require(&[Role::Admin, Role::Station])?;
    let own = station_county(state, actor).await?;
    let s = scope(q, own.as_deref())?;
    if policy::may_view_assessment(actor.role, own.as_deref(), &s.county) {
        Ok(s)
    } else {
        Err(AppError::Forbidden)
    }
}

/// A counted person: the worker and the workplace code the figure used (if any).
type Counted<'a> = (&'a CountyWorker, Option<String>);

/// Every indicator's people, computed once from the county's facts.
async fn people_by_indicator(
    state: &AppState,
    s: &Scope,
) -> AppResult<(
    Vec<CountyWorker>,
    HashMap<Indicator, BTreeMap<i64, Option<String>>>,
)> {
    let from = format!("{:04}-01-01", s.year);
    let to = fmt_date(s.as_of);
    let mut out: HashMap<Indicator, BTreeMap<i64, Option<String>>> = HashMap::new();
    for i in Indicator::ALL {
        out.insert(i, BTreeMap::new());
    }
    if to < from {
        // a year that has not begun: nothing yet
        return Ok((Vec::new(), out));
    }
    let workers = db::county_workers(&state.db, &s.county).await?;
    let placements = db::placements_overlapping(&state.db, &s.county, &from, &to).await?;
    let completed: BTreeSet<i64> = db::completions(&state.db, &s.county, &from, &to)
        .await?
        .into_iter()
        .collect();
    let certified: BTreeSet<i64> = db::certified(&state.db, &s.county, &from, &to)
        .await?
        .into_iter()
        .collect();
    let mut by_worker: HashMap<i64, Vec<&db::PeriodPlacement>> = HashMap::new();
    for p in &placements {
        by_worker.entry(p.worker_id).or_default().push(p);
    }
    for w in &workers {
        let poor = w.poverty || w.monitored;
        let mut mine = by_worker.get(&w.id).cloned().unwrap_or_default();
        mine.sort_by(|a, b| a.start_date.cmp(&b.start_date));
        // where they work: the latest placement away from the home township, else the ledger
        // away from the home township, or in a 帮扶车间 (就地就近 employment counts too)
        let away: Vec<&&db::PeriodPlacement> = mine
            .iter()
            .filter(|p| p.workshop || p.town_code.get(..9) != w.township_code.get(..9))
            .collect();
        let ledger = ledger_workplace(w, &from, &to);
        let workplace: Option<String> = away
            .last()
            .and_then(|p| workplace::county_of_town(&p.town_code))
            .or(ledger);
        if let Some(code) = &workplace {
            let counted: Counted = (w, Some(code.clone()));
            put(&mut out, Indicator::TransferTotal, &counted);
            if poor {
                put(&mut out, Indicator::TransferPoverty, &counted);
                // a city-level workplace in the home city (遵义市 for 湄潭) may be in the
                // county or outside it: counted as transferred, in no bucket
                let home_city = code.ends_with("00") && s.county.starts_with(&code[..4]);
                let bucket = match Destination::of(code, &s.county) {
                    _ if home_city => None,
                    Destination::Guangdong => Some(Indicator::PovertyToGuangdong),
                    Destination::InProvince => Some(Indicator::PovertyInProvince),
                    Destination::InCounty => Some(Indicator::PovertyNearHome),
                    Destination::OtherProvince => None,
                };
                if let Some(b) = bucket {
                    put(&mut out, b, &counted);
                }
            }
        }
        let started: Vec<&&db::PeriodPlacement> =
            mine.iter().filter(|p| p.start_date >= from).collect();
        if let Some(p) = started.last() {
            let counted: Counted = (w, workplace::county_of_town(&p.town_code));
            // 通过平台就业: a job found alone and recorded by a station is not the platform's
            if let Some(q) = started.iter().rev().find(|p| p.on_platform) {
                put(
                    &mut out,
                    Indicator::Placed,
                    &(w, workplace::county_of_town(&q.town_code)),
                );
            }
            if started.iter().any(|p| p.retained_180) {
                put(&mut out, Indicator::Retained6m, &counted);
            }
        }
        if completed.contains(&w.id) {
            put(&mut out, Indicator::Trained, &(w, None));
            if poor {
                put(&mut out, Indicator::TrainedPoverty, &(w, None));
            }
        }
        if certified.contains(&w.id) {
            put(&mut out, Indicator::Certified, &(w, None));
        }
    }
    Ok((workers, out))
}

fn put(out: &mut HashMap<Indicator, BTreeMap<i64, Option<String>>>, i: Indicator, c: &Counted) {
    if let Some(m) = out.get_mut(&i) {
        m.insert(c.0.id, c.1.clone());
    }
}

/// The ledger's workplace of someone working (by the ledger's own employment status), when
/// it names a place other than their home township and the ledger said so within the period
/// (`from`..=`to`, China dates): a ledger row speaks for the year it was recorded in.
fn ledger_workplace(w: &CountyWorker, from: &str, to: &str) -> Option<String> {
    if !crate::quality::is_working(w.employment_note.as_deref()) {
        return None;
    }
    let recorded = w
        .ledger_at
        .as_deref()
        .and_then(|t| {
            time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
        })
        .map(|t| fmt_date(t.to_offset(crate::domain::CST).date()))?;
    if recorded.as_str() < from || recorded.as_str() > to {
        return None;
    }
    let text = w.work_place.as_deref()?;
    let home_town = crate::domain::region::regions()
        .get(&w.township_code)
        .map(|t| t.name.clone())
        .unwrap_or_default();
    if !home_town.is_empty() && text.contains(&home_town) {
        return None;
    }
    workplace::resolve(text).map(|p| p.code)
}

/// The assessment of a county and year as of a month's end (or today).
pub async fn assessment(
    state: &AppState,
    actor: &CurrentUser,
    q: &AssessmentQuery,
) -> AppResult<Assessment> {
    let s = checked_scope(state, actor, q).await?;
    let (_, people) = people_by_indicator(state, &s).await?;
    table(state, s, &people).await
}

/// The table of a computed scope: each indicator's target, actual and rate.
async fn table(
    state: &AppState,
    s: Scope,
    people: &HashMap<Indicator, BTreeMap<i64, Option<String>>>,
) -> AppResult<Assessment> {
    let targets = db::targets(&state.db, s.year, false).await?;
    let indicators = Indicator::ALL
        .iter()
        .map(|i| {
            let actual = people.get(i).map_or(0, BTreeMap::len) as i64;
            let target = targets
                .iter()
                .find(|t| t.county == s.county && t.indicator == i.code())
                .map(|t| t.value);
            IndicatorRow {
                code: i.code(),
                name: i.name(),
                definition: i.definition(),
                target,
                actual,
                rate: target
                    .filter(|t| *t > 0)
                    .map(|t| (actual as f64 / t as f64 * 1000.0).round() / 1000.0),
            }
        })
        .collect();
    Ok(Assessment {
        year: s.year,
        county_name: county_name(&s.county).unwrap_or(""),
        county: s.county,
        as_of: fmt_date(s.as_of),
        month: s.month,
        indicators,
    })
}

fn workplace_label(code: &str) -> String {
    gb2260::periods(code)
        .iter()
        .find(|p| p.to_year.is_none())
        .map(|p| p.label())
        .unwrap_or_default()
}

/// The people one indicator counts; the admin sees full 身份证 numbers (the view is audited).
pub async fn people(
    state: &AppState,
    actor: &CurrentUser,
    q: &AssessmentQuery,
) -> AppResult<People> {
    let s = checked_scope(state, actor, q).await?;
    let indicator = Indicator::parse(q.indicator.as_deref().unwrap_or(""))
        .map_err(|m| AppError::invalid("indicator", m))?;
    let (workers, people) = people_by_indicator(state, &s).await?;
    let items = people_list(actor, &workers, people.get(&indicator));
    audit::record(
        &state.db,
        actor.by(),
        "view_assessment_people",
        "report",
        None,
        &format!(
            "{}年 {} {}：{}人",
            s.year,
            county_name(&s.county).unwrap_or(""),
            indicator.name(),
            items.len()
        ),
    )
    .await?;
    Ok(People {
        year: s.year,
        county: s.county,
        indicator: indicator.code(),
        as_of: fmt_date(s.as_of),
        total: items.len(),
        items,
    })
}

fn people_list(
    actor: &CurrentUser,
    workers: &[CountyWorker],
    counted: Option<&BTreeMap<i64, Option<String>>>,
) -> Vec<Person> {
    let Some(counted) = counted else {
        return Vec::new();
    };
    let by_id: HashMap<i64, &CountyWorker> = workers.iter().map(|w| (w.id, w)).collect();
    counted
        .iter()
        .filter_map(|(id, place)| {
            let w = by_id.get(id)?;
            let full = actor.is(Role::Admin)
                || (actor.is(Role::Station)
                    && actor.station_id.is_some()
                    && w.station_id == actor.station_id);
            if !full {
                // another station's worker: counted, but only as a masked line
                return Some(Person {
                    worker_id: w.id,
                    name: crate::domain::mask_name(&w.name),
                    id_number: mask_id_number(&w.id_number),
                    township: crate::domain::region::township_name(&w.township_code),
                    household: String::new(),
                    workplace: String::new(),
                });
            }
            Some(Person {
                worker_id: w.id,
                name: w.name.clone(),
                id_number: w.id_number.clone(),
                township: crate::domain::region::township_name(&w.township_code),
                household: if w.poverty {
                    "脱贫劳动力".into()
                } else if w.monitored {
                    "监测对象".into()
                } else {
                    String::new()
                },
                workplace: place.as_deref().map(workplace_label).unwrap_or_default(),
            })
        })
        .collect()
}

/// The completion rates as an SVG bar chart (indicators without a target are left out).
pub fn chart(a: &Assessment) -> String {
    let items: Vec<(String, f64)> = a
        .indicators
        .iter()
        .filter_map(|r| {
            let label = Indicator::parse(r.code).map_or(r.name, Indicator::short_name);
            r.rate
                .map(|x| (label.to_owned(), (x * 1000.0).round() / 10.0))
        })
        .collect();
    crate::reports::charts::bars("目标完成率", &items, "%")
}

/// The table and one sheet of people per indicator, as a workbook (audited).
pub async fn workbook(
    state: &AppState,
    actor: &CurrentUser,
    q: &AssessmentQuery,
) -> AppResult<Vec<u8>> {
    // one computation for the table and its sheets
    let s = checked_scope(state, actor, q).await?;
    let (workers, people) = people_by_indicator(state, &s).await?;
    let a = table(state, s, &people).await?;
    let sheets: Vec<(Indicator, Vec<Person>)> = Indicator::ALL
        .iter()
        .map(|i| (*i, people_list(actor, &workers, people.get(i))))
        .collect();
    let bytes = crate::reports::assessment::workbook(&a, &sheets)?;
    audit::record(
        &state.db,
        actor.by(),
        "export_report",
        "report",
        None,
        &format!("考评 {}年 {}", a.year, a.county_name),
    )
    .await?;
    Ok(bytes)
}
