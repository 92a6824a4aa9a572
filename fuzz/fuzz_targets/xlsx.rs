#![no_main]
//! The .xlsx reader (`laowu::import::table::read`): the input is either a whole file (first
//! byte even) or the inside of the first worksheet's XML in an otherwise valid workbook (first
//! byte odd), which reaches the cell reader, the limits and the date conversion much sooner.
//! A dictionary of the worksheet's tags is in `fuzz/xlsx.dict`.

use std::io::Write;

use libfuzzer_sys::fuzz_target;

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const DOC_RELS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

fn workbook(sheet: &[u8]) -> Option<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let fixed = [
        (
            "_rels/.rels",
            format!(
                r#"<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/workbook.xml",
            format!(
                r#"<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                r#"<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{DOC_RELS}/styles" Target="styles.xml"/><Relationship Id="rId3" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/styles.xml",
            format!(
                r#"<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="46" applyNumberFormat="1"/></cellXfs></styleSheet>"#
            ),
        ),
        (
            "xl/sharedStrings.xml",
            format!(
                r#"<sst xmlns="{MAIN}" count="2" uniqueCount="2"><si><t>姓名</t></si><si><t>=1+2</t></si></sst>"#
            ),
        ),
    ];
    for (name, text) in fixed {
        zip.start_file(name, stored).ok()?;
        zip.write_all(text.as_bytes()).ok()?;
    }
    zip.start_file("xl/worksheets/sheet1.xml", stored).ok()?;
    zip.write_all(format!(r#"<worksheet xmlns="{MAIN}">"#).as_bytes())
        .ok()?;
    zip.write_all(sheet).ok()?;
    zip.write_all(b"</worksheet>").ok()?;
    Some(zip.finish().ok()?.into_inner())
}

fuzz_target!(|data: &[u8]| {
    let Some((mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        let _ = laowu::import::table::read("fuzz.xlsx", rest);
    } else if let Some(file) = workbook(rest) {
        let _ = laowu::import::table::read("fuzz.xlsx", &file);
    }
});
