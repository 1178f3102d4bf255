-- +goose Up
-- Live check-in: when a person arrived and left, and the minutes present
-- that credit follows where a session is configured for check-out.
ALTER TABLE attendance ADD COLUMN checked_in_at TIMESTAMP;
ALTER TABLE attendance ADD COLUMN checked_out_at TIMESTAMP;
ALTER TABLE attendance ADD COLUMN present_minutes INTEGER;

-- Per-session check-in settings; a session without a row uses the defaults.
CREATE TABLE checkin_settings (
    session_id           INTEGER PRIMARY KEY REFERENCES cme_sessions(id),
    step_seconds         INTEGER NOT NULL,
    opens_before_minutes INTEGER NOT NULL,
    closes_after_minutes INTEGER NOT NULL,
    checkout             INTEGER NOT NULL DEFAULT 0,
    enrolment_required   INTEGER NOT NULL DEFAULT 1,
    updated_at           TIMESTAMP NOT NULL
);

-- Typed codes each person tried and got wrong, recent ones only: six digits
-- can be guessed, so a person gets a few tries per window, on any instance.
CREATE TABLE checkin_code_attempts (
    id        INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    at        TIMESTAMP NOT NULL
);
CREATE INDEX checkin_code_attempts_person ON checkin_code_attempts(person_id, at);

-- +goose Down
DROP TABLE checkin_code_attempts;
DROP TABLE checkin_settings;
ALTER TABLE attendance DROP COLUMN present_minutes;
ALTER TABLE attendance DROP COLUMN checked_out_at;
ALTER TABLE attendance DROP COLUMN checked_in_at;
