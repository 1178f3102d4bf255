-- +goose Up
-- Files kept in the database, so every instance behind a load balancer
-- serves the same bytes; what owns a file is said by the owner's own link
-- table, so one store serves every feature that takes uploads.
CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    content      BLOB NOT NULL,
    uploaded_by  BIGINT REFERENCES accounts(id),
    uploaded_at  TIMESTAMP NOT NULL
);

-- Credits a person claims for their own work (self-study, papers, research,
-- outside CME…), reviewed by the office; only an approved report reaches
-- the ledger, as the entry with source_ref 'self_report:<id>'.
CREATE TABLE self_reports (
    id               INTEGER PRIMARY KEY,
    person_id        BIGINT NOT NULL REFERENCES people(id),
    category         TEXT NOT NULL,
    credit_year      INTEGER NOT NULL,
    title            TEXT NOT NULL,
    details          TEXT NOT NULL,
    profile_id       TEXT NOT NULL,
    class            TEXT NOT NULL,
    ledger_category  TEXT NOT NULL,
    claimed_amount   BIGINT NOT NULL,
    hours            BIGINT NOT NULL DEFAULT 0,
    suggested_amount BIGINT NOT NULL DEFAULT 0,
    cap_amount       BIGINT NOT NULL,
    computation      TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL,
    approved_amount  BIGINT,
    review_reason    TEXT NOT NULL DEFAULT '',
    reviewed_by      TEXT NOT NULL DEFAULT '',
    reviewed_at      TIMESTAMP,
    ledger_entry_id  BIGINT,
    submitted_by     TEXT NOT NULL,
    submitted_at     TIMESTAMP NOT NULL,
    withdrawn_at     TIMESTAMP
);
CREATE INDEX self_reports_person ON self_reports(person_id, credit_year);
CREATE INDEX self_reports_queue ON self_reports(status, credit_year);

CREATE TABLE self_report_documents (
    self_report_id BIGINT NOT NULL REFERENCES self_reports(id),
    document_id    BIGINT NOT NULL REFERENCES documents(id),
    position       INTEGER NOT NULL,
    PRIMARY KEY (self_report_id, document_id)
);
CREATE INDEX self_report_documents_document ON self_report_documents(document_id);
