-- Foundation: stations, providers, employers, workers, vacancies, users, tokens, audit log,
-- and the change rows that keep the search index in step with the database.
-- Dates are TEXT 'YYYY-MM-DD', instants TEXT RFC 3339 UTC ('2026-11-30T01:02:03Z'), money whole yuan.
-- Booleans are INTEGER 0/1 here: sqlx's Any driver cannot decode SQLite's BOOLEAN affinity.

create table stations (
    id integer primary key autoincrement,
    name text not null unique,
    side text not null check (side in ('sending', 'receiving')),
    email text not null,
    county_code text,
    created_at text not null
);

create table providers (
    id integer primary key autoincrement,
    name text not null unique,
    email text not null,
    created_at text not null
);

create table employers (
    id integer primary key autoincrement,
    name text not null,
    uscc text not null unique,
    town_code text not null,
    address text not null default '',
    contact_name text not null,
    contact_phone text not null,
    contact_email text not null,
    status text not null default 'pending' check (status in ('pending', 'verified', 'rejected')),
    verified_at text,
    verified_by integer,
    created_at text not null,
    updated_at text not null
);

create table workers (
    id integer primary key autoincrement,
    name text not null,
    id_number text not null unique,
    birth_date text not null,
    sex text not null check (sex in ('male', 'female')),
    phone text not null,
    email text,
    hometown_code text not null,
    township_code text not null,
    poverty_alleviated integer not null default 0,
    monitored integer not null default 0,
    relocated integer not null default 0,
    zero_employment integer not null default 0,
    labour_capacity text,
    education text,
    skills text not null default '',
    desired_jobs text not null default '',
    expected_wage integer,
    needs_lodging integer not null default 0,
    available_from text,
    status text not null default 'seeking' check (status in ('seeking', 'placed', 'inactive')),
    station_id integer references stations(id),
    consent_at text not null,
    consent_version text not null,
    consent_by text not null,
    created_by integer,
    created_at text not null,
    updated_at text not null
);
create index workers_station on workers(station_id);
create index workers_township on workers(township_code);
create index workers_phone on workers(phone);

create table vacancies (
    id integer primary key autoincrement,
    employer_id integer not null references employers(id),
    title text not null,
    description text not null default '',
    occupation text not null default '',
    headcount integer not null,
    filled integer not null default 0,
    wage_min integer not null,
    wage_max integer not null,
    town_code text not null,
    lodging integer not null default 0,
    meals integer not null default 0,
    shift text not null default '',
    min_age integer not null default 16,
    max_age integer not null default 60,
    required_programme text,
    expires_on text not null,
    assistance_workshop integer not null default 0,
    internship integer not null default 0,
    status text not null default 'open' check (status in ('open', 'filled', 'closed')),
    created_at text not null,
    updated_at text not null
);
create index vacancies_employer on vacancies(employer_id);
create index vacancies_open on vacancies(status, expires_on);

create table users (
    id integer primary key autoincrement,
    email text unique,
    phone text unique,
    password_hash text not null,
    role text not null check (role in ('admin', 'station', 'employer', 'trainer', 'worker')),
    display_name text not null default '',
    station_id integer references stations(id),
    employer_id integer references employers(id),
    provider_id integer references providers(id),
    worker_id integer references workers(id),
    active integer not null default 1,
    created_at text not null
);

create table api_tokens (
    id integer primary key autoincrement,
    user_id integer not null references users(id),
    token_hash text not null unique,
    name text not null default '',
    created_at text not null,
    last_used_at text,
    revoked_at text
);

-- Append-only: the application never updates or deletes audit rows.
create table audit_log (
    id integer primary key autoincrement,
    at text not null,
    user_id integer,
    role text not null default '',
    action text not null,
    subject_type text not null,
    subject_id integer,
    detail text not null default '',
    ip text not null default ''
);
create index audit_subject on audit_log(subject_type, subject_id);

-- One row per write to an indexed record, written in the same transaction as the write.
create table search_changes (
    id integer primary key autoincrement,
    entity text not null check (entity in ('worker', 'vacancy')),
    entity_id integer not null,
    created_at text not null
);
