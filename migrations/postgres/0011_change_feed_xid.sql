-- The change feed without gaps (issue #13): every change row carries the id of the transaction
-- that wrote it (xid8 as bigint; its top-level transaction even inside a savepoint). The
-- indexer treats a row as final once its xid is below the xmin of a current snapshot: that
-- transaction has finished, committed or rolled back, so nothing below that xid can still
-- appear. Rows written before this migration get 0 (all of them are committed).
alter table search_changes add column xid bigint not null default 0;
alter table search_changes alter column xid set default (pg_current_xact_id()::text::bigint);
create index search_changes_feed on search_changes (xid, id);
