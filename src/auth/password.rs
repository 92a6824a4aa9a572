//! Password hashing with argon2id (default parameters: 19 MiB, 2 passes) and the minimum
//! strength every login must meet.

use anyhow::Context;
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

/// Common passwords refused outright (the top of the leaked lists, Chinese favourites included).
const COMMON: [&str; 16] = [
    "12345678",
    "123456789",
    "1234567890",
    "password",
    "password1",
    "qwerty123",
    "11111111",
    "88888888",
    "66666666",
    "abc12345",
    "a1234567",
    "iloveyou",
    "woaini1314",
    "1qaz2wsx",
    "aa123456",
    "admin123",
];

/// Checks strength: at least 8 characters, letters and digits (or symbols), not a common
/// password, not the login itself. The message is in Chinese.
pub fn check_strength(password: &str, login: &str) -> Result<(), &'static str> {
    let len = password.chars().count();
    if len < 8 {
        return Err("密码至少8位");
    }
    if len > 128 {
        return Err("密码不能超过128位");
    }
    let has_letter = password.chars().any(char::is_alphabetic);
    let has_digit = password.chars().any(|c| c.is_ascii_digit());
    let has_other = password.chars().any(|c| !c.is_alphanumeric());
    if [has_letter, has_digit, has_other]
        .iter()
        .filter(|b| **b)
        .count()
        < 2
    {
        return Err("密码须同时包含字母和数字（或符号）");
    }
    let lower = password.to_lowercase();
    if COMMON.contains(&lower.as_str()) {
        return Err("这个密码太常见，请换一个");
    }
    if !login.is_empty() && lower == login.trim().to_lowercase() {
        return Err("密码不能与账号相同");
    }
    Ok(())
}

/// Hashes a password off the async runtime.
pub async fn hash(password: &str) -> anyhow::Result<String> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("argon2: {e}"))
    })
    .await
    .context("joining the hashing task")?
}

/// Verifies a password against a stored PHC string, off the async runtime.
pub async fn verify(password: &str, stored: &str) -> bool {
    let password = password.to_owned();
    let stored = stored.to_owned();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .verify_password(password.as_bytes(), stored.as_str())
            .is_ok()
    })
    .await
    .unwrap_or(false)
}

/// A hash to verify against when the login does not exist, so that both paths take as long.
pub const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$RdescudvJCsgt3ub+b+dWRWJTmaaJObG";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strength_rules() {
        assert!(check_strength("short1", "").is_err());
        assert!(check_strength("onlyletters", "").is_err());
        assert!(check_strength("12345678", "").is_err());
        assert!(check_strength("Password1", "password1").is_err());
        assert!(check_strength("湄潭茶叶2026", "").is_ok());
        assert!(check_strength("Doumen-2026", "").is_ok());
    }

    #[tokio::test]
    async fn hashes_and_verifies() {
        let h = hash("Doumen-2026").await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("Doumen-2026", &h).await);
        assert!(!verify("doumen-2026", &h).await);
        assert!(!verify("x", DUMMY_HASH).await);
    }
}
