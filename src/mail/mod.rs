//! Outgoing mail: messages are written to the `outbox` table in the same transaction as the
//! event (see [`crate::db::outbox`]); the [`Sender`] task delivers them through SMTP
//! (`LAOWU_SMTP_URL`) or, by default, as one `.eml` file per message under `DATA_DIR/mail/`.
//!
//! Delivery is **at least once, with a stable Message-ID**. A sender claims a row with a lease
//! ([`LEASE_SECS`]) and its own owner id, renews the lease every [`RENEW_EVERY`] while the
//! SMTP session is in flight (only the holder can), and marks the row sent right after. So a
//! slow session does not let a second node take the row; but a crash (or a lost lease) between
//! delivery and marking sends the row again. The Message-ID is derived from the row — its id,
//! its creation instant and the domain of `LAOWU_MAIL_FROM` ([`message_id`]) — and the file
//! name from its id, so such a repeat carries the same Message-ID and the receiver can
//! recognise it.

pub mod templates;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use lettre::message::{Mailbox, MultiPart, header};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use time::OffsetDateTime;
use tokio::sync::Notify;

use crate::config::Config;
use crate::db::Db;
use crate::db::outbox::{self, Pending};

/// Attempts before a message is given up.
const MAX_ATTEMPTS: i64 = 8;

/// How long a claim on an outbox row holds without renewal.
pub const LEASE_SECS: i64 = 120;

/// How often the lease is renewed while a message is being delivered.
pub const RENEW_EVERY: Duration = Duration::from_secs(30);

/// The Message-ID of an outbox row: the same for every delivery of the row (a resend after a
/// crash included), different for every row. The creation instant keeps two databases whose
/// ids coincide (a rebuilt installation, a test copy) from reusing each other's IDs.
pub fn message_id(id: i64, created_at: &str, domain: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(created_at.as_bytes());
    format!("<outbox-{id}.{}@{domain}>", hex::encode(&digest[..4]))
}

/// Where messages go.
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

impl Transport {
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        match config.smtp_url.as_deref() {
            Some(url) => {
                let t = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .with_context(|| format!("LAOWU_SMTP_URL is not a valid SMTP URL: {url}"))?
                    .timeout(Some(Duration::from_secs(20)))
                    .build();
                Ok(Self::Smtp(t))
            }
            None => Ok(Self::Files(config.data_dir.join("mail"))),
        }
    }

    async fn deliver(&self, id: i64, message: Message) -> anyhow::Result<()> {
        match self {
            Self::Smtp(t) => {
                t.send(message).await.context("SMTP delivery")?;
            }
            Self::Files(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .context("creating the mail folder")?;
                let tmp = dir.join(format!(".outbox-{id}.eml.tmp"));
                tokio::fs::write(&tmp, message.formatted())
                    .await
                    .context("writing the mail file")?;
                tokio::fs::rename(&tmp, dir.join(format!("outbox-{id:08}.eml")))
                    .await
                    .context("renaming the mail file")?;
            }
        }
        Ok(())
    }
}

/// Stored instant `seconds` from now.
pub fn instant_in(seconds: i64) -> String {
    crate::domain::fmt_instant(OffsetDateTime::now_utc() + time::Duration::seconds(seconds))
}

/// Delivers the outbox.
pub struct Sender {
    db: Db,
    transport: Transport,
    from: Mailbox,
    /// This sender's name on the leases it takes (process id and a random part: unique per
    /// start, across nodes).
    owner: String,
    wake: Notify,
}

impl Sender {
    pub fn new(db: Db, config: &Config) -> anyhow::Result<Arc<Self>> {
        let from: Mailbox = config.mail_from.parse().with_context(|| {
            format!(
                "LAOWU_MAIL_FROM is not a mail address: {}",
                config.mail_from
            )
        })?;
        Ok(Arc::new(Self {
            db,
            transport: Transport::from_config(config)?,
            from,
            owner: format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple()),
            wake: Notify::new(),
        }))
    }

    /// Asks the task to run now (after a write).
    pub fn nudge(&self) {
        self.wake.notify_one();
    }

    fn message(&self, p: &Pending) -> anyhow::Result<Message> {
        let to: Mailbox = p
            .recipient
            .parse()
            .context("recipient is not a mail address")?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(p.subject.clone())
            .message_id(Some(message_id(
                p.id,
                &p.created_at,
                self.from.email.domain(),
            )))
            .multipart(MultiPart::alternative_plain_html(
                p.body_text.clone(),
                p.body_html.clone(),
            ))
            .map(|mut m| {
                m.headers_mut().insert_raw(header::HeaderValue::new(
                    header::HeaderName::new_from_ascii_str("X-Laowu-Outbox"),
                    p.id.to_string(),
                ));
                m
            })
            .context("building the message")
    }

    /// Sends every due message once; returns how many were sent.
    pub async fn send_due(&self) -> anyhow::Result<usize> {
        let mut sent = 0;
        loop {
            let now = instant_in(0);
            let batch = outbox::due(&self.db, &now, 20).await?;
            if batch.is_empty() {
                return Ok(sent);
            }
            for p in batch {
                if !outbox::claim(&self.db, p.id, &self.owner, &now, &instant_in(LEASE_SECS))
                    .await?
                {
                    continue;
                }
                let result = match self.message(&p) {
                    Ok(m) => self.deliver_leased(p.id, m).await,
                    Err(e) => Err(e),
                };
                match result {
                    Ok(()) => {
                        outbox::mark_sent(&self.db, p.id).await?;
                        tracing::info!(outbox.id = p.id, "mail sent");
                        sent += 1;
                    }
                    Err(e) => {
                        let attempts = p.attempts + 1;
                        let backoff = (30i64 << attempts.min(10)).min(6 * 3600);
                        let give_up = attempts >= MAX_ATTEMPTS;
                        tracing::warn!(outbox.id = p.id, attempts, error = %e, "mail delivery failed");
                        outbox::mark_failed(
                            &self.db,
                            p.id,
                            &self.owner,
                            &format!("{e:#}"),
                            &instant_in(backoff),
                            give_up,
                        )
                        .await?;
                    }
                }
            }
        }
    }

    /// Delivers one claimed message, renewing the lease every [`RENEW_EVERY`] until the
    /// transport is done. A renewal refused (the lease ran out and another sender took the
    /// row) does not stop the delivery under way: the message may then arrive twice, with the
    /// same Message-ID.
    async fn deliver_leased(&self, id: i64, message: Message) -> anyhow::Result<()> {
        let delivery = self.transport.deliver(id, message);
        tokio::pin!(delivery);
        let mut renew =
            tokio::time::interval_at(tokio::time::Instant::now() + RENEW_EVERY, RENEW_EVERY);
        loop {
            tokio::select! {
                result = &mut delivery => return result,
                _ = renew.tick() => {
                    match outbox::renew(&self.db, id, &self.owner, &instant_in(LEASE_SECS)).await {
                        Ok(true) => tracing::debug!(outbox.id = id, "mail lease renewed"),
                        Ok(false) => tracing::warn!(
                            outbox.id = id,
                            "mail lease of outbox row {id} lost while sending; it may be delivered twice"
                        ),
                        Err(e) => tracing::warn!(outbox.id = id, error = %e, "renewing the mail lease failed"),
                    }
                }
            }
        }
    }

    /// The background task: delivers when nudged and every two seconds; `tick` runs first on
    /// every round (scheduled digests).
    pub fn spawn<F, Fut>(self: &Arc<Self>, tick: F) -> tokio::task::JoinHandle<()>
    where
        F: Fn() -> Fut + Send + 'static,
        Fut: std::future::Future<Output = anyhow::Result<()>> + Send,
    {
        let me = self.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = tick().await {
                    tracing::error!(error = ?e, "scheduling mail failed");
                }
                if let Err(e) = me.send_due().await {
                    tracing::error!(error = ?e, "sending mail failed");
                }
                tokio::select! {
                    () = me.wake.notified() => {},
                    () = tokio::time::sleep(Duration::from_secs(2)) => {},
                }
            }
        })
    }
}
