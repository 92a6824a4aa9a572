-- Events (issue 17): job fairs (专场招聘会, 春风行动) and 点对点 return-to-work trips, with
-- booths of verified enterprises and their open vacancies, sign-ups (never beyond capacity:
-- `taken` is moved by a guarded update, `taken < capacity`), check-ins at the door, on the
-- coach and on arrival, and the fair an application was made at.
create table events (
    id integer primary key autoincrement,
    kind text not null check (kind in ('job_fair', 'trip')),
    title text not null,
    -- an instant, RFC 3339 UTC (entered and shown in China time)
    starts_at text not null,
    place text not null default '',
    capacity integer not null check (capacity > 0),
    -- sign-ups so far: only ever moved by `update … where taken < capacity`
    taken integer not null default 0 check (taken >= 0 and taken <= capacity),
    -- the organising station (null: the admin's own event)
    station_id integer references stations(id),
    -- a trip: from a Meitan/Fugong township to a Doumen township
    from_town text,
    to_town text,
    status text not null default 'open' check (status in ('open', 'cancelled')),
    created_by integer,
    created_at text not null
);
create index events_starts_at on events(starts_at);

-- An enterprise's booth at a fair, and the vacancies it brings.
create table event_booths (
    id integer primary key autoincrement,
    event_id integer not null references events(id),
    employer_id integer not null references employers(id),
    created_by integer,
    created_at text not null,
    unique (event_id, employer_id)
);
create table event_booth_vacancies (
    booth_id integer not null references event_booths(id),
    vacancy_id integer not null references vacancies(id),
    primary key (booth_id, vacancy_id)
);

create table event_signups (
    id integer primary key autoincrement,
    event_id integer not null references events(id),
    worker_id integer not null references workers(id),
    -- self / station / admin
    source text not null check (source in ('self', 'station', 'admin')),
    station_id integer references stations(id),
    created_by integer,
    created_at text not null,
    unique (event_id, worker_id)
);
create index event_signups_worker on event_signups(worker_id);

-- Who came: `attended` at a fair (walk_in = 1 without a sign-up), `boarded` / `arrived` on a
-- trip. An arrival that began a job links its placement (就业渠道：组织化).
create table event_checkins (
    id integer primary key autoincrement,
    event_id integer not null references events(id),
    worker_id integer not null references workers(id),
    stage text not null check (stage in ('attended', 'boarded', 'arrived')),
    walk_in integer not null default 0,
    placement_id integer references placements(id),
    by_user integer,
    at text not null,
    unique (event_id, worker_id, stage)
);

alter table applications add column event_id integer references events(id);
create index applications_event on applications(event_id);
