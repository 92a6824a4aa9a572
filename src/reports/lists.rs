//! Exports of lists as files (the queries are in [`crate::db::lists`]).

/// A table to export.
pub struct ExportTable {
    pub title: &'static str,
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

impl ExportTable {
    pub fn to_csv(&self) -> anyhow::Result<Vec<u8>> {
        let mut out = b"\xEF\xBB\xBF".to_vec();
        {
            let mut w = crate::csv_safe::Writer::new(&mut out);
            w.write_record(&self.header)?;
            for r in &self.rows {
                w.write_record(r)?;
            }
            w.flush()?;
        }
        Ok(out)
    }

    pub fn to_xlsx(&self) -> anyhow::Result<Vec<u8>> {
        use rust_xlsxwriter::{Color, Format, Workbook};
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet().set_name(self.title)?;
        let head = Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0x00DD_EEE6));
        for (c, h) in self.header.iter().enumerate() {
            ws.write_with_format(0, c as u16, *h, &head)?;
            ws.set_column_width(c as u16, 16)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32 + 1, c as u16, v)?;
            }
        }
        ws.set_freeze_panes(1, 0)?;
        Ok(wb.save_to_buffer()?)
    }
}
