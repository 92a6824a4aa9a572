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
