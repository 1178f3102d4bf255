-- +goose Up
-- A hospital's grade and whether a unit is provincial-level: rule sets tie
-- the five-year national-credit requirement to them.
ALTER TABLE institutions ADD COLUMN grade TEXT NOT NULL DEFAULT '';
ALTER TABLE institutions ADD COLUMN provincial_level BOOLEAN NOT NULL DEFAULT FALSE;
