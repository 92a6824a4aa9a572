//! Text clean-up shared by the parsers: what people paste from forms and spreadsheets.

/// Maps full-width ASCII (`０-９`, `Ａ-Ｚ`, `ｘ`) to ASCII and drops every kind of white space
/// and the hyphens people put into numbers.
pub fn normalize_ascii(input: &str) -> String {
    normalize_width(input).replace('-', "")
}

/// Maps full-width ASCII to ASCII and drops white space (keeps hyphens, for dates).
pub fn normalize_width(input: &str) -> String {
    input
        .chars()
        .filter_map(|c| {
            let c = match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                '\u{3000}' => ' ',
                _ => c,
            };
            if c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}' {
                None
            } else {
                Some(c)
            }
        })
        .collect()
}

/// Trims and collapses inner white space of free text (names, titles).
pub fn clean_text(input: &str) -> String {
    input
        .split(|c: char| c.is_whitespace() || c == '\u{3000}')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Splits a list typed as `粤菜、炒锅, 面点；电工` into its items, trimmed, without duplicates.
pub fn split_list(input: &str) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    for part in input.split(|c: char| {
        matches!(
            c,
            ',' | '，' | '、' | ';' | '；' | '/' | '|' | '\n' | '\r' | '\t'
        ) || c == ' '
    }) {
        let part = clean_text(part);
        if !part.is_empty() && !items.contains(&part) {
            items.push(part);
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_full_width() {
        assert_eq!(normalize_ascii("１３８ ００１３-８０００"), "13800138000");
        assert_eq!(normalize_ascii("ｘ"), "x");
    }

    #[test]
    fn splits_lists() {
        assert_eq!(
            split_list("粤菜、炒锅，面点; 粤菜 "),
            vec!["粤菜", "炒锅", "面点"]
        );
        assert!(split_list("  ").is_empty());
    }
}

/// A free text with every run of seven or more digits (a phone or 身份证 number someone typed
/// into it; an 18th character X included) replaced by `***`, for the views where numbers
/// are masked.
pub fn redact_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            if i - start >= 7 {
                if i < chars.len() && matches!(chars[i], 'x' | 'X') {
                    i += 1;
                }
                out.push_str("***");
            } else {
                out.extend(&chars[start..i]);
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod redact_tests {
    use super::redact_numbers;

    #[test]
    fn long_numbers_go_and_short_ones_stay() {
        assert_eq!(redact_numbers("电工 13812345678 找我"), "电工 *** 找我");
        assert_eq!(redact_numbers("身份证52032819900101123X"), "身份证***");
        assert_eq!(redact_numbers("月薪5000，做过3年"), "月薪5000，做过3年");
    }
}
