//! The assessment (考评) as data and as a workbook: the table of indicators with target,
//! actual and completion rate, and one sheet of people per indicator.

use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::assessment::Indicator;

/// One indicator's row.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IndicatorRow {
    pub code: &'static str,
    pub name: &'static str,
    pub definition: &'static str,
    pub target: Option<i64>,
    pub actual: i64,
    /// actual / target; `null` without a target
    pub rate: Option<f64>,
}

/// The assessment of a county and year as of a date.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Assessment {
    pub year: i32,
    pub county: String,
    pub county_name: &'static str,
    /// `YYYY-MM-DD`: the figures count up to this day
    pub as_of: String,
    /// the month asked for (figures as of its end), if one was
    pub month: Option<u8>,
    pub indicators: Vec<IndicatorRow>,
}

/// A person an indicator counts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Person {
    pub worker_id: i64,
    pub name: String,
    /// in full for the admin (audited) and for the worker's own station; masked otherwise
    pub id_number: String,
    pub township: String,
    /// 脱贫劳动力 / 监测对象 / empty
    pub household: String,
    /// the workplace the figure used (`广东省斗门区`), or empty
    pub workplace: String,
}

/// The people behind one indicator.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct People {
    pub year: i32,
    pub county: String,
    pub indicator: &'static str,
    pub as_of: String,
    pub items: Vec<Person>,
    pub total: usize,
}

/// The workbook: 考评 (the table) and one sheet per indicator with its people.
pub fn workbook(a: &Assessment, sheets: &[(Indicator, Vec<Person>)]) -> anyhow::Result<Vec<u8>> {
    let border = |f: Format| f.set_border(FormatBorder::Thin);
    let title = Format::new().set_bold().set_font_size(14);
    let head = border(
        Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0x00DD_EEE6)),
    );
    let cell = border(Format::new());
    let number = border(Format::new().set_num_format("#,##0"));
    let percent = border(Format::new().set_num_format("0.0%"));
    let mut wb = Workbook::new();
    {
        let ws = wb.add_worksheet().set_name("考评")?;
        ws.set_column_width(0, 40)?;
        for c in 1..4 {
            ws.set_column_width(c, 12)?;
        }
        ws.write_with_format(
            0,
            0,
            format!(
                "{}{}年东西部劳务协作考评指标（截至 {}）",
                a.county_name, a.year, a.as_of
            ),
            &title,
        )?;
        for (i, h) in ["指标", "目标", "完成", "完成率", "代码"]
            .iter()
            .enumerate()
        {
            ws.write_with_format(2, i as u16, *h, &head)?;
        }
        for (n, r) in a.indicators.iter().enumerate() {
            let row = 3 + n as u32;
            ws.write_with_format(row, 0, r.name, &cell)?;
            match r.target {
                Some(t) => ws.write_with_format(row, 1, t as f64, &number)?,
                None => ws.write_with_format(row, 1, "未设目标", &cell)?,
            };
            ws.write_with_format(row, 2, r.actual as f64, &number)?;
            match r.rate {
                Some(x) => ws.write_with_format(row, 3, x, &percent)?,
                None => ws.write_with_format(row, 3, "—", &cell)?,
            };
            ws.write_with_format(row, 4, r.code, &cell)?;
        }
    }
    for (i, people) in sheets {
        // sheet names: at most 31 characters, unique; the indicator's code is both
        let ws = wb.add_worksheet().set_name(i.code())?;
        ws.write_with_format(0, 0, format!("{}（{}人）", i.name(), people.len()), &title)?;
        for (c, h) in ["姓名", "身份证号码", "乡镇", "家庭情况", "务工地"]
            .iter()
            .enumerate()
        {
            ws.write_with_format(2, c as u16, *h, &head)?;
            ws.set_column_width(c as u16, if c == 1 { 22 } else { 16 })?;
        }
        for (n, p) in people.iter().enumerate() {
            let row = 3 + n as u32;
            ws.write_with_format(row, 0, p.name.as_str(), &cell)?;
            ws.write_with_format(row, 1, p.id_number.as_str(), &cell)?;
            ws.write_with_format(row, 2, p.township.as_str(), &cell)?;
            ws.write_with_format(row, 3, p.household.as_str(), &cell)?;
            ws.write_with_format(row, 4, p.workplace.as_str(), &cell)?;
        }
    }
    Ok(wb.save_to_buffer()?)
}
