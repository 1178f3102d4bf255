-- +goose Up
-- The credit ledger: append-only entries forming one hash chain per person.
-- See docs/ledger.md for the canonical encoding the hashes cover.
CREATE TABLE ledger_entries (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id),
    seq         INTEGER NOT NULL,
    credit_year INTEGER NOT NULL,
    class       TEXT NOT NULL,
    category    TEXT NOT NULL,
    amount      INTEGER NOT NULL,
    hours       INTEGER NOT NULL,
    source      TEXT NOT NULL,
    source_ref  TEXT NOT NULL DEFAULT '',
    role        TEXT NOT NULL DEFAULT '',
    evidence    TEXT NOT NULL DEFAULT '',
    reverses    INTEGER,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    UNIQUE (person_id, seq)
);
CREATE INDEX ledger_entries_year ON ledger_entries(credit_year, person_id);
CREATE INDEX ledger_entries_source ON ledger_entries(source_ref, person_id);

-- +goose StatementBegin
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'ledger entries are append-only: post a correction instead');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'ledger entries are append-only: post a correction instead');
END;
-- +goose StatementEnd

-- The newest entry of each chain; appending updates it only if it still
-- points at the entry the writer read, so two writers never fork a chain.
CREATE TABLE ledger_heads (
    person_id INTEGER PRIMARY KEY REFERENCES people(id),
    seq       INTEGER NOT NULL,
    hash      TEXT NOT NULL
);

-- Per person, year, class, category and role totals, kept in the same transaction
-- as each entry so compliance never scans the ledger; `meded ledger verify`
-- recomputes them.
CREATE TABLE ledger_summaries (
    person_id   INTEGER NOT NULL REFERENCES people(id),
    credit_year INTEGER NOT NULL,
    class       TEXT NOT NULL,
    category    TEXT NOT NULL,
    role        TEXT NOT NULL,
    amount      INTEGER NOT NULL,
    hours       INTEGER NOT NULL,
    entries     INTEGER NOT NULL,
    PRIMARY KEY (person_id, credit_year, class, category, role)
);
