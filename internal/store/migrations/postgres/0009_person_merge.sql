-- +goose Up
-- Merging duplicate people: the absorbed record stays as an alias that
-- points at the one kept, and its ledger chain is closed (no entry may be
-- appended after the "merged into" entry).
ALTER TABLE people ADD COLUMN merged_into BIGINT REFERENCES people(id);
ALTER TABLE people ADD COLUMN merged_at TIMESTAMPTZ;
CREATE INDEX people_merged_into ON people(merged_into);
ALTER TABLE ledger_heads ADD COLUMN closed_into BIGINT REFERENCES people(id);
