-- Vocational skill certificates (职业技能等级证书) a worker holds: earned in a course on the
-- platform or elsewhere (entered by a station, with the issuer). They count in matching.
create table certificates (
    id integer primary key autoincrement,
    worker_id integer not null references workers(id),
    programme text,
    occupation text not null,
    level text not null,
    certificate_no text not null default '',
    issued_on text,
    issuer text not null default '',
    created_by integer,
    created_at text not null
);
create index certificates_worker on certificates(worker_id);
