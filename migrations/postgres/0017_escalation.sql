-- Escalation of follow-ups and cases (issue 16): a station login may be its station's head
-- (站长), who sees the station's follow-ups overdue 7 days and its open cases without action
-- for 7 days; a case remembers the day of its last action (opened, a follow-up recorded on its
-- placement, the placement ended) so that one without action for 14 days reaches the bureau.
alter table users add column is_head boolean not null default false;
alter table cases add column last_action_on text;
update cases set last_action_on = opened_on;
create index cases_open_action on cases(resolved_on, last_action_on);
