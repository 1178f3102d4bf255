-- +goose Up
-- Extra requirement cycles a person is under besides their institution's
-- rule set, e.g. an AMA-based cycle for a licence abroad.
CREATE TABLE person_rule_cycles (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES people(id),
    profile_id TEXT NOT NULL,
    from_year  INTEGER NOT NULL,
    until_year INTEGER,
    reason     TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX person_rule_cycles_person ON person_rule_cycles(person_id);
