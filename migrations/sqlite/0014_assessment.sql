-- The district's assessment (issue 14): each year's targets per county and indicator, with
-- history (a new set replaces the year's current rows, which keep their values and get
-- replaced_at); and 就业渠道 for ledger rows and placements.
create table targets (
    id integer primary key autoincrement,
    year integer not null,
    county text not null,
    indicator text not null,
    value integer not null,
    set_by integer,
    set_at text not null,
    replaced_at text
);
create index targets_year on targets(year, replaced_at);
alter table workers add column work_channel text;
-- when the ledger last said where someone works: its employment counts for that year
alter table workers add column ledger_at text;
alter table placements add column channel text not null default 'organised';
