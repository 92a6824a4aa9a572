-- The mail sender that holds a claim on an outbox row (issue #12): a sender renews its lease
-- (claimed_until) while an SMTP session is in flight, and only the holder may renew it or
-- hand it back after a failed attempt.
alter table outbox add column claimed_by text;
