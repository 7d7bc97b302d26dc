-- kaiji store, initial schema (SQLite). migrations/postgres/0001_initial.sql is the same schema in
-- PostgreSQL's dialect; the test `schema::both_dialects_have_the_same_columns` keeps them equal.
-- Conventions: ids TEXT (time-ordered, random tail); times INTEGER = Unix milliseconds UTC; calendar dates
-- TEXT YYYY-MM-DD; JSON as TEXT (canonical where it is hashed); flags INTEGER 0/1.

CREATE TABLE organisations (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('vendor', 'hospital')),
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    disabled_at INTEGER
);

CREATE TABLE memberships (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    role TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'reviewer', 'viewer')),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (org_id, user_id)
);

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    address TEXT,
    revoked_at INTEGER
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    role TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'reviewer', 'viewer')),
    name TEXT NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
);

CREATE TABLE login_throttle (
    scope TEXT NOT NULL CHECK (scope IN ('account', 'address')),
    key TEXT NOT NULL,
    failures INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    locked_until INTEGER,
    PRIMARY KEY (scope, key)
);

CREATE TABLE products (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    maker TEXT NOT NULL,
    name TEXT NOT NULL,
    model TEXT NOT NULL,
    device_id_kind TEXT CHECK (device_id_kind IN ('jan', 'gtin', 'udi-di')),
    device_id TEXT,
    purl TEXT,
    created_at INTEGER NOT NULL,
    CHECK ((device_id_kind IS NULL) = (device_id IS NULL))
);
CREATE INDEX products_org ON products (org_id);

CREATE TABLE releases (
    id TEXT PRIMARY KEY NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id),
    org_id TEXT NOT NULL REFERENCES organisations (id),
    version TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (product_id, version)
);

CREATE TABLE documents (
    id TEXT PRIMARY KEY NOT NULL,
    release_id TEXT NOT NULL REFERENCES releases (id),
    org_id TEXT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    draft TEXT,
    draft_findings TEXT,
    draft_updated_at INTEGER,
    latest_version INTEGER NOT NULL DEFAULT 0,
    share_on_request INTEGER NOT NULL DEFAULT 0 CHECK (share_on_request IN (0, 1)),
    created_at INTEGER NOT NULL,
    UNIQUE (release_id, kind, title)
);
CREATE INDEX documents_org ON documents (org_id);

CREATE TABLE document_versions (
    document_id TEXT NOT NULL REFERENCES documents (id),
    version INTEGER NOT NULL CHECK (version >= 1),
    org_id TEXT NOT NULL REFERENCES organisations (id),
    content_address TEXT NOT NULL,
    content TEXT NOT NULL,
    effective_date TEXT NOT NULL,
    next_review_date TEXT NOT NULL,
    update_reason TEXT NOT NULL,
    findings TEXT NOT NULL,
    published_at INTEGER NOT NULL,
    published_by TEXT REFERENCES users (id),
    PRIMARY KEY (document_id, version)
);

CREATE TABLE originals (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    document_id TEXT REFERENCES documents (id),
    role TEXT NOT NULL CHECK (role IN ('workbook', 'attachment')),
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    bytes BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT REFERENCES users (id)
);

CREATE TABLE shares (
    id TEXT PRIMARY KEY NOT NULL,
    document_id TEXT NOT NULL REFERENCES documents (id),
    vendor_org_id TEXT NOT NULL REFERENCES organisations (id),
    hospital_org_id TEXT NOT NULL REFERENCES organisations (id),
    created_at INTEGER NOT NULL,
    created_by TEXT REFERENCES users (id),
    revoked_at INTEGER,
    UNIQUE (document_id, hospital_org_id)
);
CREATE INDEX shares_hospital ON shares (hospital_org_id);

CREATE TABLE access_links (
    id TEXT PRIMARY KEY NOT NULL,
    document_id TEXT NOT NULL REFERENCES documents (id),
    vendor_org_id TEXT NOT NULL REFERENCES organisations (id),
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT REFERENCES users (id),
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
);

CREATE TABLE access_terms (
    id TEXT PRIMARY KEY NOT NULL,
    document_id TEXT NOT NULL REFERENCES documents (id),
    vendor_org_id TEXT NOT NULL REFERENCES organisations (id),
    version INTEGER NOT NULL CHECK (version >= 1),
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT REFERENCES users (id),
    UNIQUE (document_id, version)
);

CREATE TABLE terms_acceptances (
    id TEXT PRIMARY KEY NOT NULL,
    terms_id TEXT NOT NULL REFERENCES access_terms (id),
    hospital_org_id TEXT REFERENCES organisations (id),
    user_id TEXT REFERENCES users (id),
    link_id TEXT REFERENCES access_links (id),
    accepted_name TEXT NOT NULL,
    accepted_at INTEGER NOT NULL,
    address TEXT
);

CREATE TABLE acknowledgements (
    id TEXT PRIMARY KEY NOT NULL,
    document_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    hospital_org_id TEXT NOT NULL REFERENCES organisations (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    reviewed_on TEXT NOT NULL,
    note TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (document_id, version, hospital_org_id),
    FOREIGN KEY (document_id, version) REFERENCES document_versions (document_id, version)
);

CREATE TABLE requests (
    id TEXT PRIMARY KEY NOT NULL,
    hospital_org_id TEXT NOT NULL REFERENCES organisations (id),
    vendor_org_id TEXT NOT NULL REFERENCES organisations (id),
    product_id TEXT REFERENCES products (id),
    subject TEXT NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    due_date TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'answered', 'overdue')),
    created_at INTEGER NOT NULL,
    created_by TEXT REFERENCES users (id),
    answered_at INTEGER,
    answer_document_id TEXT REFERENCES documents (id)
);
CREATE INDEX requests_status ON requests (status, due_date);

CREATE TABLE questions (
    id TEXT PRIMARY KEY NOT NULL,
    document_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    item TEXT NOT NULL,
    hospital_org_id TEXT NOT NULL REFERENCES organisations (id),
    vendor_org_id TEXT NOT NULL REFERENCES organisations (id),
    created_by TEXT REFERENCES users (id),
    created_at INTEGER NOT NULL,
    faq INTEGER NOT NULL DEFAULT 0 CHECK (faq IN (0, 1)),
    FOREIGN KEY (document_id, version) REFERENCES document_versions (document_id, version)
);

CREATE TABLE question_messages (
    id TEXT PRIMARY KEY NOT NULL,
    question_id TEXT NOT NULL REFERENCES questions (id),
    org_id TEXT NOT NULL REFERENCES organisations (id),
    user_id TEXT REFERENCES users (id),
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE notifications (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    user_id TEXT REFERENCES users (id),
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    dedupe_key TEXT UNIQUE,
    created_at INTEGER NOT NULL,
    read_at INTEGER
);
CREATE INDEX notifications_org ON notifications (org_id, created_at);

CREATE TABLE mail_outbox (
    id TEXT PRIMARY KEY NOT NULL,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    dedupe_key TEXT UNIQUE,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    sent_at INTEGER,
    last_error TEXT
);

CREATE TABLE jobs (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    dedupe_key TEXT UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    run_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    locked_by TEXT,
    locked_until INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    finished_at INTEGER
);
CREATE INDEX jobs_ready ON jobs (state, run_at);

CREATE TABLE hospital_files (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL CHECK (kind IN ('policy', 'inventory')),
    name TEXT NOT NULL,
    content TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT REFERENCES users (id),
    PRIMARY KEY (org_id, kind, name)
);

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY NOT NULL,
    at INTEGER NOT NULL,
    actor_user_id TEXT,
    actor TEXT NOT NULL,
    org_id TEXT,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    address TEXT,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

-- Indexes for the lookups the store makes by organisation and parent.
CREATE INDEX memberships_user ON memberships (user_id);
CREATE INDEX originals_document ON originals (document_id);
CREATE INDEX requests_hospital ON requests (hospital_org_id);
CREATE INDEX requests_vendor ON requests (vendor_org_id);
CREATE INDEX questions_document ON questions (document_id);
CREATE INDEX question_messages_question ON question_messages (question_id);
CREATE INDEX terms_acceptances_terms ON terms_acceptances (terms_id);
CREATE INDEX access_links_document ON access_links (document_id);
CREATE INDEX audit_log_org ON audit_log (org_id, seq);

-- The chain's head: one row, updated first in every change transaction, so that changes are serialised
-- (SQLite takes its write lock at once, PostgreSQL locks the row) and each entry follows the one before.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, 'sha256:0000000000000000000000000000000000000000000000000000000000000000');

-- Published versions, access terms, acceptances and the audit log are append-only.
CREATE TRIGGER document_versions_no_update BEFORE UPDATE ON document_versions
BEGIN SELECT RAISE(ABORT, 'kaiji: published versions are immutable'); END;
CREATE TRIGGER document_versions_no_delete BEFORE DELETE ON document_versions
BEGIN SELECT RAISE(ABORT, 'kaiji: published versions are immutable'); END;
CREATE TRIGGER access_terms_no_update BEFORE UPDATE ON access_terms
BEGIN SELECT RAISE(ABORT, 'kaiji: access terms are immutable'); END;
CREATE TRIGGER access_terms_no_delete BEFORE DELETE ON access_terms
BEGIN SELECT RAISE(ABORT, 'kaiji: access terms are immutable'); END;
CREATE TRIGGER terms_acceptances_no_update BEFORE UPDATE ON terms_acceptances
BEGIN SELECT RAISE(ABORT, 'kaiji: acceptances are immutable'); END;
CREATE TRIGGER terms_acceptances_no_delete BEFORE DELETE ON terms_acceptances
BEGIN SELECT RAISE(ABORT, 'kaiji: acceptances are immutable'); END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'kaiji: the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'kaiji: the audit log is append-only'); END;
