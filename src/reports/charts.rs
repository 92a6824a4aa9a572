//! Server-rendered SVG charts for the dashboards: bars and a line, with Chinese labels as
//! `<text>`, no scripts and no fonts to download; readable on a phone (they scale to the width).

use std::fmt::Write;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Horizontal bars: one row per label, the value at the end.
pub fn bars(title: &str, items: &[(String, f64)], unit: &str) -> String {
    let row = 26.0;
    let left = 110.0;
    let width = 360.0;
    let height = 40.0 + row * items.len().max(1) as f64;
    let max = items.iter().map(|(_, v)| *v).fold(0.0, f64::max).max(1.0);
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {height}" role="img" aria-label="{t}" class="chart"><title>{t}</title><text x="0" y="18" font-size="15" font-weight="bold">{t}</text>"#,
        w = left + width + 60.0,
        t = esc(title)
    );
    if items.is_empty() {
        s.push_str(r##"<text x="0" y="50" font-size="13" fill="#666">暂无数据</text>"##);
    }
    for (i, (label, v)) in items.iter().enumerate() {
        let y = 32.0 + row * i as f64;
        let w = (v / max) * width;
        let _ = write!(
            s,
            r##"<text x="{lx}" y="{ty}" font-size="13" text-anchor="end">{l}</text><rect x="{left}" y="{y}" width="{w:.1}" height="18" fill="#0b6e4f"/><text x="{vx:.1}" y="{ty}" font-size="12">{v}{u}</text>"##,
            lx = left - 6.0,
            ty = y + 14.0,
            l = esc(label),
            vx = left + w + 4.0,
            v = fmt_num(*v),
            u = esc(unit),
        );
    }
    s.push_str("</svg>");
    s
}

/// A line over labelled points (months, or 0/3/6 months of retention).
pub fn line(title: &str, points: &[(String, f64)], max_y: Option<f64>, unit: &str) -> String {
    let (w, h, left, bottom, top) = (480.0, 220.0, 40.0, 30.0, 30.0);
    let plot_w = w - left - 30.0;
    let plot_h = h - bottom - top;
    let max = max_y
        .unwrap_or_else(|| points.iter().map(|(_, v)| *v).fold(0.0, f64::max))
        .max(1.0);
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" aria-label="{t}" class="chart"><title>{t}</title><text x="0" y="18" font-size="15" font-weight="bold">{t}</text>"#,
        t = esc(title)
    );
    let _ = write!(
        s,
        r##"<line x1="{left}" y1="{b}" x2="{r}" y2="{b}" stroke="#999"/><text x="{lx}" y="{ty}" font-size="11" text-anchor="end">{m}{u}</text><text x="{lx}" y="{b}" font-size="11" text-anchor="end">0</text>"##,
        b = h - bottom,
        r = w - 10.0,
        lx = left - 4.0,
        ty = top + 4.0,
        m = fmt_num(max),
        u = esc(unit)
    );
    let n = points.len().max(2) - 1;
    let xy: Vec<(f64, f64)> = points
        .iter()
        .enumerate()
        .map(|(i, (_, v))| {
            (
                left + plot_w * i as f64 / n as f64,
                top + plot_h * (1.0 - v / max),
            )
        })
        .collect();
    if !xy.is_empty() {
        let path: Vec<String> = xy.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        let _ = write!(
            s,
            r##"<polyline fill="none" stroke="#0b6e4f" stroke-width="2.5" points="{}"/>"##,
            path.join(" ")
        );
    }
    for ((x, y), (label, v)) in xy.iter().zip(points) {
        let _ = write!(
            s,
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="3.5" fill="#0b6e4f"/><text x="{x:.1}" y="{ly:.1}" font-size="11" text-anchor="middle">{v}</text><text x="{x:.1}" y="{by}" font-size="11" text-anchor="middle">{l}</text>"##,
            ly = y - 7.0,
            v = fmt_num(*v),
            by = h - bottom + 16.0,
            l = esc(label),
        );
    }
    s.push_str("</svg>");
    s
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_escape_and_scale() {
        let svg = bars(
            "按乡镇<登记>",
            &[("湄江街道".into(), 10.0), ("永兴镇".into(), 5.0)],
            "人",
        );
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("湄江街道"));
        assert!(svg.contains("&lt;登记&gt;"));
        assert!(!svg.contains("<script"));
        let l = line(
            "稳岗",
            &[("0".into(), 100.0), ("3个月".into(), 80.0)],
            Some(100.0),
            "%",
        );
        assert!(l.contains("polyline"));
    }
}
