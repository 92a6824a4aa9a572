#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(code) = laowu::domain::Uscc::parse(s) {
            assert!(laowu::domain::Uscc::parse(code.as_str()).is_ok());
        }
    }
});
