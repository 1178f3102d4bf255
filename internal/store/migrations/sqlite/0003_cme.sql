-- +goose Up
CREATE TABLE cme_code_formats (
    level      TEXT PRIMARY KEY,
    pattern    TEXT NOT NULL,
    example    TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO cme_code_formats (level, pattern, example, updated_at) VALUES
    ('national', '^\d{4}-\d{2}-\d{2}-\d{3}(\(\S+\))?$', '2017-09-02-144', CURRENT_TIMESTAMP),
    ('provincial', '^\d{4}-\d{2}-\d{2}-\d{3}(\(\S+\))?$', '2019-11-03-027', CURRENT_TIMESTAMP),
    ('municipal', '^[A-Z0-9]{1,6}-\d{4}-\d{3}$', 'HZ-2019-012', CURRENT_TIMESTAMP),
    ('institutional', '^[A-Z0-9]{1,8}-\d{4}-\d{3}$', 'ZJU1H-2019-001', CURRENT_TIMESTAMP),
    ('none', '^.{1,40}$', 'any', CURRENT_TIMESTAMP);

CREATE TABLE activities (
    id                  INTEGER PRIMARY KEY,
    kind                TEXT NOT NULL DEFAULT 'cme_project',
    level               TEXT NOT NULL,
    status              TEXT NOT NULL DEFAULT 'draft',
    code                TEXT,
    year                INTEGER NOT NULL,
    title_zh            TEXT NOT NULL DEFAULT '',
    title_en            TEXT NOT NULL DEFAULT '',
    sort_key            TEXT NOT NULL,
    search_text         TEXT NOT NULL,
    institution_id      INTEGER NOT NULL REFERENCES institutions(id),
    department_id       INTEGER REFERENCES departments(id),
    director_id         INTEGER NOT NULL REFERENCES people(id),
    discipline          TEXT NOT NULL DEFAULT '',
    audience            TEXT NOT NULL DEFAULT '',
    planned_quarters    INTEGER NOT NULL DEFAULT 0,
    credits_hundredths  INTEGER NOT NULL DEFAULT 0,
    remote              INTEGER NOT NULL DEFAULT 0,
    start_date          TEXT NOT NULL,
    end_date            TEXT NOT NULL,
    capacity            INTEGER NOT NULL DEFAULT 0,
    enrol_deadline      TEXT NOT NULL DEFAULT '',
    min_attendance_pct  INTEGER NOT NULL DEFAULT 80,
    assessment_required INTEGER NOT NULL DEFAULT 0,
    evaluation_required INTEGER NOT NULL DEFAULT 0,
    approving_body      TEXT NOT NULL DEFAULT '',
    document_number     TEXT NOT NULL DEFAULT '',
    approved_hundredths INTEGER NOT NULL DEFAULT 0,
    approved_quarters   INTEGER NOT NULL DEFAULT 0,
    reject_reason       TEXT NOT NULL DEFAULT '',
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    UNIQUE (year, code)
);
CREATE INDEX activities_year_level ON activities(year, level, status);
CREATE INDEX activities_institution ON activities(institution_id, year);
CREATE INDEX activities_director ON activities(director_id);
CREATE INDEX activities_sort ON activities(sort_key, id);

CREATE TABLE activity_status_history (
    id          INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    from_status TEXT NOT NULL DEFAULT '',
    to_status   TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    account_id  INTEGER REFERENCES accounts(id),
    actor       TEXT NOT NULL DEFAULT '',
    at          TIMESTAMP NOT NULL
);
CREATE INDEX activity_status_history_activity ON activity_status_history(activity_id, id);

CREATE TABLE cme_notices (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id),
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    message_key TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    read_at     TIMESTAMP
);
CREATE INDEX cme_notices_person ON cme_notices(person_id, id);

CREATE TABLE cme_sessions (
    id          INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    starts_at   TIMESTAMP NOT NULL,
    ends_at     TIMESTAMP NOT NULL,
    venue       TEXT NOT NULL DEFAULT '',
    online_url  TEXT NOT NULL DEFAULT '',
    format      TEXT NOT NULL,
    quarters    INTEGER NOT NULL,
    topic       TEXT NOT NULL DEFAULT '',
    cancelled   INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX cme_sessions_activity ON cme_sessions(activity_id, starts_at);

CREATE TABLE cme_session_lecturers (
    id                INTEGER PRIMARY KEY,
    session_id        INTEGER NOT NULL REFERENCES cme_sessions(id),
    person_id         INTEGER REFERENCES people(id),
    guest_name        TEXT NOT NULL DEFAULT '',
    guest_institution TEXT NOT NULL DEFAULT '',
    lecturer_key      TEXT NOT NULL,
    UNIQUE (session_id, lecturer_key)
);
CREATE INDEX cme_session_lecturers_key ON cme_session_lecturers(lecturer_key);

CREATE TABLE cme_declarations (
    id           INTEGER PRIMARY KEY,
    lecturer_key TEXT NOT NULL,
    person_id    INTEGER REFERENCES people(id),
    guest_name   TEXT NOT NULL DEFAULT '',
    conflicts    TEXT NOT NULL DEFAULT '',
    consent      INTEGER NOT NULL DEFAULT 0,
    signed_on    TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX cme_declarations_key ON cme_declarations(lecturer_key, signed_on);

CREATE TABLE enrolments (
    id          INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    person_id   INTEGER NOT NULL REFERENCES people(id),
    role        TEXT NOT NULL DEFAULT 'participant',
    status      TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (activity_id, person_id)
);
CREATE INDEX enrolments_person ON enrolments(person_id);
CREATE INDEX enrolments_activity_status ON enrolments(activity_id, status, id);

CREATE TABLE attendance (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES cme_sessions(id),
    person_id   INTEGER NOT NULL REFERENCES people(id),
    method      TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    UNIQUE (session_id, person_id)
);
CREATE INDEX attendance_person ON attendance(person_id);

CREATE TABLE assessments (
    id          INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    person_id   INTEGER NOT NULL REFERENCES people(id),
    passed      INTEGER NOT NULL,
    score       INTEGER,
    recorded_at TIMESTAMP NOT NULL,
    UNIQUE (activity_id, person_id)
);

CREATE TABLE evaluation_questions (
    id             INTEGER PRIMARY KEY,
    institution_id INTEGER NOT NULL REFERENCES institutions(id),
    position       INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    text_zh        TEXT NOT NULL DEFAULT '',
    text_en        TEXT NOT NULL DEFAULT '',
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX evaluation_questions_institution ON evaluation_questions(institution_id, position);

CREATE TABLE evaluation_responses (
    id           INTEGER PRIMARY KEY,
    activity_id  INTEGER NOT NULL REFERENCES activities(id),
    person_id    INTEGER NOT NULL REFERENCES people(id),
    submitted_at TIMESTAMP NOT NULL,
    UNIQUE (activity_id, person_id)
);

CREATE TABLE evaluation_answers (
    id          INTEGER PRIMARY KEY,
    response_id INTEGER NOT NULL REFERENCES evaluation_responses(id),
    question_id INTEGER NOT NULL REFERENCES evaluation_questions(id),
    rating      INTEGER,
    answer      TEXT NOT NULL DEFAULT '',
    UNIQUE (response_id, question_id)
);

-- +goose Down
DROP TABLE evaluation_answers;
DROP TABLE evaluation_responses;
DROP TABLE evaluation_questions;
DROP TABLE assessments;
DROP TABLE attendance;
DROP TABLE enrolments;
DROP TABLE cme_declarations;
DROP TABLE cme_session_lecturers;
DROP TABLE cme_sessions;
DROP TABLE cme_notices;
DROP TABLE activity_status_history;
DROP TABLE activities;
DROP TABLE cme_code_formats;
