//! Events: job fairs (专场招聘会) and 点对点 trips — their kinds, check-in stages, and the
//! China-time instants they are entered and shown in (stored as RFC 3339 UTC).

use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

use super::CST;
use super::values::parse_date;

/// What an event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// 专场招聘会: enterprises take booths, workers come and apply
    JobFair,
    /// 点对点 return-to-work coach or train from Meitan to Doumen
    Trip,
}

impl EventKind {
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        match input.trim() {
            "job_fair" => Ok(Self::JobFair),
            "trip" => Ok(Self::Trip),
            "" => Err("请选择活动类型"),
            _ => Err("活动类型应为 job_fair（招聘会）或 trip（点对点返岗专车）"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::JobFair => "job_fair",
            Self::Trip => "trip",
        }
    }

    pub fn label(self) -> &'static str {
        Self::label_of(self.as_str())
    }

    pub fn label_of(code: &str) -> &'static str {
        match code {
            "trip" => "点对点返岗专车",
            _ => "专场招聘会",
        }
    }
}

/// Where a person is checked in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// came to a fair
    Attended,
    /// got on the coach or train
    Boarded,
    /// arrived in Doumen
    Arrived,
}

impl Stage {
    /// The stage asked for at an event of `kind`: a fair has only `attended`; a trip needs
    /// `boarded` or `arrived`.
    pub fn for_event(kind: EventKind, input: Option<&str>) -> Result<Self, &'static str> {
        let v = input.map(str::trim).unwrap_or("");
        match (kind, v) {
            (EventKind::JobFair, "" | "attended") => Ok(Self::Attended),
            (EventKind::JobFair, _) => Err("招聘会签到不需要填写环节（stage）"),
            (EventKind::Trip, "boarded") => Ok(Self::Boarded),
            (EventKind::Trip, "arrived") => Ok(Self::Arrived),
            (EventKind::Trip, "") => Err("请选择环节：boarded（上车）或 arrived（到达）"),
            (EventKind::Trip, _) => Err("环节应为 boarded（上车）或 arrived（到达）"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Attended => "attended",
            Self::Boarded => "boarded",
            Self::Arrived => "arrived",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Attended => "签到",
            Self::Boarded => "上车",
            Self::Arrived => "到达",
        }
    }
}

/// Parses a China-time instant `YYYY-MM-DDTHH:MM` (also with a space, or seconds).
pub fn parse_china_time(input: &str) -> Result<OffsetDateTime, &'static str> {
    // a space between date and time means `T`; other white space goes
    let s = input.trim().replace([' ', '\u{3000}'], "T");
    let s = super::text::normalize_width(&s);
    let s = s.as_str();
    if s.is_empty() {
        return Err("请填写开始时间");
    }
    let Some((d, t)) = s.split_once('T') else {
        return Err("时间格式应为 YYYY-MM-DDTHH:MM（北京时间）");
    };
    let date: Date = parse_date(d)?;
    if t.contains(['Z', 'z', '+']) || t.matches('-').count() > 0 {
        // a zone would be dropped silently: China time only
        return Err("请填写北京时间，不要带时区（如 Z 或 +08:00）");
    }
    let parts: Vec<&str> = t.trim().split(':').collect();
    let (h, m) = match parts[..] {
        [h, m] => (h.parse::<u8>(), m.parse::<u8>()),
        [h, m, sec] if sec.len() == 2 && sec.chars().all(|c| c.is_ascii_digit()) => {
            (h.parse::<u8>(), m.parse::<u8>())
        }
        _ => return Err("时间格式应为 YYYY-MM-DDTHH:MM（北京时间）"),
    };
    let (Ok(h), Ok(m)) = (h, m) else {
        return Err("时间格式应为 YYYY-MM-DDTHH:MM（北京时间）");
    };
    let time = Time::from_hms(h, m, 0).map_err(|_| "没有这个时刻")?;
    Ok(PrimitiveDateTime::new(date, time).assume_offset(CST))
}

/// A stored instant (RFC 3339 UTC) in China time as `YYYY-MM-DDTHH:MM`; the text itself if it
/// does not parse.
pub fn china_time(stored: &str) -> String {
    match OffsetDateTime::parse(stored, &time::format_description::well_known::Rfc3339) {
        Ok(t) => {
            let t = t.to_offset(CST);
            format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}",
                t.year(),
                t.month() as u8,
                t.day(),
                t.hour(),
                t.minute()
            )
        }
        Err(_) => stored.to_owned(),
    }
}

/// The China date of a stored instant.
pub fn china_date(stored: &str) -> Option<Date> {
    OffsetDateTime::parse(stored, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.to_offset(CST).date())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_zone_is_refused_not_dropped() {
        assert!(parse_china_time("2027-01-10T09:00:00Z").is_err());
        assert!(parse_china_time("2027-01-10T09:00+08:00").is_err());
        assert!(parse_china_time("2027-01-10T09:00:00").is_ok());
        assert!(parse_china_time("2027-01-10 09:00").is_ok());
    }

    #[test]
    fn china_time_is_entered_and_shown_as_typed_and_stored_in_utc() {
        let t = parse_china_time("2027-02-18T07:30").unwrap();
        assert_eq!(super::super::fmt_instant(t), "2027-02-17T23:30:00Z");
        assert_eq!(china_time("2027-02-17T23:30:00Z"), "2027-02-18T07:30");
        assert_eq!(
            china_date("2027-02-17T23:30:00Z"),
            Some(time::macros::date!(2027 - 02 - 18))
        );
        assert!(parse_china_time("2027-02-18 07:30").is_ok());
        assert!(parse_china_time("2027-02-18").is_err());
        assert!(parse_china_time("2027-02-18T25:00").is_err());
        assert!(parse_china_time("").is_err());
    }

    #[test]
    fn stages_depend_on_the_kind() {
        assert_eq!(
            Stage::for_event(EventKind::JobFair, None),
            Ok(Stage::Attended)
        );
        assert!(Stage::for_event(EventKind::JobFair, Some("arrived")).is_err());
        assert!(Stage::for_event(EventKind::Trip, None).is_err());
        assert_eq!(
            Stage::for_event(EventKind::Trip, Some("arrived")),
            Ok(Stage::Arrived)
        );
    }
}
