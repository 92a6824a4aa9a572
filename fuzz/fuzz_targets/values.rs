#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = laowu::domain::MobilePhone::parse(s);
        let _ = laowu::domain::values::parse_date(s);
        let _ = laowu::domain::values::parse_wage(s);
        let _ = laowu::domain::values::parse_flag(s);
        let _ = laowu::domain::RegionCode::parse(s);
        let _ = laowu::domain::PersonName::parse(s);
        let _ = laowu::domain::Email::parse(s);
    }
});
