-- One gate: an enterprise can be suspended (verified once, then stopped by the admin); while
-- suspended its vacancies are hidden, its logins refused and no mail goes to it.
alter table employers add column suspended_at text;
