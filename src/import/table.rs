//! Reading a ledger file into rows of text: .xlsx cell by cell (see [`sheet`]), .csv in UTF-8
//! (with or without BOM) or GBK. Both are held to the same limits: at most [`MAX_ROWS`] rows,
//! [`MAX_COLS`] columns and [`MAX_CELLS`] cells, refused with a Chinese message naming the
//! problem. The old .xls and .ods formats are refused: calamine reads them only into a dense
//! range sized by the file's own claims, which a few hostile bytes can make terabytes large.

mod sheet;

use anyhow::{Context, bail};

pub use sheet::{MAX_CELLS, MAX_COLS, MAX_ROWS, MAX_UNPACKED};

/// The rows of the first sheet (or the CSV), each a list of trimmed cell texts. Slow for a big
/// file: on the server call [`read_blocking`].
pub fn read(name: &str, bytes: &[u8]) -> anyhow::Result<Vec<Vec<String>>> {
    let lower = name.to_lowercase();
    let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "csv" | "txt" => read_csv(bytes),
        "xlsx" | "xlsm" => sheet::read_xlsx(bytes),
        "xls" | "ods" | "xlsb" | "et" => {
            bail!("不支持 .{ext} 文件：请在 Excel 或 WPS 中“另存为” .xlsx（Excel 工作簿）后再上传")
        }
        _ => bail!("只支持 .xlsx 和 .csv 文件"),
    }
}

/// [`read`] on a blocking thread, so that a big or hostile file never holds up the async
/// workers; a panic while reading becomes an error too.
pub async fn read_blocking(name: String, bytes: Vec<u8>) -> anyhow::Result<Vec<Vec<String>>> {
    let size = bytes.len();
    let started = std::time::Instant::now();
    let file = name.clone();
    let result = match tokio::task::spawn_blocking(move || read(&name, &bytes)).await {
        Ok(result) => result,
        Err(e) => {
            tracing::error!(file.name = %file, error = %e, "reading a ledger file panicked");
            Err(anyhow::anyhow!("无法读取表格文件：文件已损坏或格式有误"))
        }
    };
    let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    match &result {
        Ok(rows) => tracing::info!(
            file.name = %file, file.bytes = size, rows = rows.len(), elapsed_ms,
            "ledger file read"
        ),
        // the user's file, not the server's problem
        Err(e) => tracing::info!(
            file.name = %file, file.bytes = size, elapsed_ms, error = %format!("{e:#}"),
            "ledger file refused"
        ),
    }
    result
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
    // every cell costs a field index before it can be looked at: count first
    if text.bytes().filter(|b| *b == b',').count() > MAX_CELLS {
        bail!("表格中的单元格超过了 {MAX_CELLS} 个，请分成几个文件导入");
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.context("CSV 格式错误")?;
        let cells: Vec<String> = record.iter().map(|c| c.trim().to_owned()).collect();
        // trailing empty fields (a spreadsheet pads every line to the widest) are no columns
        let last_used = cells.iter().rposition(|c| !c.is_empty()).unwrap_or(0);
        sheet::check_position(
            u32::try_from(i).unwrap_or(u32::MAX),
            u32::try_from(last_used).unwrap_or(u32::MAX),
        )?;
        rows.push(cells);
    }
    Ok(rows)
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
    fn old_formats_are_refused_with_a_way_out() {
        let e = read("台账.XLS", b"\xD0\xCF\x11\xE0")
            .unwrap_err()
            .to_string();
        assert!(e.contains(".xls") && e.contains("另存为"), "{e}");
    }

    #[test]
    fn a_csv_wider_than_the_limit_is_refused_but_trailing_commas_are_not_columns() {
        let wide = format!("姓名{}x\n", ",".repeat(MAX_COLS as usize));
        let e = read("a.csv", wide.as_bytes()).unwrap_err().to_string();
        assert!(e.contains("200 列") && e.contains("GS1"), "{e}");
        let padded = format!("姓名,乡镇{}\n", ",".repeat(300));
        assert_eq!(read("a.csv", padded.as_bytes()).unwrap()[0].len(), 302);
        let commas = ",".repeat(MAX_CELLS + 1);
        assert!(read("a.csv", commas.as_bytes()).is_err());
    }
}
