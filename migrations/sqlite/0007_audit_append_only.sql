-- The audit log is append-only in the database itself, not only by the application's habit:
-- any UPDATE or DELETE of a row is refused.
create trigger audit_log_no_update before update on audit_log
begin
    select raise(abort, 'audit_log is append-only');
end;

create trigger audit_log_no_delete before delete on audit_log
begin
    select raise(abort, 'audit_log is append-only');
end;
