-- Imports are jobs (issue #12): an upload stores the file and a row here and answers at once;
-- a worker task on any node claims the row with a lease (claimed_until, owner), renews it while
-- it runs, and commits rows_done and the counts in the same transaction as each batch, so a
-- job found running with an expired lease is resumed from its last committed batch.
create table import_jobs (
    id integer primary key autoincrement,
    -- null: the admin's import (no station)
    station_id integer references stations(id),
    user_id integer not null references users(id),
    user_role text not null,
    user_ip text not null default '',
    -- the officer's name, for the paper-consent record of the imported workers
    imported_by text not null,
    -- as uploaded (its extension decides how it is read), and as stored under DATA_DIR/import-jobs
    file_name text not null,
    stored_file text not null,
    -- queued | running | done | failed
    status text not null default 'queued',
    rows_total integer,
    rows_done integer not null default 0,
    imported integer not null default 0,
    updated integer not null default 0,
    unchanged integer not null default 0,
    rejected integer not null default 0,
    warnings integer not null default 0,
    ignored_columns text not null default '',
    -- the report of rejected rows and warnings, under DATA_DIR/imports
    report_file text,
    error text,
    -- how many times a worker claimed it (a file that kills its worker is not retried forever)
    attempts integer not null default 0,
    created_at text not null,
    started_at text,
    finished_at text,
    claimed_until text,
    owner text
);
create index import_jobs_status on import_jobs (status, claimed_until);
-- one job per station at a time
create unique index import_jobs_one_active on import_jobs (station_id) where status in ('queued', 'running');
