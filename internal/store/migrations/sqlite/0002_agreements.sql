-- +goose Up
-- Agreements between institutions (partnerships, internship and training
-- bases, CME bases, dual degree and joint programmes), their parties, terms,
-- yearly capacity per discipline, contacts, documents and meetings, and the
-- placements of students and trainees at bases. Dates are 'YYYY-MM-DD' text.
CREATE TABLE agreements (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    name_zh    TEXT NOT NULL DEFAULT '',
    name_en    TEXT NOT NULL DEFAULT '',
    sort_key   TEXT NOT NULL,
    scope      TEXT NOT NULL DEFAULT '',
    level      TEXT NOT NULL DEFAULT '',
    disciplines TEXT NOT NULL DEFAULT '',
    signed_on  TEXT NOT NULL DEFAULT '',
    start_on   TEXT NOT NULL,
    end_on     TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL,
    renews_id  INTEGER REFERENCES agreements(id),
    notes      TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX agreements_status_end ON agreements(status, end_on);
CREATE INDEX agreements_sort ON agreements(sort_key, id);
CREATE INDEX agreements_renews ON agreements(renews_id);

CREATE TABLE agreement_parties (
    agreement_id   INTEGER NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
    institution_id INTEGER NOT NULL REFERENCES institutions(id),
    position       INTEGER NOT NULL,
    PRIMARY KEY (agreement_id, institution_id)
);
CREATE INDEX agreement_parties_institution ON agreement_parties(institution_id);

CREATE TABLE agreement_terms (
    id           INTEGER PRIMARY KEY,
    agreement_id INTEGER NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    position     INTEGER NOT NULL,
    text         TEXT NOT NULL
);
CREATE INDEX agreement_terms_agreement ON agreement_terms(agreement_id, kind, position);

CREATE TABLE agreement_capacities (
    agreement_id INTEGER NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
    discipline   TEXT NOT NULL,
    per_year     INTEGER NOT NULL,
    PRIMARY KEY (agreement_id, discipline)
);

CREATE TABLE agreement_contacts (
    id             INTEGER PRIMARY KEY,
    agreement_id   INTEGER NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
    institution_id INTEGER NOT NULL REFERENCES institutions(id),
    person_id      INTEGER REFERENCES people(id),
    name           TEXT NOT NULL DEFAULT '',
    role           TEXT NOT NULL DEFAULT '',
    email          TEXT NOT NULL DEFAULT '',
    phone          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX agreement_contacts_agreement ON agreement_contacts(agreement_id);

CREATE TABLE agreement_documents (
    id           INTEGER PRIMARY KEY,
    agreement_id INTEGER NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    content      BLOB NOT NULL,
    uploaded_by  INTEGER REFERENCES accounts(id),
    uploaded_at  TIMESTAMP NOT NULL
);
CREATE INDEX agreement_documents_agreement ON agreement_documents(agreement_id);

CREATE TABLE agreement_meetings (
    id           INTEGER PRIMARY KEY,
    agreement_id INTEGER NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
    held_on      TEXT NOT NULL,
    place        TEXT NOT NULL DEFAULT '',
    minutes      TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX agreement_meetings_agreement ON agreement_meetings(agreement_id, held_on);

CREATE TABLE agreement_meeting_attendees (
    meeting_id     INTEGER NOT NULL REFERENCES agreement_meetings(id) ON DELETE CASCADE,
    person_id      INTEGER NOT NULL REFERENCES people(id),
    institution_id INTEGER NOT NULL REFERENCES institutions(id),
    leader         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (meeting_id, person_id)
);

CREATE TABLE placements (
    id                  INTEGER PRIMARY KEY,
    person_id           INTEGER NOT NULL REFERENCES people(id),
    kind                TEXT NOT NULL,
    agreement_id        INTEGER REFERENCES agreements(id),
    host_institution_id INTEGER NOT NULL REFERENCES institutions(id),
    host_department_id  INTEGER REFERENCES departments(id),
    supervisor_id       INTEGER REFERENCES people(id),
    discipline          TEXT NOT NULL DEFAULT '',
    start_on            TEXT NOT NULL,
    end_on              TEXT NOT NULL,
    status              TEXT NOT NULL,
    score               INTEGER,
    evaluation          TEXT NOT NULL DEFAULT '',
    evaluated_at        TIMESTAMP,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX placements_person ON placements(person_id, start_on);
CREATE INDEX placements_agreement ON placements(agreement_id, discipline, start_on);
CREATE INDEX placements_host ON placements(host_institution_id, start_on);
