-- A worker's daily limits (problem reports: 5 a day; changing their own phone: 5 a day) as one
-- row per worker and kind, moved by a guarded update inside the transaction that does the
-- thing, so that requests arriving together cannot all pass a count read before any of them
-- wrote (issue 16: twelve reports at once opened seven cases). `day` is the China date.
create table worker_limits (
    worker_id integer not null references workers(id),
    kind text not null check (kind in ('problem', 'phone')),
    day text not null,
    count integer not null default 0,
    primary key (worker_id, kind)
);
-- today's problem reports so far carry over
insert into worker_limits (worker_id, kind, day, count)
select c.worker_id, 'problem', c.opened_on, count(*) from cases c
where c.follow_up_id is null
  and c.opened_on = (select max(c2.opened_on) from cases c2
                     where c2.worker_id = c.worker_id and c2.follow_up_id is null)
group by c.worker_id, c.opened_on;
