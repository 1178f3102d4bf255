-- +goose Up
-- A series (an activity of kind series) repeats on a rule; its sessions are
-- ordinary cme_sessions generated from the rule.
CREATE TABLE series_schedules (
    activity_id          INTEGER PRIMARY KEY REFERENCES activities(id),
    frequency            TEXT NOT NULL,
    weekday              INTEGER NOT NULL,
    nth                  INTEGER NOT NULL DEFAULT 0,
    start_time           TEXT NOT NULL,
    minutes              INTEGER NOT NULL,
    zone                 TEXT NOT NULL,
    anchor_date          TEXT NOT NULL,
    format               TEXT NOT NULL,
    venue                TEXT NOT NULL DEFAULT '',
    expected_pct         INTEGER NOT NULL DEFAULT 0,
    credit_delay_minutes INTEGER NOT NULL DEFAULT 15,
    updated_at           TIMESTAMP NOT NULL
);

-- Days the rule skips (holidays), per series.
CREATE TABLE series_holidays (
    id          INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    day         TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (activity_id, day)
);

-- Which occurrence of the rule a session was generated for, so generating
-- again never duplicates a session that was moved or cancelled.
CREATE TABLE series_occurrences (
    session_id  INTEGER PRIMARY KEY REFERENCES cme_sessions(id),
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    occurs_on   TEXT NOT NULL,
    UNIQUE (activity_id, occurs_on)
);

-- Absences the office excused: the session leaves the person's denominator.
CREATE TABLE series_excuses (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES cme_sessions(id),
    person_id   INTEGER NOT NULL REFERENCES people(id),
    reason      TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (session_id, person_id)
);
CREATE INDEX series_excuses_person ON series_excuses(person_id);

-- What a session's credits were last computed from; a sweep recomputes a
-- session only when its fingerprint changed.
CREATE TABLE session_credit_sweeps (
    session_id  INTEGER PRIMARY KEY REFERENCES cme_sessions(id),
    fingerprint TEXT NOT NULL,
    swept_at    TIMESTAMP NOT NULL
);

-- The secret in a person's calendar feed address.
CREATE TABLE calendar_tokens (
    person_id  INTEGER PRIMARY KEY REFERENCES people(id),
    token      TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

-- Incremented on every change calendars must announce (iCalendar SEQUENCE).
ALTER TABLE cme_sessions ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE cme_sessions DROP COLUMN revision;
DROP TABLE calendar_tokens;
DROP TABLE session_credit_sweeps;
DROP TABLE series_excuses;
DROP TABLE series_occurrences;
DROP TABLE series_holidays;
DROP TABLE series_schedules;
