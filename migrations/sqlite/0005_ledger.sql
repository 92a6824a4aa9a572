-- The real-name ledger's own facts, and the data-quality findings recorded on save and import.
alter table workers add column household_no text;
alter table workers add column work_place text;
alter table workers add column employment_note text;
alter table workers add column monthly_income integer;

create table quality_findings (
    id integer primary key autoincrement,
    worker_id integer not null references workers(id),
    rule text not null,
    level text not null check (level in ('error', 'warning', 'alarm')),
    message text not null,
    created_at text not null
);
create index quality_findings_worker on quality_findings(worker_id);
