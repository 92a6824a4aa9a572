//! The monthly figures as a workbook with labelled Chinese sheets (opens in Excel and WPS).

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::{MonthlyReport, Pair};

struct Styles {
    title: Format,
    head: Format,
    label: Format,
    number: Format,
    percent: Format,
    note: Format,
}

fn styles() -> Styles {
    let border = |f: Format| f.set_border(FormatBorder::Thin);
    Styles {
        title: Format::new().set_bold().set_font_size(14),
        head: border(
            Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0x00DD_EEE6))
                .set_align(FormatAlign::Center),
        ),
        label: border(Format::new()),
        number: border(Format::new().set_num_format("#,##0")),
        percent: border(Format::new().set_num_format("0.0%")),
        note: Format::new().set_font_color(Color::Gray).set_italic(),
    }
}

fn header(ws: &mut Worksheet, s: &Styles, row: u32, cols: &[&str]) -> Result<(), XlsxError> {
    for (i, c) in cols.iter().enumerate() {
        ws.write_with_format(row, i as u16, *c, &s.head)?;
    }
    Ok(())
}

fn pair_row(
    ws: &mut Worksheet,
    s: &Styles,
    row: u32,
    label: &str,
    p: Pair,
) -> Result<(), XlsxError> {
    ws.write_with_format(row, 0, label, &s.label)?;
    ws.write_with_format(row, 1, p.month as f64, &s.number)?;
    ws.write_with_format(row, 2, p.ytd as f64, &s.number)?;
    Ok(())
}

/// Builds the workbook: 月报 (summary), 按乡镇, 培训, 稳岗.
pub fn workbook(r: &MonthlyReport) -> anyhow::Result<Vec<u8>> {
    let s = styles();
    let mut wb = Workbook::new();
    {
        let ws = wb.add_worksheet().set_name("月报")?;
        ws.set_column_width(0, 34)?;
        ws.set_column_width(1, 14)?;
        ws.set_column_width(2, 14)?;
        ws.write_with_format(
            0,
            0,
            format!("斗门·湄潭劳务协作月报（{}）", r.month),
            &s.title,
        )?;
        ws.write_with_format(
            1,
            0,
            format!("统计期：{} 至 {}；本年累计自 {}", r.from, r.to, r.year_from),
            &s.note,
        )?;
        header(ws, &s, 3, &["指标", "本月", "本年累计"])?;
        let rows: Vec<(&str, Pair)> = vec![
            ("登记务工人员（人）", r.registrations.total),
            ("　其中：脱贫户", r.registrations.poverty_alleviated),
            ("　　　　监测对象", r.registrations.monitored),
            ("　　　　易地搬迁户", r.registrations.relocated),
            ("　　　　零就业家庭", r.registrations.zero_employment),
            ("实现就业（上岗人次）", r.placements.total),
            ("　其中：到广东就业", r.placements.guangdong),
            ("　　　　到东部其他省份", r.placements.east_other),
            ("　　　　省内县外", r.placements.in_province),
            ("　　　　县内（含帮扶车间）", r.placements.in_county),
            ("　其中：脱贫劳动力", r.placements.poverty_alleviated),
            ("　　　　监测对象", r.placements.monitored),
            ("发布岗位（个）", r.vacancies.posted),
            ("发布岗位（招聘人数）", r.vacancies.places_posted),
            ("岗位录用人数", r.vacancies.places_filled),
            ("招满岗位（个）", r.vacancies.vacancies_filled),
            ("举办专场招聘会（场）", r.events.fairs),
            ("　招聘会到场（人次）", r.events.fair_attended),
            ("　招聘会现场投递（份）", r.events.fair_applications),
            ("点对点返岗专车（趟）", r.events.trips),
            ("　专车到达（人）", r.events.trip_arrived),
            ("经招聘会、专车上岗（人）", r.events.hired),
            ("完成跟踪回访（次）", r.follow_ups.done),
            ("新增诉求问题（件）", r.cases.opened),
            ("办结诉求问题（件）", r.cases.resolved),
        ];
        let mut row = 4;
        for (label, p) in rows {
            pair_row(ws, &s, row, label, p)?;
            row += 1;
        }
        ws.write_with_format(row, 0, "月末逾期未回访（次）", &s.label)?;
        ws.write_with_format(row, 1, r.follow_ups.overdue_at_month_end as f64, &s.number)?;
        ws.write_with_format(row, 2, "", &s.label)?;
        row += 1;
        ws.write_with_format(row, 0, "月末未办结问题（件）", &s.label)?;
        ws.write_with_format(row, 1, r.cases.open_at_month_end as f64, &s.number)?;
        ws.write_with_format(row, 2, "", &s.label)?;
        ws.write_with_format(row + 2, 0, format!("生成时间：{}", r.generated_at), &s.note)?;
        ws.set_freeze_panes(4, 1)?;
    }
    {
        let ws = wb.add_worksheet().set_name("按乡镇")?;
        ws.set_column_width(0, 18)?;
        ws.set_column_width(1, 14)?;
        ws.set_column_width(2, 14)?;
        ws.set_column_width(3, 14)?;
        ws.write_with_format(
            0,
            0,
            format!("登记务工人员（按户籍乡镇）{}", r.month),
            &s.title,
        )?;
        header(ws, &s, 2, &["乡镇", "乡镇代码", "本月", "本年累计"])?;
        for (i, t) in r.registrations.by_township.iter().enumerate() {
            let row = 3 + i as u32;
            ws.write_with_format(row, 0, t.name.as_str(), &s.label)?;
            ws.write_with_format(row, 1, t.code.as_str(), &s.label)?;
            ws.write_with_format(row, 2, t.month as f64, &s.number)?;
            ws.write_with_format(row, 3, t.ytd as f64, &s.number)?;
        }
        ws.set_freeze_panes(3, 0)?;
    }
    {
        let ws = wb.add_worksheet().set_name("培训")?;
        for (c, w) in [
            (0, 14),
            (1, 12),
            (2, 12),
            (3, 12),
            (4, 12),
            (5, 16),
            (6, 16),
        ] {
            ws.set_column_width(c, w)?;
        }
        ws.write_with_format(0, 0, format!("技能培训（{}）", r.month), &s.title)?;
        header(
            ws,
            &s,
            2,
            &[
                "培训工程",
                "本月报名",
                "累计报名",
                "本月取证",
                "累计取证",
                "本月结业后就业",
                "累计结业后就业",
            ],
        )?;
        for (i, t) in r.training.iter().enumerate() {
            let row = 3 + i as u32;
            ws.write_with_format(row, 0, t.name.as_str(), &s.label)?;
            for (c, v) in [
                t.enrolled.month,
                t.enrolled.ytd,
                t.certified.month,
                t.certified.ytd,
                t.employed_after.month,
                t.employed_after.ytd,
            ]
            .iter()
            .enumerate()
            {
                ws.write_with_format(row, 1 + c as u16, *v as f64, &s.number)?;
            }
        }
    }
    {
        let ws = wb.add_worksheet().set_name("稳岗")?;
        ws.set_column_width(0, 20)?;
        ws.set_column_width(1, 16)?;
        ws.set_column_width(2, 16)?;
        ws.set_column_width(3, 12)?;
        ws.write_with_format(0, 0, format!("稳岗情况（截至 {}）", r.to), &s.title)?;
        header(
            ws,
            &s,
            2,
            &["指标", "上岗已满期限（人）", "回访确认在岗（人）", "稳岗率"],
        )?;
        for (i, (label, due, held)) in [
            ("3个月稳岗", r.retention.due_3m, r.retention.held_3m),
            ("6个月稳岗", r.retention.due_6m, r.retention.held_6m),
        ]
        .iter()
        .enumerate()
        {
            let row = 3 + i as u32;
            ws.write_with_format(row, 0, *label, &s.label)?;
            ws.write_with_format(row, 1, *due as f64, &s.number)?;
            ws.write_with_format(row, 2, *held as f64, &s.number)?;
            let rate = if *due == 0 {
                0.0
            } else {
                *held as f64 / *due as f64
            };
            ws.write_with_format(row, 3, rate, &s.percent)?;
        }
    }
    Ok(wb.save_to_buffer()?)
}
