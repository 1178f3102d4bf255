-- +goose Up
-- Further study (进修): a trainee from another institution applies to study
-- in a host department for some months. The department's reviewer and the
-- education office review it; on acceptance the stay becomes a placement of
-- kind further_study, which carries the period, supervisor and status. The
-- application keeps the trainee's home institution, category and title as
-- they were when applying, so yearly statistics do not move when a person
-- later changes job. Dates are 'YYYY-MM-DD' text; months 'YYYY-MM'.
CREATE TABLE further_study_applications (
    id                  INTEGER PRIMARY KEY,
    person_id           INTEGER NOT NULL REFERENCES people(id),
    home_institution_id INTEGER NOT NULL REFERENCES institutions(id),
    category            TEXT NOT NULL,
    title               TEXT NOT NULL,
    host_institution_id INTEGER NOT NULL REFERENCES institutions(id),
    host_department_id  INTEGER NOT NULL REFERENCES departments(id),
    months              INTEGER NOT NULL,
    wish_start_on       TEXT NOT NULL,
    purpose             TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL,
    department_comment  TEXT NOT NULL DEFAULT '',
    department_by       TEXT NOT NULL DEFAULT '',
    department_at       TIMESTAMP,
    office_comment      TEXT NOT NULL DEFAULT '',
    office_by           TEXT NOT NULL DEFAULT '',
    office_at           TIMESTAMP,
    placement_id        INTEGER REFERENCES placements(id),
    start_on            TEXT NOT NULL DEFAULT '',
    end_on              TEXT NOT NULL DEFAULT '',
    supervisor_id       INTEGER REFERENCES people(id),
    arrived_on          TEXT NOT NULL DEFAULT '',
    completed_on        TEXT NOT NULL DEFAULT '',
    left_on             TEXT NOT NULL DEFAULT '',
    months_completed    INTEGER NOT NULL DEFAULT 0,
    final_score         INTEGER,
    final_comment       TEXT NOT NULL DEFAULT '',
    credit_year         INTEGER NOT NULL DEFAULT 0,
    credits             INTEGER NOT NULL DEFAULT 0,
    full_year           INTEGER NOT NULL DEFAULT 0,
    credit_explanation  TEXT NOT NULL DEFAULT '',
    created_by          TEXT NOT NULL DEFAULT '',
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX further_study_person ON further_study_applications(person_id, created_at);
CREATE INDEX further_study_host ON further_study_applications(host_institution_id, status, start_on);
CREATE INDEX further_study_department ON further_study_applications(host_department_id, status);
CREATE INDEX further_study_arrived ON further_study_applications(arrived_on);
CREATE UNIQUE INDEX further_study_placement ON further_study_applications(placement_id);

-- One evaluation per trainee and month of the stay.
CREATE TABLE further_study_evaluations (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES further_study_applications(id),
    month          TEXT NOT NULL,
    score          INTEGER NOT NULL,
    comment        TEXT NOT NULL DEFAULT '',
    evaluated_by   TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    UNIQUE (application_id, month)
);
