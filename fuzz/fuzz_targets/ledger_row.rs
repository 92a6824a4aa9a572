#![no_main]
use libfuzzer_sys::fuzz_target;

// A CSV line of ledger cells (and the CSV/GBK decoding on the way).
fuzz_target!(|data: &[u8]| {
    let mut file = "姓名,身份证号码,联系电话,乡镇,村,是否脱贫户,是否监测对象,是否易地搬迁,是否零就业家庭,劳动技能,就业意愿,期望月薪,务工状态,务工地点,月收入\n"
        .as_bytes()
        .to_vec();
    file.extend_from_slice(data);
    if let Ok(rows) = laowu::import::table::read("fuzz.csv", &file) {
        if let Ok(layout) = laowu::import::ledger::Layout::of(&rows[0]) {
            for row in rows.iter().skip(1) {
                let (input, _, _) = laowu::import::ledger::parse_row(&layout, row);
                let _ = input.parse(laowu::domain::today());
            }
        }
    }
});
