-- +goose Up
-- A training class is an activity of kind training_class; these are the
-- details an activity does not have: where it is hosted, who organises it
-- and its theme. Cohort, schedule, lecturers, attendance and completion are
-- the activity's enrolments, sessions, session lecturers and attendance.
CREATE TABLE training_classes (
    activity_id         INTEGER PRIMARY KEY REFERENCES activities(id),
    host_institution_id INTEGER NOT NULL REFERENCES institutions(id),
    organiser_zh        TEXT NOT NULL DEFAULT '',
    organiser_en        TEXT NOT NULL DEFAULT '',
    theme_zh            TEXT NOT NULL DEFAULT '',
    theme_en            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX training_classes_host ON training_classes(host_institution_id);

-- A conference (or joint workshop) the institution attends: the activity
-- (kind conference or workshop) is the institution's delegation, its
-- enrolments (delegate, presenter) the members.
CREATE TABLE conferences (
    activity_id            INTEGER PRIMARY KEY REFERENCES activities(id),
    organiser_zh           TEXT NOT NULL DEFAULT '',
    organiser_en           TEXT NOT NULL DEFAULT '',
    city                   TEXT NOT NULL DEFAULT '',
    country                TEXT NOT NULL DEFAULT '',
    expected_attendance    INTEGER NOT NULL DEFAULT 0,
    countries              INTEGER NOT NULL DEFAULT 0,
    partner_institution_id INTEGER REFERENCES institutions(id),
    leader_id              INTEGER REFERENCES people(id)
);

CREATE TABLE conference_contributions (
    id           INTEGER PRIMARY KEY,
    activity_id  INTEGER NOT NULL REFERENCES activities(id),
    person_id    INTEGER NOT NULL REFERENCES people(id),
    type         TEXT NOT NULL,
    title_zh     TEXT NOT NULL DEFAULT '',
    title_en     TEXT NOT NULL DEFAULT '',
    session_name TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX conference_contributions_activity ON conference_contributions(activity_id, id);
CREATE INDEX conference_contributions_person ON conference_contributions(person_id);

CREATE TABLE contribution_coauthors (
    id              INTEGER PRIMARY KEY,
    contribution_id INTEGER NOT NULL REFERENCES conference_contributions(id),
    position        INTEGER NOT NULL,
    person_id       INTEGER REFERENCES people(id),
    name            TEXT NOT NULL,
    institution     TEXT NOT NULL DEFAULT '',
    UNIQUE (contribution_id, position)
);

-- +goose Down
DROP TABLE contribution_coauthors;
DROP TABLE conference_contributions;
DROP TABLE conferences;
DROP TABLE training_classes;
