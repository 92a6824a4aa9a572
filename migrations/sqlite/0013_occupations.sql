-- Occupations (issue 18): the taxonomy code chosen on the form, when one was chosen; matching
-- otherwise infers occupations from the text (index/occupations.txt).
alter table vacancies add column occupation_code text;
alter table workers add column occupation_code text;
