-- Training under 粤菜师傅, 广东技工, 南粤家政 and 乡村工匠: programmes (occupations editable by the
-- admin), courses run by providers, enrolments with attendance, completion with certificates.

create table programmes (
    code text primary key,
    name text not null,
    occupations text not null,
    updated_at text not null
);
insert into programmes (code, name, occupations, updated_at) values
    ('cantonese-chef', '粤菜师傅', '中式烹调师、中式面点师、西式面点师、餐厅服务员', '2026-11-30T00:00:00Z'),
    ('guangdong-technician', '广东技工', '电工、焊工、数控车工、汽车维修工、叉车司机、电子设备装接工、钳工、美容美发师', '2026-11-30T00:00:00Z'),
    ('nanyue-housekeeping', '南粤家政', '育婴员、养老护理员、家政服务员、母婴护理员、保育员、医疗护理员', '2026-11-30T00:00:00Z'),
    ('rural-craftsman', '乡村工匠', '农村建筑工匠、竹编、茶叶加工、木工、泥瓦工', '2026-11-30T00:00:00Z');

create table courses (
    id integer primary key autoincrement,
    provider_id integer not null references providers(id),
    programme text not null references programmes(code),
    title text not null,
    occupation text not null,
    level text not null,
    start_date text not null,
    end_date text not null,
    place text not null default '',
    capacity integer not null,
    -- enrolments holding a seat (pending, enrolled, completed); changed with a guarded update
    seats_taken integer not null default 0,
    subsidised integer not null default 1,
    status text not null default 'open' check (status in ('open', 'cancelled')),
    created_by integer,
    created_at text not null
);
create index courses_programme on courses(programme, start_date);

create table enrollments (
    id integer primary key autoincrement,
    course_id integer not null references courses(id),
    worker_id integer not null references workers(id),
    -- pending: the worker signed up, waiting for the trainer's confirmation
    status text not null check (status in ('pending', 'enrolled', 'completed', 'dropped')),
    source text not null,
    drop_reason text,
    completed_on text,
    certificate_id integer references certificates(id),
    created_by integer,
    created_at text not null,
    unique (course_id, worker_id)
);
create index enrollments_worker on enrollments(worker_id);

create table attendance (
    id integer primary key autoincrement,
    enrollment_id integer not null references enrollments(id),
    session_date text not null,
    present integer not null,
    recorded_by integer,
    unique (enrollment_id, session_date)
);

alter table certificates add column enrollment_id integer;
