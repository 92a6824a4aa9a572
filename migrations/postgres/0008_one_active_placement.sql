-- One active placement per worker (issue #12), in the database itself: two hires of one
-- worker into two vacancies at the same instant both succeeded before the hire was guarded.
-- A partial unique index: placements that ended ('left') do not count.
--
-- A database where that race already happened would refuse the index; the duplicates are
-- ended first (the earliest placement of the worker stays active, the later ones are marked
-- left today with a reason saying why, and their pending follow-ups are cancelled).
update follow_ups set status = 'cancelled'
where status = 'pending' and placement_id in (
    select p.id from placements p
    where p.status = 'active' and exists (
        select 1 from placements q where q.worker_id = p.worker_id and q.status = 'active' and q.id < p.id
    )
);
update placements set status = 'left', left_on = to_char(current_date, 'YYYY-MM-DD'),
    left_reason = '同一人同时录用到两个岗位（系统并发问题），保留最早的一条'
where status = 'active' and exists (
    select 1 from placements q where q.worker_id = placements.worker_id and q.status = 'active' and q.id < placements.id
);

create unique index placements_one_active on placements (worker_id) where status = 'active';
