-- A worker tells the platform they found work (/me → 我已找到工作, issue 16): a pending report
-- on their station's list, which the station confirms (creating the self-found placement, with
-- its follow-ups) or declines with a reason. One pending report per worker at a time.
create table found_reports (
    id integer primary key autoincrement,
    worker_id integer not null references workers(id),
    station_id integer references stations(id),
    employer_name text not null,
    -- GB/T 2260 county code of the workplace
    workplace_county text not null,
    start_date text not null,
    wage integer,
    channel text not null check (channel in ('self', 'organised')),
    status text not null default 'pending' check (status in ('pending', 'confirmed', 'declined')),
    reason text,
    placement_id integer references placements(id),
    decided_by integer references users(id),
    decided_at text,
    created_at text not null
);
create index found_reports_station on found_reports(station_id, status);
create unique index found_reports_one_pending on found_reports(worker_id) where status = 'pending';

-- Reset-code limits per phone as one row moved by a guarded update (one per 60 s, 5 an hour,
-- 10 a day), so that requests arriving together cannot all pass a count read before any of
-- them wrote: the update's affected row count decides, inside the code's transaction.
create table reset_limits (
    phone text primary key,
    last_at text not null,
    hour_start text not null,
    hour_count integer not null default 0,
    day_start text not null,
    day_count integer not null default 0
);
