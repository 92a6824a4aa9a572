//! 居民身份证号码 (GB 11643-1999): 17 digits, a check character, a real birth date and a
//! GB/T 2260 region code that was in use at some time between the birth year and today.

use std::fmt;

use serde::Serialize;
use time::{Date, Month};

use super::gb2260;
use super::text::normalize_ascii;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// Sex as recorded by the 17th digit (odd = male).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }
}

/// Why a number was refused; `Display` is the Chinese message shown to the person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdCardError {
    #[error("请填写身份证号码")]
    Empty,
    #[error("这是15位的旧身份证号码，已停止使用，请填写18位身份证号码")]
    OldFifteenDigit,
    #[error("身份证号码应为18位，现在是{0}位")]
    Length(usize),
    #[error("身份证号码前17位应为数字，最后一位为数字或X")]
    Characters,
    #[error("身份证号码的出生日期不是有效日期")]
    BirthDate,
    #[error("身份证号码的出生日期晚于今天")]
    FutureBirthDate,
    #[error("身份证号码的校验位不对，请检查是否输错")]
    CheckDigit,
    #[error("身份证号码前6位不是有效的行政区划代码")]
    UnknownRegion,
    #[error("身份证号码前6位的行政区划代码在出生年份之前已经撤销")]
    RegionNotInUse,
}

/// A valid 18-character 身份证 number with what it encodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdCardNumber {
    number: String,
    birth_date: Date,
    sex: Sex,
    region_name: String,
}

impl IdCardNumber {
    /// Parses what a person typed or pasted (spaces, full-width digits, lower-case x are
    /// accepted), checked against `today`.
    pub fn parse(input: &str, today: Date) -> Result<Self, IdCardError> {
        let number = normalize_ascii(input).to_ascii_uppercase();
        if number.is_empty() {
            return Err(IdCardError::Empty);
        }
        let chars = number.chars().count();
        if chars == 15 && number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdCardError::OldFifteenDigit);
        }
        if chars != 18 {
            return Err(IdCardError::Length(chars));
        }
        let bytes = number.as_bytes();
        if !bytes[..17].iter().all(u8::is_ascii_digit)
            || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
        {
            return Err(IdCardError::Characters);
        }
        let birth_date = birth_date(&number)?;
        if birth_date > today {
            return Err(IdCardError::FutureBirthDate);
        }
        if check_char(&bytes[..17]) != bytes[17] {
            return Err(IdCardError::CheckDigit);
        }
        let code = &number[..6];
        if gb2260::periods(code).is_empty() {
            return Err(IdCardError::UnknownRegion);
        }
        let period = gb2260::in_use_between(code, birth_date.year(), today.year())
            .ok_or(IdCardError::RegionNotInUse)?;
        let sex = if (bytes[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        };
        Ok(Self {
            region_name: period.label(),
            number,
            birth_date,
            sex,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.number
    }

    pub fn birth_date(&self) -> Date {
        self.birth_date
    }

    pub fn sex(&self) -> Sex {
        self.sex
    }

    pub fn region_code(&self) -> &str {
        &self.number[..6]
    }

    pub fn region_name(&self) -> &str {
        &self.region_name
    }

    /// Full years of age on `on`.
    pub fn age_on(&self, on: Date) -> i32 {
        age_on(self.birth_date, on)
    }

    /// `5203**********123X`: first four and last four characters.
    pub fn masked(&self) -> String {
        mask_id_number(&self.number)
    }
}

impl fmt::Display for IdCardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.number)
    }
}

/// Full years between a birth date and `on`.
pub fn age_on(birth: Date, on: Date) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month() as u8, on.day()) < (birth.month() as u8, birth.day()) {
        age -= 1;
    }
    age
}

/// Masks any stored 身份证 number for people who may not see it whole.
pub fn mask_id_number(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 8))
}

fn check_char(first17: &[u8]) -> u8 {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

fn birth_date(number: &str) -> Result<Date, IdCardError> {
    let year: i32 = number[6..10].parse().map_err(|_| IdCardError::BirthDate)?;
    let month: u8 = number[10..12].parse().map_err(|_| IdCardError::BirthDate)?;
    let day: u8 = number[12..14].parse().map_err(|_| IdCardError::BirthDate)?;
    if year < 1900 {
        return Err(IdCardError::BirthDate);
    }
    let month = Month::try_from(month).map_err(|_| IdCardError::BirthDate)?;
    Date::from_calendar_date(year, month, day).map_err(|_| IdCardError::BirthDate)
}

/// Builds a valid number from 17 digits by appending the check character (test data, demo data).
pub fn with_check_char(first17: &str) -> String {
    format!("{first17}{}", char::from(check_char(first17.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 30);

    fn parse(s: &str) -> Result<IdCardNumber, IdCardError> {
        IdCardNumber::parse(s, TODAY)
    }

    #[test]
    fn accepts_a_valid_number_and_derives_birth_and_sex() {
        let n = with_check_char("52032819850314231");
        let id = parse(&n).unwrap();
        assert_eq!(id.birth_date(), date!(1985 - 03 - 14));
        assert_eq!(id.sex(), Sex::Male);
        assert_eq!(id.region_name(), "贵州省湄潭县");
        assert_eq!(id.age_on(TODAY), 41);
    }

    #[test]
    fn x_check_digit_in_both_cases() {
        // 11010519491231002X is the standard's own example.
        assert_eq!(parse("11010519491231002X").unwrap().sex(), Sex::Female);
        assert_eq!(
            parse("11010519491231002x").unwrap().as_str(),
            "11010519491231002X"
        );
        assert_eq!(parse("110105194912310021"), Err(IdCardError::CheckDigit));
    }

    #[test]
    fn february_29_only_in_leap_years() {
        assert!(parse(&with_check_char("52032820000229001")).is_ok());
        assert!(parse(&with_check_char("52032819960229001")).is_ok());
        assert_eq!(
            parse(&with_check_char("52032819990229001")),
            Err(IdCardError::BirthDate)
        );
        assert_eq!(
            parse(&with_check_char("52032819000229001")),
            Err(IdCardError::BirthDate)
        );
    }

    #[test]
    fn historical_meitan_code_depends_on_birth_year() {
        assert!(parse(&with_check_char("52212819850601002")).is_ok());
        assert!(parse(&with_check_char("52032819800601002")).is_ok());
        assert_eq!(
            parse(&with_check_char("52212820010601002")),
            Err(IdCardError::RegionNotInUse)
        );
        assert_eq!(
            parse(&with_check_char("99999919850601002")),
            Err(IdCardError::UnknownRegion)
        );
    }

    #[test]
    fn refuses_old_and_malformed_numbers() {
        assert_eq!(parse("520328850314231"), Err(IdCardError::OldFifteenDigit));
        assert_eq!(parse(""), Err(IdCardError::Empty));
        assert_eq!(parse("5203281985"), Err(IdCardError::Length(10)));
        assert_eq!(parse("52032819850314231Y"), Err(IdCardError::Characters));
        assert_eq!(
            parse(&with_check_char("52032830000101001")),
            Err(IdCardError::FutureBirthDate)
        );
        assert_eq!(parse("5203281985031423１５5"), Err(IdCardError::Length(19)));
    }

    #[test]
    fn full_width_digits_and_spaces_are_normalized() {
        let n = with_check_char("52032819850314231");
        let wide: String = n
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap_or(c))
            .collect();
        assert_eq!(parse(&format!(" {wide}　")).unwrap().as_str(), n);
        assert_eq!(
            parse("110105 19491231 002Ｘ").unwrap().as_str(),
            "11010519491231002X"
        );
    }

    #[test]
    fn masks_the_middle() {
        assert_eq!(mask_id_number("52032819850314231X"), "5203**********231X");
    }
}
