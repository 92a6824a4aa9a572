//! The words of the domain as types that cannot hold invalid values, and the reference data
//! (regions, GB/T 2260 history) they are checked against.

pub mod assessment;
pub mod contact;
pub mod course;
pub mod employer;
pub mod event;
pub mod gb2260;
pub mod id_card;
pub mod occupation;
pub mod programme;
pub mod region;
pub mod role;
pub mod status;
pub mod text;
pub mod uscc;
pub mod values;
pub mod worker;
pub mod workplace;

pub use contact::{Email, MobilePhone, PersonName, mask_name, mask_phone};
pub use id_card::{IdCardNumber, Sex, mask_id_number};
pub use programme::Programme;
pub use region::RegionCode;
pub use role::Role;
pub use uscc::Uscc;

use time::{Date, OffsetDateTime, UtcOffset};

/// China Standard Time (UTC+8), the platform's calendar.
pub const CST: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};

/// Today's date in China.
pub fn today() -> Date {
    OffsetDateTime::now_utc().to_offset(CST).date()
}

/// The current instant as stored in the database.
pub fn now_timestamp() -> String {
    fmt_instant(OffsetDateTime::now_utc())
}

/// An instant as people read it, on every page, mail, SMS, export and workbook: China time
/// (UTC+8, the fixed offset of Asia/Shanghai), `2026-11-30 14:57`. The API keeps RFC 3339.
pub fn fmt_shown(t: OffsetDateTime) -> String {
    let t = t.to_offset(CST);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// A stored instant (RFC 3339) as people read it ([`fmt_shown`]); a stored date, empty text
/// or anything else that is no instant comes back as it is.
pub fn shown(stored: &str) -> String {
    match OffsetDateTime::parse(
        stored.trim(),
        &time::format_description::well_known::Rfc3339,
    ) {
        Ok(t) => fmt_shown(t),
        Err(_) => stored.to_owned(),
    }
}

/// The China date of a stored instant, `2026-11-30` (the text itself when it is no instant).
pub fn shown_date(stored: &str) -> String {
    match OffsetDateTime::parse(
        stored.trim(),
        &time::format_description::well_known::Rfc3339,
    ) {
        Ok(t) => values::fmt_date(t.to_offset(CST).date()),
        Err(_) => stored.to_owned(),
    }
}

/// [`shown`] for an instant that may be missing: empty when it is.
pub fn shown_opt(stored: &Option<String>) -> String {
    stored.as_deref().map(shown).unwrap_or_default()
}

/// An instant as stored in the database: RFC 3339 in UTC, second precision, so that text
/// order is time order on both backends.
pub fn fmt_instant(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_read_china_time_without_seconds_or_zone() {
        assert_eq!(shown("2026-11-30T06:57:15Z"), "2026-11-30 14:57");
        // past midnight in China is the next day
        assert_eq!(shown("2026-11-30T16:30:00Z"), "2026-12-01 00:30");
        assert_eq!(shown_date("2026-11-30T16:30:00Z"), "2026-12-01");
        assert_eq!(shown("2026-11-30+08:00"), "2026-11-30+08:00");
        assert_eq!(shown("2026-11-30"), "2026-11-30");
        assert_eq!(shown(""), "");
        assert_eq!(shown_opt(&None), "");
        assert_eq!(
            shown_opt(&Some("2026-01-01T00:00:00Z".into())),
            "2026-01-01 08:00"
        );
    }
}
