//! Reading a ledger file into rows of text: .xlsx/.xls/.ods through calamine, .csv in UTF-8
//! (with or without BOM) or GBK.

use std::io::Cursor;

use anyhow::Context;
use calamine::{Data, Reader, open_workbook_auto_from_rs};

/// The rows of the first sheet (or the CSV), each a list of trimmed cell texts.
pub fn read(name: &str, bytes: &[u8]) -> anyhow::Result<Vec<Vec<String>>> {
    let lower = name.to_lowercase();
    if lower.ends_with(".csv") || lower.ends_with(".txt") {
        read_csv(bytes)
    } else if lower.ends_with(".xlsx")
        || lower.ends_with(".xls")
        || lower.ends_with(".xlsm")
        || lower.ends_with(".ods")
    {
        read_sheet(bytes)
    } else {
        anyhow::bail!("只支持 .xlsx、.xls 和 .csv 文件")
    }
}

/// Decodes CSV bytes: UTF-8 (BOM stripped) when valid, else GBK (GB18030).
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

fn read_csv(bytes: &[u8]) -> anyhow::Result<Vec<Vec<String>>> {
    let text = decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.context("CSV 格式错误")?;
        rows.push(record.iter().map(|c| c.trim().to_owned()).collect());
    }
    Ok(rows)
}

fn read_sheet(bytes: &[u8]) -> anyhow::Result<Vec<Vec<String>>> {
    let mut workbook =
        open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())).context("无法打开表格文件")?;
    let range = workbook
        .worksheet_range_at(0)
        .context("表格中没有工作表")?
        .context("无法读取第一个工作表")?;
    Ok(range
        .rows()
        .map(|row| row.iter().map(cell_text).collect())
        .collect())
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        // whole numbers without ".0" (a phone typed as a number); an 18-digit number has
        // already lost its last digits in the spreadsheet and will fail its check digit
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e18 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => {
            if *b {
                "是".into()
            } else {
                "否".into()
            }
        }
        Data::DateTime(d) => excel_date(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.chars().take(10).collect(),
        Data::Error(_) => String::new(),
    }
}

/// An Excel serial date as `YYYY-MM-DD`.
fn excel_date(serial: f64) -> String {
    let base = time::macros::date!(1899 - 12 - 30);
    base.checked_add(time::Duration::days(serial.floor() as i64))
        .map(crate::domain::values::fmt_date)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_and_utf8_csv() {
        let (gbk, _, _) = encoding_rs::GBK.encode("姓名,乡镇\n王小明,湄江街道\n");
        let rows = read("a.csv", &gbk).unwrap();
        assert_eq!(rows[1], vec!["王小明", "湄江街道"]);
        let rows = read("a.csv", "\u{FEFF}姓名,乡镇\n李四,永兴镇\n".as_bytes()).unwrap();
        assert_eq!(rows[0][0], "姓名");
        assert!(read("a.pdf", b"").is_err());
    }

    #[test]
    fn excel_serial_dates() {
        assert_eq!(excel_date(45658.0), "2025-01-01");
    }
}
