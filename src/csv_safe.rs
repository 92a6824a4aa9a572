//! Every CSV the platform writes goes through [`Writer`], which keeps a spreadsheet from running
//! a cell (CSV injection, OWASP's rule).
//!
//! Excel, WPS and LibreOffice treat a cell that starts with `=`, `+`, `-` or `@` as a formula
//! (`=HYPERLINK("http://…","点我")`, `-2+3+cmd|' /C calc'!A0`), and a leading tab or carriage
//! return can hide such a start. Those cells are written with a leading `'`, which the
//! spreadsheet shows as text. One exception, on purpose: a plain negative number (`-12`,
//! `-3.5`) is written as it is — it cannot run anything, and a quote would turn a number
//! someone wants to add up into text. Anything else after the `-` (`-1+1`, `-A1`) is quoted.

use std::borrow::Cow;
use std::io;

/// The cell as it is safe to write: `'` put before a formula start.
pub fn cell(value: &str) -> Cow<'_, str> {
    let risky = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_plain_negative_number(value) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// `-12`, `-3.5`: a minus, digits, at most one dot between digits.
fn is_plain_negative_number(value: &str) -> bool {
    let Some(number) = value.strip_prefix('-') else {
        return false;
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && digits(fraction)
}

/// A CSV writer whose every cell goes through [`cell`]. Rows may differ in length (a ledger's
/// rows need not be as wide as its header).
pub struct Writer<W: io::Write>(csv::Writer<W>);

impl<W: io::Write> Writer<W> {
    pub fn new(out: W) -> Self {
        Self(csv::WriterBuilder::new().flexible(true).from_writer(out))
    }

    pub fn write_record<I, S>(&mut self, record: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.0
            .write_record(record.into_iter().map(|s| cell(s.as_ref()).into_owned()))
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_quoted() {
        for risky in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+86 139",
            "-2+3+cmd|' /C calc'!A0",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "-",
            "-1+1",
            "-.5",
            "-1.",
            "-1.2.3",
        ] {
            assert_eq!(cell(risky), format!("'{risky}"), "{risky:?}");
        }
        for plain in [
            "王小明",
            "",
            "5500",
            "2026-03-01",
            "-12",
            "-3.5",
            "a=b",
            " =1",
        ] {
            assert_eq!(cell(plain), plain, "{plain:?}");
        }
    }

    #[test]
    fn the_writer_quotes_and_accepts_ragged_rows() {
        let mut out = Vec::new();
        {
            let mut w = Writer::new(&mut out);
            w.write_record(["姓名", "备注"]).unwrap();
            w.write_record(["=HYPERLINK(\"http://x\",\"y\")"]).unwrap();
            w.write_record(vec!["-5".to_owned(), "@x".into(), "z".into()])
                .unwrap();
            w.flush().unwrap();
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "姓名,备注\n\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\n-5,'@x,z\n"
        );
    }
}
