//! The first worksheet of an .xlsx, read cell by cell and refused before it can cost much.
//!
//! calamine's `worksheet_range` builds a dense `Range` over the bounding box of the cells
//! (`Range::from_sparse`): a 5 KB file with one cell at A1 and one at XFD1048576 asks for
//! 17 billion cells and the process aborts (an allocation failure is not a panic, so nothing
//! can catch it). Here calamine's `XlsxCellReader` yields one cell at a time, only cells that
//! hold something are kept, and the sheet is refused with a Chinese message when it breaks one
//! of the limits below. The sheet's declared `<dimension>` is never used to allocate.

use std::io::Cursor;

use anyhow::{Context, bail};
use calamine::{DataRef, Dimensions, ExcelDateTime, Reader, Xlsx};

/// Rows a sheet may have (Excel's own limit).
pub const MAX_ROWS: u32 = 1_048_576;
/// Columns a ledger may use (it has about twenty).
pub const MAX_COLS: u32 = 200;
/// Cells with contents (a ledger of 200,000 people with 25 columns).
pub const MAX_CELLS: usize = 5_000_000;
/// Bytes of all the workbook's parts once unpacked (the sizes the zip declares, which its
/// reader enforces), so that a 50 MB upload cannot unpack to gigabytes.
pub const MAX_UNPACKED: u64 = 256 * 1024 * 1024;
/// A declared or used range of more cells than this must be at least 1/[`SPARSE_FACTOR`] full.
const SPARSE_AREA: u64 = 1_000_000;
const SPARSE_FACTOR: u64 = 100;
/// The serial number of 9999-12-31 plus one: Excel's dates end there.
const EXCEL_DATE_END: f64 = 2_958_466.0;

/// The rows of the first sheet, from row 1 (so that row numbers are the sheet's own), each
/// starting at the first column that holds anything.
pub fn read_xlsx(bytes: &[u8]) -> anyhow::Result<Vec<Vec<String>>> {
    check_unpacked_size(bytes)?;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).context("无法打开表格文件")?;
    let first = workbook
        .sheet_names()
        .first()
        .cloned()
        .context("表格中没有工作表")?;
    let mut reader = workbook
        .worksheet_cells_reader(&first)
        .context("无法读取第一个工作表")?;
    let declared = reader.dimensions();
    let mut grid = Grid::default();
    while let Some(cell) = reader.next_cell().context("无法读取第一个工作表")? {
        let (row, col) = cell.get_position();
        if let Some(text) = cell_text(cell.get_value(), row, col)? {
            grid.push(row, col, text)?;
        }
    }
    grid.check_density(Some(declared))?;
    Ok(grid.into_rows())
}

fn check_unpacked_size(bytes: &[u8]) -> anyhow::Result<()> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .context("无法打开表格文件：不是有效的 .xlsx 文件")?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let part = zip
            .by_index_raw(i)
            .context("无法打开表格文件：不是有效的 .xlsx 文件")?;
        total = total.saturating_add(part.size());
    }
    if total > MAX_UNPACKED {
        bail!(
            "表格文件解压后有 {} MB，超过了 {} MB 的上限，无法读取",
            total >> 20,
            MAX_UNPACKED >> 20
        );
    }
    Ok(())
}

/// The text of a cell, `None` when it holds nothing; an error for a date Excel cannot show.
fn cell_text(value: &DataRef<'_>, row: u32, col: u32) -> anyhow::Result<Option<String>> {
    let text = match value {
        DataRef::Empty | DataRef::Error(_) => return Ok(None),
        DataRef::String(s) => s.trim().to_owned(),
        DataRef::SharedString(s) => s.trim().to_owned(),
        DataRef::Int(i) => i.to_string(),
        // whole numbers without ".0" (a phone typed as a number); an 18-digit number has
        // already lost its last digits in the spreadsheet and will fail its check digit
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e18 => format!("{f:.0}"),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(true) => "是".to_owned(),
        DataRef::Bool(false) => "否".to_owned(),
        DataRef::DateTime(d) => match excel_date(d) {
            Some(date) => date,
            None => bail!(
                "单元格 {} 是日期格式，但它的值 {} 不是有效的日期（Excel 的日期在 1900-01-01 到 9999-12-31 之间），请改正后再上传",
                cell_ref(row, col),
                d.as_f64()
            ),
        },
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.chars().take(10).collect(),
    };
    Ok((!text.is_empty()).then_some(text))
}

/// An Excel serial date as `YYYY-MM-DD`; `None` outside Excel's own range (and for NaN), so
/// that no arithmetic is done on a value that does not fit.
pub(crate) fn excel_date(d: &ExcelDateTime) -> Option<String> {
    if !(0.0..EXCEL_DATE_END).contains(&d.as_f64()) {
        return None;
    }
    let (y, m, day, ..) = d.to_ymd_hms_milli();
    Some(format!("{y:04}-{m:02}-{day:02}"))
}

/// `A`, `Z`, `AA`, … `XFD` for a 0-based column.
pub(crate) fn col_letters(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rest = (n - 1) % 26;
        letters.push(char::from(b'A' + rest as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// `C17` for 0-based row 16, column 2.
pub(crate) fn cell_ref(row: u32, col: u32) -> String {
    format!("{}{}", col_letters(col), u64::from(row) + 1)
}

fn range_ref(d: Dimensions) -> String {
    format!(
        "{}:{}",
        cell_ref(d.start.0, d.start.1),
        cell_ref(d.end.0, d.end.1)
    )
}

/// Cells of a range, however its corners are given.
fn area(d: Dimensions) -> u64 {
    let rows = u64::from(d.end.0.abs_diff(d.start.0)) + 1;
    let cols = u64::from(d.end.1.abs_diff(d.start.1)) + 1;
    rows.saturating_mul(cols)
}

/// Refuses a cell beyond [`MAX_ROWS`] rows or [`MAX_COLS`] columns (0-based position).
pub(crate) fn check_position(row: u32, col: u32) -> anyhow::Result<()> {
    if row >= MAX_ROWS {
        bail!(
            "表格超过了 {MAX_ROWS} 行的上限（单元格 {} 有内容），无法导入",
            cell_ref(row, col)
        );
    }
    if col >= MAX_COLS {
        bail!(
            "表格超过了 {MAX_COLS} 列的上限：单元格 {} 有内容（最多到 {} 列），请删除多余的列后另存再上传",
            cell_ref(row, col),
            col_letters(MAX_COLS - 1)
        );
    }
    Ok(())
}

/// The cells that hold something, checked against the limits as they come.
#[derive(Debug, Default)]
pub(crate) struct Grid {
    cells: Vec<(u32, u32, String)>,
    used: Option<Dimensions>,
}

impl Grid {
    pub(crate) fn push(&mut self, row: u32, col: u32, text: String) -> anyhow::Result<()> {
        check_position(row, col)?;
        if self.cells.len() >= MAX_CELLS {
            bail!("表格中有内容的单元格超过了 {MAX_CELLS} 个，请分成几个文件导入");
        }
        self.used = Some(match self.used {
            None => Dimensions::new((row, col), (row, col)),
            Some(u) => Dimensions::new(
                (u.start.0.min(row), u.start.1.min(col)),
                (u.end.0.max(row), u.end.1.max(col)),
            ),
        });
        self.cells.push((row, col, text));
        Ok(())
    }

    /// Refuses a used (or declared) range far larger than the cells in it: a sheet that is
    /// mostly air is a damaged or hostile file, not a ledger.
    pub(crate) fn check_density(&self, declared: Option<Dimensions>) -> anyhow::Result<()> {
        let present = self.cells.len() as u64;
        for (what, range) in [("的已用区域", self.used), ("声明的区域", declared)] {
            let Some(range) = range else { continue };
            let cells = area(range);
            if cells > SPARSE_AREA && cells / SPARSE_FACTOR > present {
                bail!(
                    "表格{what} {} 有 {} 个单元格，但有内容的只有 {present} 个：请删除多余的行和列后另存再上传",
                    range_ref(range),
                    grouped(cells)
                );
            }
        }
        Ok(())
    }

    /// Rows from the sheet's first row to the last one used; columns from the first used.
    pub(crate) fn into_rows(mut self) -> Vec<Vec<String>> {
        let Some(used) = self.used else {
            return Vec::new();
        };
        self.cells.sort_by_key(|&(r, c, _)| (r, c));
        let mut rows: Vec<Vec<String>> = vec![Vec::new(); used.end.0 as usize + 1];
        for (r, c, text) in self.cells {
            let row = &mut rows[r as usize];
            let at = (c - used.start.1) as usize;
            if row.len() <= at {
                row.resize(at + 1, String::new());
            }
            row[at] = text;
        }
        rows
    }
}

/// A count as people read it: `17,179,869,184` (and never a string of digits that looks like
/// a phone number in a log).
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use calamine::ExcelDateTimeType;

    use super::*;

    fn date(serial: f64) -> Option<String> {
        excel_date(&ExcelDateTime::new(
            serial,
            ExcelDateTimeType::DateTime,
            false,
        ))
    }

    #[test]
    fn excel_serial_dates_and_the_ones_out_of_range() {
        assert_eq!(date(45658.0).as_deref(), Some("2025-01-01"));
        assert_eq!(date(2_958_465.9).as_deref(), Some("9999-12-31"));
        for wild in [1e15, -1.0, f64::NAN, f64::INFINITY, f64::MAX, 2_958_466.0] {
            assert_eq!(date(wild), None, "{wild}");
        }
    }

    #[test]
    fn cell_references() {
        assert_eq!(cell_ref(0, 0), "A1");
        assert_eq!(cell_ref(16, 2), "C17");
        assert_eq!(col_letters(25), "Z");
        assert_eq!(col_letters(26), "AA");
        assert_eq!(col_letters(MAX_COLS - 1), "GR");
        assert_eq!(cell_ref(1_048_575, 16_383), "XFD1048576");
        assert!(cell_ref(u32::MAX, u32::MAX).ends_with("4294967296"));
    }

    #[test]
    fn rows_start_at_the_first_row_and_the_first_used_column() {
        let mut g = Grid::default();
        g.push(2, 3, "b".into()).unwrap();
        g.push(1, 1, "a".into()).unwrap();
        g.push(2, 1, "c".into()).unwrap();
        assert_eq!(
            g.into_rows(),
            vec![
                vec![],
                vec!["a".to_owned()],
                vec!["c".into(), "".into(), "b".into()]
            ]
        );
    }

    #[test]
    fn the_limits_are_refused_with_the_cell_named() {
        let mut g = Grid::default();
        let e = g.push(0, MAX_COLS, "x".into()).unwrap_err().to_string();
        assert!(e.contains("GS1") && e.contains("200 列"), "{e}");
        let e = g.push(MAX_ROWS, 0, "x".into()).unwrap_err().to_string();
        assert!(e.contains("1048576 行"), "{e}");
        g.push(0, 0, "x".into()).unwrap();
        g.push(MAX_ROWS - 1, 0, "y".into()).unwrap();
        let e = g.check_density(None).unwrap_err().to_string();
        assert!(e.contains("A1:A1048576") && e.contains("只有 2 个"), "{e}");
        // a declared range that is mostly air, even when the cells are few and close
        let mut g = Grid::default();
        g.push(0, 0, "x".into()).unwrap();
        let huge = Dimensions::new((0, 0), (1_048_575, 16_383));
        let e = g.check_density(Some(huge)).unwrap_err().to_string();
        assert!(e.contains("声明的区域 A1:XFD1048576"), "{e}");
        // reversed corners are no overflow
        let reversed = Dimensions::new((1_048_575, 16_383), (0, 0));
        assert!(g.check_density(Some(reversed)).is_err());
        assert!(
            g.check_density(Some(Dimensions::new((0, 0), (99, 19))))
                .is_ok()
        );
    }
}
