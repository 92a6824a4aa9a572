#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(id) = laowu::domain::IdCardNumber::parse(s, laowu::domain::today()) {
            // a valid number parses again to the same value
            let again = laowu::domain::IdCardNumber::parse(id.as_str(), laowu::domain::today()).expect("round trip");
            assert_eq!(again, id);
        }
    }
});
