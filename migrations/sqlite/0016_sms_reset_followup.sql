-- Reaching workers by SMS and getting back in (issue 16): the SMS outbox (like the mail
-- outbox: written in the event's transaction, leased and sent once per row), a worker's choice
-- to receive only the reset code, the station's phone, password-reset codes (by phone) and
-- links (by e-mail), a session epoch that a new password moves on (every session ends), and
-- placements of jobs found without the platform (no application, vacancy or employer row: the
-- employer by name, the workplace county in town_code).
create table sms_outbox (
    id integer primary key autoincrement,
    kind text not null,
    dedupe_key text unique,
    phone text not null,
    params text not null,
    body text not null,
    created_at text not null,
    attempts integer not null default 0,
    next_attempt_at text not null,
    claimed_until text,
    claimed_by text,
    sent_at text,
    failed_at text,
    last_error text
);
create index sms_outbox_pending on sms_outbox(sent_at, next_attempt_at);

alter table workers add column sms_off integer not null default 0;
alter table stations add column phone text not null default '';
alter table users add column session_epoch integer not null default 0;

create table reset_codes (
    id integer primary key autoincrement,
    phone text not null,
    user_id integer references users(id),
    code_hash text not null,
    created_at text not null,
    expires_at text not null,
    tries integer not null default 0,
    ended_at text,
    by_station integer
);
create index reset_codes_phone on reset_codes(phone, created_at);

create table reset_links (
    id integer primary key autoincrement,
    user_id integer not null references users(id),
    token_hash text not null unique,
    created_at text not null,
    expires_at text not null,
    used_at text
);

-- placements: application, vacancy and employer become optional. SQLite cannot drop NOT NULL
-- in place, so the table is rebuilt with the same ids; its children (follow-ups, cases) are
-- set aside and put back so that no foreign key is ever left dangling.
create table keep_placements as select * from placements;
create table keep_follow_ups as select * from follow_ups;
create table keep_cases as select * from cases;
create table keep_seq as select seq from sqlite_sequence where name = 'placements';
delete from cases;
delete from follow_ups;
drop table placements;
create table placements (
    id integer primary key autoincrement,
    application_id integer unique references applications(id),
    worker_id integer not null references workers(id),
    vacancy_id integer references vacancies(id),
    employer_id integer references employers(id),
    station_id integer references stations(id),
    town_code text not null,
    start_date text not null,
    wage integer not null,
    status text not null default 'active' check (status in ('active', 'left')),
    left_on text,
    left_reason text,
    created_at text not null,
    channel text not null default 'organised',
    employer_name text,
    recorded_by integer
);
insert into placements (id, application_id, worker_id, vacancy_id, employer_id, station_id, town_code,
    start_date, wage, status, left_on, left_reason, created_at, channel)
select id, application_id, worker_id, vacancy_id, employer_id, station_id, town_code,
    start_date, wage, status, left_on, left_reason, created_at, channel from keep_placements;
delete from sqlite_sequence where name = 'placements';
insert into sqlite_sequence (name, seq) select 'placements', max(seq) from keep_seq having count(*) > 0;
create index placements_worker on placements(worker_id);
create index placements_station on placements(station_id);
create unique index placements_one_active on placements (worker_id) where status = 'active';
insert into follow_ups select * from keep_follow_ups;
insert into cases select * from keep_cases;
drop table keep_placements;
drop table keep_follow_ups;
drop table keep_cases;
drop table keep_seq;
