-- The worker's rights under PIPL: a deletion request, confirmed by a station, anonymises the
-- record (the statistics keep counting it).
alter table workers add column deletion_requested_at text;
alter table workers add column anonymised_at text;
