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
