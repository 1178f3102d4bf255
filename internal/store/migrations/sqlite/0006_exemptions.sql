-- +goose Up
-- Approved exemptions from a year's credit requirements (maternity leave,
-- long sick leave, study abroad…): a reduction of 100 percent waives the year.
CREATE TABLE credit_exemptions (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id),
    credit_year INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    reduction   INTEGER NOT NULL,
    evidence    TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP
);
CREATE INDEX credit_exemptions_person ON credit_exemptions(person_id, credit_year);
CREATE INDEX credit_exemptions_year ON credit_exemptions(credit_year);
