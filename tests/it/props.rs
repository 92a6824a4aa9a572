//! Property tests for every parser of outside input: none panics on any input, valid values
//! round-trip, and a single wrong character is always caught by the check characters.

use laowu::domain::id_card::{IdCardNumber, with_check_char};
use laowu::domain::uscc::{self, Uscc};
use laowu::domain::values::{parse_date, parse_flag, parse_wage};
use laowu::domain::{MobilePhone, RegionCode, today};
use laowu::import::ledger::{Layout, parse_row};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn parsers_never_panic(s in "\\PC{0,40}") {
        let _ = IdCardNumber::parse(&s, today());
        let _ = Uscc::parse(&s);
        let _ = MobilePhone::parse(&s);
        let _ = parse_date(&s);
        let _ = parse_wage(&s);
        let _ = parse_flag(&s);
        let _ = RegionCode::parse(&s);
        let _ = laowu::reports::Month::parse(&s);
    }

    #[test]
    fn id_numbers_round_trip_and_one_wrong_digit_is_caught(
        year in 1950i32..2008, month in 1u8..=12, day in 1u8..=28, seq in 0u32..1000, pos in 0usize..17, delta in 1u8..10,
    ) {
        let body = format!("520328{year:04}{month:02}{day:02}{seq:03}");
        let id = with_check_char(&body);
        let parsed = IdCardNumber::parse(&id, today()).unwrap();
        prop_assert_eq!(parsed.birth_date().year(), year);
        prop_assert_eq!(parsed.birth_date().day(), day);
        let mut bad: Vec<u8> = id.clone().into_bytes();
        bad[pos] = b'0' + (bad[pos] - b'0' + delta) % 10;
        let bad = String::from_utf8(bad).unwrap();
        prop_assert!(IdCardNumber::parse(&bad, today()).is_err());
    }

    #[test]
    fn usccs_round_trip_and_one_wrong_character_is_caught(body in "[0-9]{8}[0-9A-HJ-NPQRTUWXY]{9}", pos in 0usize..17, delta in 1u32..31) {
        let code = uscc::with_check_char(&body);
        prop_assert!(Uscc::parse(&code).is_ok());
        const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
        let mut bad: Vec<u8> = code.into_bytes();
        let v = ALPHABET.iter().position(|a| *a == bad[pos]).unwrap() as u32;
        bad[pos] = ALPHABET[((v + delta) % 31) as usize];
        let bad = String::from_utf8(bad).unwrap();
        prop_assert!(Uscc::parse(&bad).is_err());
    }

    #[test]
    fn phones_with_spacing_and_prefixes_parse(second in 3u8..=9, rest in "[0-9]{9}") {
        let n = format!("1{second}{rest}");
        let spaced = format!("+86 {} {} {}", &n[..3], &n[3..7], &n[7..]);
        let parsed = MobilePhone::parse(&spaced).unwrap();
        prop_assert_eq!(parsed.as_str(), n.as_str());
    }

    #[test]
    fn wages_in_range_parse_back(w in 0i64..=200_000) {
        prop_assert_eq!(parse_wage(&w.to_string()).unwrap(), w);
        prop_assert_eq!(parse_wage(&format!("{w}元")).unwrap(), w);
    }

    #[test]
    fn wages_typed_as_people_type_them(w in 0i64..=200_000, k in 0i64..=200, tail in 0i64..=9) {
        // 5,000 and ５０００ and 5000元/月: the same number
        let grouped = {
            let d = w.to_string();
            let mut out = String::new();
            for (i, c) in d.chars().enumerate() {
                if i > 0 && (d.len() - i) % 3 == 0 {
                    out.push(',');
                }
                out.push(c);
            }
            out
        };
        prop_assert_eq!(parse_wage(&grouped), Ok(w));
        let wide: String = w.to_string().chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap()).collect();
        prop_assert_eq!(parse_wage(&wide), Ok(w));
        prop_assert_eq!(parse_wage(&format!("{w}元/月")), Ok(w));
        // 5千, 5k, 5千5: thousands, never the bare digits
        prop_assert_eq!(parse_wage(&format!("{k}千")), Ok(k * 1000));
        prop_assert_eq!(parse_wage(&format!("{k}k")), Ok(k * 1000));
        if k < 200 {
            prop_assert_eq!(parse_wage(&format!("{k}千{tail}")), Ok(k * 1000 + tail * 100));
        }
    }

    #[test]
    fn a_wage_is_never_read_from_a_prefix(w in 1i64..=200_000, junk in "[多左右余号个半起]{1,3}") {
        // "5000多" or "5千左右" is refused with a message, never read as 5000 or 5
        let plain = format!("{w}{junk}");
        let thousands = format!("{w}千{junk}");
        prop_assert!(parse_wage(&plain).is_err(), "{}", plain);
        prop_assert!(parse_wage(&thousands).is_err(), "{}", thousands);
    }

    #[test]
    fn ledger_rows_never_panic(cells in proptest::collection::vec("\\PC{0,20}", 0..20)) {
        let header: Vec<String> = ["姓名", "身份证号码", "联系电话", "乡镇", "村", "是否脱贫户", "期望月薪", "月收入"]
            .iter().map(|s| (*s).to_owned()).collect();
        let layout = Layout::of(&header).unwrap();
        let (input, _, _) = parse_row(&layout, &cells);
        let _ = input.parse(today());
    }
}
