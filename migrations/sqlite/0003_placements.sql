-- From match to a job that holds: applications with their history, placements, follow-ups
-- (跟踪服务) and the cases (诉求) they open, and the mail outbox.

create table applications (
    id integer primary key autoincrement,
    worker_id integer not null references workers(id),
    vacancy_id integer not null references vacancies(id),
    -- self: the worker applied; station: a station recommended; employer: the enterprise invited
    source text not null check (source in ('self', 'station', 'employer', 'admin')),
    status text not null check (status in ('invited', 'applied', 'interviewing', 'offered', 'hired', 'rejected', 'withdrawn')),
    station_id integer references stations(id),
    created_by integer,
    created_at text not null,
    updated_at text not null,
    unique (worker_id, vacancy_id)
);
create index applications_vacancy on applications(vacancy_id);

-- Every change of state: who, when, why. Append-only.
create table application_events (
    id integer primary key autoincrement,
    application_id integer not null references applications(id),
    from_status text,
    to_status text not null,
    reason text not null default '',
    note text not null default '',
    by_user integer,
    at text not null
);
create index application_events_app on application_events(application_id);

create table placements (
    id integer primary key autoincrement,
    application_id integer not null unique references applications(id),
    worker_id integer not null references workers(id),
    vacancy_id integer not null references vacancies(id),
    employer_id integer not null references employers(id),
    -- the station that follows the worker: the worker's own, else the receiving station
    station_id integer references stations(id),
    town_code text not null,
    start_date text not null,
    wage integer not null,
    status text not null default 'active' check (status in ('active', 'left')),
    left_on text,
    left_reason text,
    created_at text not null
);
create index placements_worker on placements(worker_id);
create index placements_station on placements(station_id);

create table follow_ups (
    id integer primary key autoincrement,
    placement_id integer not null references placements(id),
    station_id integer references stations(id),
    -- 7, 30, 90 or 180 days after the start
    day_offset integer not null,
    due_on text not null,
    status text not null default 'pending' check (status in ('pending', 'done', 'cancelled')),
    done_on text,
    method text,
    still_employed integer,
    wage_paid_on_time integer,
    monthly_wage integer,
    problem text,
    note text not null default '',
    done_by integer
);
create index follow_ups_station_due on follow_ups(station_id, status, due_on);
create index follow_ups_placement on follow_ups(placement_id);

create table cases (
    id integer primary key autoincrement,
    follow_up_id integer references follow_ups(id),
    placement_id integer not null references placements(id),
    worker_id integer not null references workers(id),
    station_id integer references stations(id),
    problem text not null,
    description text not null default '',
    opened_on text not null,
    resolved_on text,
    resolution text,
    resolved_by integer
);
create index cases_station on cases(station_id, resolved_on);

-- Mail written in the same transaction as the event; a sender delivers it once.
create table outbox (
    id integer primary key autoincrement,
    kind text not null,
    -- one message per key (daily digests, weekly lists)
    dedupe_key text unique,
    recipient text not null,
    subject text not null,
    body_text text not null,
    body_html text not null,
    created_at text not null,
    attempts integer not null default 0,
    next_attempt_at text not null,
    claimed_until text,
    sent_at text,
    failed_at text,
    last_error text
);
create index outbox_pending on outbox(sent_at, next_attempt_at);

alter table workers add column weekly_matches integer not null default 0;
