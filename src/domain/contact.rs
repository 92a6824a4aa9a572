//! Contact details: mainland mobile numbers, e-mail addresses and personal names.

use std::fmt;

use validator::ValidateEmail;

use super::text::{clean_text, normalize_ascii};

/// A mainland China mobile number: 11 digits starting 13–19.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MobilePhone(String);

impl MobilePhone {
    /// Accepts `138 0013 8000`, `138-0013-8000`, `+86 13800138000`, full-width digits.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let mut digits = normalize_ascii(input);
        if digits.is_empty() {
            return Err("请填写手机号码");
        }
        for prefix in ["+86", "0086"] {
            if let Some(rest) = digits.strip_prefix(prefix) {
                digits = rest.to_owned();
            }
        }
        if digits.len() == 13 && digits.starts_with("86") {
            digits.drain(..2);
        }
        let b = digits.as_bytes();
        if b.len() != 11 || !b.iter().all(u8::is_ascii_digit) {
            return Err("手机号码应为11位数字");
        }
        if b[0] != b'1' || !(b'3'..=b'9').contains(&b[1]) {
            return Err("手机号码应以13至19开头");
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MobilePhone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `138****8000`.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// An e-mail address (lower-cased).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let email = input.trim().to_lowercase();
        if email.is_empty() {
            return Err("请填写电子邮箱");
        }
        if email.len() > 254 || !email.validate_email() {
            return Err("电子邮箱格式不对");
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person's real name: 2–30 characters of Chinese, letters, `·` (minority names) and spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let name = clean_text(input).replace(['.', '•', '‧', '・'], "·");
        let len = name.chars().count();
        if len == 0 {
            return Err("请填写姓名");
        }
        if len < 2 {
            return Err("姓名至少2个字");
        }
        if len > 30 {
            return Err("姓名不能超过30个字");
        }
        if !name
            .chars()
            .all(|c| is_cjk(c) || c.is_ascii_alphabetic() || c == '·' || c == ' ')
        {
            return Err("姓名只能包含汉字、字母和间隔号·");
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `张*`, `欧阳**`: the first character and one star for each of the others.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => format!("{first}{}", "*".repeat(chars.count().max(1))),
        None => String::new(),
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3134F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert_eq!(
            MobilePhone::parse("138 0013-8000").unwrap().as_str(),
            "13800138000"
        );
        assert_eq!(
            MobilePhone::parse("+86 13800138000").unwrap().as_str(),
            "13800138000"
        );
        assert_eq!(
            MobilePhone::parse("8613800138000").unwrap().as_str(),
            "13800138000"
        );
        assert_eq!(
            MobilePhone::parse("１３８００１３８０００")
                .unwrap()
                .as_str(),
            "13800138000"
        );
        assert!(MobilePhone::parse("12800138000").is_err());
        assert!(MobilePhone::parse("1380013800").is_err());
        assert!(MobilePhone::parse("0851-2345678").is_err());
        assert_eq!(mask_phone("13800138000"), "138****8000");
    }

    #[test]
    fn names() {
        assert_eq!(PersonName::parse(" 王  小明 ").unwrap().as_str(), "王 小明");
        assert_eq!(
            PersonName::parse("阿卜杜·热合曼").unwrap().as_str(),
            "阿卜杜·热合曼"
        );
        assert!(PersonName::parse("王").is_err());
        assert!(PersonName::parse("<script>").is_err());
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
    }

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" HR@Example.com ").unwrap().as_str(),
            "hr@example.com"
        );
        assert!(Email::parse("not-an-email").is_err());
    }
}
