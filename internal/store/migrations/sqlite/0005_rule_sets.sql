-- +goose Up
-- Rule sets edited by the admin: every save is a new version; past years
-- keep the version they were computed with.
CREATE TABLE rule_profiles (
    profile_id TEXT NOT NULL,
    version    INTEGER NOT NULL,
    body       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (profile_id, version)
);

-- The profile an institution uses from a credit year on (until a later
-- assignment); institutions without one inherit their parent's.
CREATE TABLE rule_assignments (
    institution_id INTEGER NOT NULL REFERENCES institutions(id),
    from_year      INTEGER NOT NULL,
    profile_id     TEXT NOT NULL,
    version        INTEGER NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (institution_id, from_year)
);
