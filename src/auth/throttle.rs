//! Login throttling per account and per client address (governor's keyed GCRA limiters):
//! ten attempts per account, then one every 30 seconds; thirty per address, then one every
//! two seconds. Past that: 429 with Retry-After.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::AppError;

/// The two limiters.
pub struct LoginThrottle {
    by_login: DefaultKeyedRateLimiter<String>,
    by_ip: DefaultKeyedRateLimiter<String>,
}

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
        }
    }
}

impl LoginThrottle {
    /// Counts one attempt; `TooManyRequests` with the seconds to wait when over the limit.
    pub fn check(&self, login: &str, ip: &str) -> Result<(), AppError> {
        let now = DefaultClock::default().now();
        let login = login.trim().to_lowercase();
        for result in [
            self.by_ip.check_key(&ip.to_owned()),
            self.by_login.check_key(&login),
        ] {
            if let Err(not_until) = result {
                let wait = not_until.wait_time_from(now).as_secs().max(1);
                tracing::warn!(login = %login, ip, wait, "login throttled");
                return Err(AppError::TooManyRequests {
                    retry_after_secs: wait,
                });
            }
        }
        Ok(())
    }

    /// Forgets old keys (called now and then so the maps do not grow without bound).
    pub fn prune(&self) {
        self.by_login.retain_recent();
        self.by_ip.retain_recent();
    }
}
