//! Throttles (governor's keyed GCRA limiters). Logins: ten attempts per account, then one
//! every 30 seconds; thirty per address, then one every two seconds. Anonymous
//! self-registration: twenty per address, then one every 30 seconds (each answer tells
//! something about a 身份证 number, so it must not be asked without limit). Password-reset
//! requests (codes by SMS, links by mail): twenty per address, then one every three
//! minutes. Past a limit: 429 with Retry-After.
//!
//! An address whose self-registrations are refused [`REFUSALS_PER_DAY`] times in a day for
//! numbers already on the register (someone trying 身份证 numbers to learn who is registered)
//! may not self-register again until the day is over.
//!
//! The account is keyed on the *normalised* login ([`login_key`]): `138 0013 8000`,
//! `+86 13800138000` and `１３８００１３８０００` are one account and share one bucket.
//!
//! Every per-address limit keys on the *normalised* address ([`address_key`]): an IPv4-mapped
//! IPv6 address (`::ffff:10.71.0.1`) is its IPv4 address, and any other IPv6 address is its
//! /64 network (one subscriber line hands out a whole /64).

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::domain::MobilePhone;
use crate::domain::text::normalize_width;
use crate::error::AppError;
use crate::telemetry::pseudonym;

/// The limiters of logins and anonymous registrations.
pub struct LoginThrottle {
    by_login: DefaultKeyedRateLimiter<String>,
    by_ip: DefaultKeyedRateLimiter<String>,
    registrations_by_ip: DefaultKeyedRateLimiter<String>,
    /// password-reset requests (codes and links) per address
    resets_by_ip: DefaultKeyedRateLimiter<String>,
    /// refused self-registrations per address: how many, since when
    refusals: Mutex<HashMap<String, (u32, Instant)>>,
}

/// Refused self-registrations an address may have in a day.
pub const REFUSALS_PER_DAY: u32 = 3;
/// Password-reset requests (codes and links together) an address may make in an hour: the
/// bucket holds this many and refills one every `3600 / RESETS_PER_HOUR` seconds.
pub const RESETS_PER_HOUR: u32 = 20;
const DAY: Duration = Duration::from_secs(86_400);

fn quota(every: Duration, burst: u32) -> Quota {
    Quota::with_period(every)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN))
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self {
            by_login: RateLimiter::keyed(quota(Duration::from_secs(30), 10)),
            by_ip: RateLimiter::keyed(quota(Duration::from_secs(2), 30)),
            registrations_by_ip: RateLimiter::keyed(quota(Duration::from_secs(30), 20)),
            resets_by_ip: RateLimiter::keyed(quota(
                Duration::from_secs(3600 / u64::from(RESETS_PER_HOUR)),
                RESETS_PER_HOUR,
            )),
            refusals: Mutex::default(),
        }
    }
}

/// The account a login text names, however it was typed: a mobile number as its 11 digits
/// (spaces, hyphens, `+86`/`0086`, full-width digits dropped or mapped), anything else
/// (e-mail addresses) with full-width ASCII mapped to ASCII, white space removed and lower
/// case.
pub fn login_key(login: &str) -> String {
    let narrow = normalize_width(login).to_lowercase();
    match MobilePhone::parse(&narrow) {
        Ok(phone) => phone.as_str().to_owned(),
        Err(_) => narrow,
    }
}

/// The key of a client address in every per-address limit: an IPv4 address as it is, an
/// IPv4-mapped IPv6 address as that IPv4 address, any other IPv6 address as its /64 prefix
/// (`2001:db8:1:2::/64`); text that is no address (never from the server's own extractor) as
/// it is, trimmed.
pub fn address_key(ip: &str) -> String {
    use std::net::{IpAddr, Ipv6Addr};
    let text = ip.trim();
    match text.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let net = u128::from(v6) & (u128::MAX << 64);
                format!("{}/64", Ipv6Addr::from(net))
            }
        },
        Err(_) => text.to_owned(),
    }
}

fn too_many(
    result: Result<(), governor::NotUntil<governor::clock::QuantaInstant>>,
) -> Result<(), u64> {
    let now = DefaultClock::default().now();
    result.map_err(|not_until| not_until.wait_time_from(now).as_secs().max(1))
}

impl LoginThrottle {
    /// Counts one login attempt; `TooManyRequests` with the seconds to wait when over the
    /// limit. The log line names the account by a keyed hash, never by the login itself.
    pub fn check(&self, login: &str, ip: &str) -> Result<(), AppError> {
        let key = login_key(login);
        let ip = address_key(ip);
        let ip = ip.as_str();
        for result in [
            self.by_ip.check_key(&ip.to_owned()),
            self.by_login.check_key(&key),
        ] {
            if let Err(wait) = too_many(result) {
                tracing::warn!(account = %pseudonym(&key), ip, wait, "login throttled");
                return Err(AppError::TooManyRequests {
                    retry_after_secs: wait,
                });
            }
        }
        Ok(())
    }

    /// Counts one anonymous self-registration from `ip`.
    pub fn check_registration(&self, ip: &str) -> Result<(), AppError> {
        let ip = address_key(ip);
        let ip = ip.as_str();
        if let Some(wait) = self.refused_wait(ip) {
            tracing::warn!(ip, wait, "self-registration stopped after refusals");
            return Err(AppError::TooManyRequests {
                retry_after_secs: wait,
            });
        }
        too_many(self.registrations_by_ip.check_key(&ip.to_owned())).map_err(|wait| {
            tracing::warn!(ip, wait, "self-registration throttled");
            AppError::TooManyRequests {
                retry_after_secs: wait,
            }
        })
    }

    /// Counts one password-reset request (a code by SMS or a link by mail) from `ip`: each
    /// sends a message to someone, so no address may ask without limit.
    pub fn check_reset(&self, ip: &str) -> Result<(), AppError> {
        let ip = address_key(ip);
        let ip = ip.as_str();
        too_many(self.resets_by_ip.check_key(&ip.to_owned())).map_err(|wait| {
            tracing::warn!(ip, wait, "reset requests throttled");
            AppError::TooManyRequests {
                retry_after_secs: wait,
            }
        })
    }

    /// Notes a self-registration from `ip` refused for what is already on the register.
    pub fn note_refused_registration(&self, ip: &str) {
        let mut map = self.refusals.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let entry = map.entry(address_key(ip)).or_insert((0, now));
        if now.duration_since(entry.1) >= DAY {
            *entry = (0, now);
        }
        entry.0 += 1;
    }

    /// Seconds until `ip` may self-register again, when its refusals are used up.
    fn refused_wait(&self, ip: &str) -> Option<u64> {
        let map = self.refusals.lock().unwrap_or_else(|e| e.into_inner());
        let (n, since) = map.get(&address_key(ip))?;
        let left = DAY.checked_sub(since.elapsed())?;
        (*n >= REFUSALS_PER_DAY).then(|| left.as_secs().max(1))
    }

    /// Forgets old keys (called now and then so the maps do not grow without bound).
    pub fn prune(&self) {
        self.refusals
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, (_, since)| since.elapsed() < DAY);
        self.by_login.retain_recent();
        self.by_ip.retain_recent();
        self.registrations_by_ip.retain_recent();
        self.resets_by_ip.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_account_however_typed() {
        for spelling in [
            "13800138000",
            " 138 0013 8000 ",
            "138-0013-8000",
            "+86 138 0013 8000",
            "0086 13800138000",
            "8613800138000",
            "１３８００１３８０００",
            "１３８　００１３　８０００",
        ] {
            assert_eq!(login_key(spelling), "13800138000", "{spelling}");
        }
        assert_eq!(login_key(" HR@Example.COM "), "hr@example.com");
        assert_eq!(login_key("ＨＲ＠example.com"), "hr@example.com");
    }

    #[test]
    fn one_address_however_written() {
        // an IPv4-mapped IPv6 address is its IPv4 address
        for text in [
            "10.71.0.1",
            "::ffff:10.71.0.1",
            "::FFFF:0a47:0001",
            " 10.71.0.1 ",
        ] {
            assert_eq!(address_key(text), "10.71.0.1", "{text}");
        }
        // every address of one /64 is one key, however written …
        for text in [
            "2001:db8:1:2::1",
            "2001:db8:1:2::2",
            "2001:db8:1:2:ffff:ffff:ffff:ffff",
            "2001:0DB8:0001:0002:abcd:0:0:1",
        ] {
            assert_eq!(address_key(text), "2001:db8:1:2::/64", "{text}");
        }
        // … and the next /64 another
        assert_eq!(address_key("2001:db8:1:3::1"), "2001:db8:1:3::/64");
        assert_eq!(address_key("::1"), "::/64");
        // IPv4-compatible (deprecated) addresses are not mapped ones
        assert_ne!(address_key("::10.71.0.1"), "10.71.0.1");
    }

    #[test]
    fn mapped_and_plain_ipv4_share_the_registration_bucket() {
        let t = LoginThrottle::default();
        for n in 0..20 {
            let ip = if n % 2 == 0 {
                "10.71.0.1"
            } else {
                "::ffff:10.71.0.1"
            };
            assert!(t.check_registration(ip).is_ok(), "{n}");
        }
        assert!(t.check_registration("10.71.0.1").is_err());
        assert!(t.check_registration("::ffff:10.71.0.1").is_err());
        assert!(t.check_registration("10.71.0.2").is_ok());
    }

    #[test]
    fn one_64_shares_the_reset_and_login_buckets() {
        let t = LoginThrottle::default();
        for n in 0..RESETS_PER_HOUR {
            assert!(
                t.check_reset(&format!("2001:db8:1:2::{n:x}")).is_ok(),
                "{n}"
            );
        }
        assert!(t.check_reset("2001:db8:1:2:dead:beef:0:1").is_err());
        assert!(t.check_reset("2001:db8:1:3::1").is_ok());
        for n in 0..30 {
            assert!(
                t.check(
                    &format!("user{n}@test.local"),
                    &format!("2001:db8:9:9::{n:x}")
                )
                .is_ok(),
                "{n}"
            );
        }
        assert!(t.check("other@test.local", "2001:db8:9:9::abcd").is_err());
    }

    #[test]
    fn refusals_count_per_normalised_address() {
        let t = LoginThrottle::default();
        for ip in ["10.71.0.9", "::ffff:10.71.0.9", "::ffff:a47:9"] {
            t.note_refused_registration(ip);
        }
        assert!(t.check_registration("10.71.0.9").is_err());
        for ip in ["2001:db8::1", "2001:db8::2", "2001:db8::3"] {
            t.note_refused_registration(ip);
        }
        assert!(t.check_registration("2001:db8::ffff").is_err());
        assert!(t.check_registration("2001:db8:0:1::1").is_ok());
    }
}
