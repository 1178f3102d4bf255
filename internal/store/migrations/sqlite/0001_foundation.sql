-- +goose Up
CREATE TABLE institutions (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    name_zh     TEXT NOT NULL DEFAULT '',
    name_en     TEXT NOT NULL DEFAULT '',
    sort_key    TEXT NOT NULL,
    search_text TEXT NOT NULL,
    parent_id   INTEGER REFERENCES institutions(id),
    country     TEXT NOT NULL DEFAULT '',
    region      TEXT NOT NULL DEFAULT '',
    city        TEXT NOT NULL DEFAULT '',
    founded     INTEGER,
    time_zone   TEXT NOT NULL DEFAULT 'Asia/Shanghai',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX institutions_parent ON institutions(parent_id);
CREATE INDEX institutions_sort ON institutions(sort_key);

CREATE TABLE departments (
    id             INTEGER PRIMARY KEY,
    institution_id INTEGER NOT NULL REFERENCES institutions(id),
    name_zh        TEXT NOT NULL DEFAULT '',
    name_en        TEXT NOT NULL DEFAULT '',
    sort_key       TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX departments_institution ON departments(institution_id, sort_key);

CREATE TABLE people (
    id             INTEGER PRIMARY KEY,
    name_zh        TEXT NOT NULL DEFAULT '',
    name_en        TEXT NOT NULL DEFAULT '',
    sort_key       TEXT NOT NULL,
    search_text    TEXT NOT NULL,
    gender         TEXT NOT NULL DEFAULT 'unknown',
    title          TEXT NOT NULL DEFAULT 'none',
    category       TEXT NOT NULL DEFAULT 'other',
    institution_id INTEGER NOT NULL REFERENCES institutions(id),
    department_id  INTEGER REFERENCES departments(id),
    staff_number   TEXT,
    phone          TEXT,
    email          TEXT,
    national_id    TEXT,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (institution_id, staff_number)
);
CREATE INDEX people_sort ON people(sort_key, id);
CREATE INDEX people_institution ON people(institution_id, sort_key);
CREATE INDEX people_department ON people(department_id);
CREATE INDEX people_phone ON people(phone);
CREATE INDEX people_email ON people(email);

CREATE TABLE accounts (
    id                   INTEGER PRIMARY KEY,
    person_id            INTEGER UNIQUE REFERENCES people(id),
    username             TEXT UNIQUE,
    email                TEXT UNIQUE,
    phone                TEXT UNIQUE,
    display_name         TEXT NOT NULL DEFAULT '',
    password_hash        TEXT NOT NULL,
    locale               TEXT NOT NULL DEFAULT '',
    must_change_password INTEGER NOT NULL DEFAULT 0,
    disabled             INTEGER NOT NULL DEFAULT 0,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    last_login_at        TIMESTAMP
);

CREATE TABLE account_roles (
    id             INTEGER PRIMARY KEY,
    account_id     INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    role           TEXT NOT NULL,
    institution_id INTEGER REFERENCES institutions(id),
    department_id  INTEGER REFERENCES departments(id),
    created_at     TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX account_roles_unique
    ON account_roles(account_id, role, COALESCE(institution_id, 0), COALESCE(department_id, 0));

CREATE TABLE web_sessions (
    token_hash   TEXT PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX web_sessions_account ON web_sessions(account_id);
CREATE INDEX web_sessions_expires ON web_sessions(expires_at);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    expires_at   TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE INDEX api_tokens_account ON api_tokens(account_id);

CREATE TABLE login_failures (
    id          INTEGER PRIMARY KEY,
    account_key TEXT NOT NULL,
    ip          TEXT NOT NULL,
    at          TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_account ON login_failures(account_key, at);
CREATE INDEX login_failures_ip ON login_failures(ip, at);

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_by INTEGER REFERENCES accounts(id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);

CREATE TABLE registrations (
    id               INTEGER PRIMARY KEY,
    name_zh          TEXT NOT NULL DEFAULT '',
    name_en          TEXT NOT NULL DEFAULT '',
    email            TEXT NOT NULL DEFAULT '',
    phone            TEXT NOT NULL DEFAULT '',
    institution_name TEXT NOT NULL DEFAULT '',
    category         TEXT NOT NULL DEFAULT 'other',
    title            TEXT NOT NULL DEFAULT 'none',
    password_hash    TEXT NOT NULL,
    institution_id   INTEGER NOT NULL REFERENCES institutions(id),
    status           TEXT NOT NULL DEFAULT 'pending',
    reason           TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    reviewed_at      TIMESTAMP,
    reviewed_by      INTEGER REFERENCES accounts(id),
    account_id       INTEGER REFERENCES accounts(id)
);
CREATE INDEX registrations_status ON registrations(institution_id, status, created_at);

CREATE TABLE audit_log (
    id             INTEGER PRIMARY KEY,
    at             TIMESTAMP NOT NULL,
    account_id     INTEGER,
    actor          TEXT NOT NULL DEFAULT '',
    ip             TEXT NOT NULL DEFAULT '',
    action         TEXT NOT NULL,
    entity         TEXT NOT NULL,
    entity_id      INTEGER,
    institution_id INTEGER,
    before_json    TEXT NOT NULL DEFAULT '',
    after_json     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_log_account ON audit_log(account_id, at);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
