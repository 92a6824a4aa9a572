-- The change feed without gaps (issue #13): PostgreSQL stamps every change row with the id of
-- its transaction. SQLite has one writer at a time, so ids are already in commit order and the
-- column stays 0: the feed is read in (xid, id) order on both databases.
alter table search_changes add column xid integer not null default 0;
create index search_changes_feed on search_changes (xid, id);
