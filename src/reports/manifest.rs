//! An event's list of people as a workbook: the 点对点 trip's manifest (乘车名单) for the
//! driver and the receiving station, or a fair's attendance list. 身份证 numbers are masked.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook};

/// One person on the list.
pub struct Line {
    pub name: String,
    pub id_masked: String,
    pub phone: String,
    pub township: String,
    pub employer: String,
    pub signed_up: bool,
    /// a trip: boarded; a fair: came
    pub boarded: bool,
    pub arrived: bool,
}

/// Builds the workbook: a title line, then one row per person.
pub fn workbook(heading: &str, trip: bool, lines: &[Line]) -> anyhow::Result<Vec<u8>> {
    let head = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0x00DD_EEE6))
        .set_align(FormatAlign::Center);
    let cell = Format::new().set_border(FormatBorder::Thin);
    let mut wb = Workbook::new();
    let ws = wb
        .add_worksheet()
        .set_name(if trip { "乘车名单" } else { "签到名单" })?;
    ws.write_with_format(0, 0, heading, &Format::new().set_bold().set_font_size(14))?;
    let cols: &[&str] = if trip {
        &[
            "序号",
            "姓名",
            "身份证号",
            "联系电话",
            "乡镇",
            "用人单位",
            "上车",
            "到达",
        ]
    } else {
        &[
            "序号",
            "姓名",
            "身份证号",
            "联系电话",
            "乡镇",
            "用人单位",
            "报名",
            "到场",
        ]
    };
    for (i, c) in cols.iter().enumerate() {
        ws.write_with_format(2, i as u16, *c, &head)?;
    }
    let mark = |b: bool| if b { "✓" } else { "" };
    for (n, l) in lines.iter().enumerate() {
        let row = 3 + n as u32;
        ws.write_with_format(row, 0, (n + 1) as f64, &cell)?;
        ws.write_with_format(row, 1, l.name.as_str(), &cell)?;
        ws.write_with_format(row, 2, l.id_masked.as_str(), &cell)?;
        ws.write_with_format(row, 3, l.phone.as_str(), &cell)?;
        ws.write_with_format(row, 4, l.township.as_str(), &cell)?;
        ws.write_with_format(row, 5, l.employer.as_str(), &cell)?;
        if trip {
            ws.write_with_format(row, 6, mark(l.boarded), &cell)?;
            ws.write_with_format(row, 7, mark(l.arrived), &cell)?;
        } else {
            ws.write_with_format(row, 6, mark(l.signed_up), &cell)?;
            ws.write_with_format(row, 7, mark(l.boarded), &cell)?;
        }
    }
    for (i, w) in [6.0, 10.0, 22.0, 14.0, 12.0, 28.0, 8.0, 8.0]
        .iter()
        .enumerate()
    {
        ws.set_column_width(i as u16, *w)?;
    }
    ws.set_freeze_panes(3, 0)?;
    Ok(wb.save_to_buffer()?)
}
