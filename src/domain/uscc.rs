//! 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character alphabet with a
//! mod-31 check character.

use std::fmt;

use super::text::normalize_ascii;

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Why a code was refused (Chinese message for the person).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    #[error("请填写统一社会信用代码")]
    Empty,
    #[error("统一社会信用代码应为18位，现在是{0}位")]
    Length(usize),
    #[error("统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V）")]
    Characters,
    #[error("统一社会信用代码第3至8位应为行政区划代码数字")]
    Region,
    #[error("统一社会信用代码的校验位不对，请检查是否输错")]
    CheckCharacter,
}

/// A valid unified social credit code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Uscc(String);

impl Uscc {
    pub fn parse(input: &str) -> Result<Self, UsccError> {
        let code = normalize_ascii(input).to_ascii_uppercase();
        if code.is_empty() {
            return Err(UsccError::Empty);
        }
        let len = code.chars().count();
        if len != 18 {
            return Err(UsccError::Length(len));
        }
        let values: Vec<u32> = code
            .bytes()
            .map(|b| ALPHABET.iter().position(|&a| a == b).map(|p| p as u32))
            .collect::<Option<_>>()
            .ok_or(UsccError::Characters)?;
        if !code.as_bytes()[2..8].iter().all(u8::is_ascii_digit) {
            return Err(UsccError::Region);
        }
        if check_value(&values[..17]) != values[17] {
            return Err(UsccError::CheckCharacter);
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn check_value(first17: &[u32]) -> u32 {
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    (31 - sum % 31) % 31
}

/// Appends the check character to 17 valid characters (test and demo data).
pub fn with_check_char(first17: &str) -> String {
    let values: Vec<u32> = first17
        .bytes()
        .filter_map(|b| ALPHABET.iter().position(|&a| a == b).map(|p| p as u32))
        .collect();
    let check = ALPHABET[check_value(&values) as usize];
    format!("{first17}{}", char::from(check))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_codes() {
        // 华为投资控股有限公司's published code.
        assert!(Uscc::parse("914403001922038216").is_ok());
        let lower = with_check_char("91440403MA4UH2J8X").to_lowercase();
        assert_eq!(
            Uscc::parse(&format!(" {lower} ")).unwrap().as_str(),
            lower.to_uppercase()
        );
    }

    #[test]
    fn refuses_bad_codes() {
        assert_eq!(
            Uscc::parse("914403001922038217"),
            Err(UsccError::CheckCharacter)
        );
        assert_eq!(Uscc::parse("9144030019220382"), Err(UsccError::Length(16)));
        assert_eq!(
            Uscc::parse("91440300192203821I"),
            Err(UsccError::Characters)
        );
        assert_eq!(Uscc::parse("91AB03001922038216"), Err(UsccError::Region));
        assert_eq!(Uscc::parse(""), Err(UsccError::Empty));
    }

    #[test]
    fn generated_codes_round_trip() {
        let code = with_check_char("91440403MA4UJ1234");
        assert!(Uscc::parse(&code).is_ok());
    }
}
