-- A hospital keeps a third kind of file: the facility's risk record (GL 7.0 別紙, kaiji betsushi).
-- SQLite cannot change a CHECK constraint, so the table is rebuilt with the same columns.
CREATE TABLE hospital_files_new (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL CHECK (kind IN ('policy', 'inventory', 'risk-record')),
    name TEXT NOT NULL,
    content TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT REFERENCES users (id),
    PRIMARY KEY (org_id, kind, name)
);

INSERT INTO hospital_files_new (org_id, kind, name, content, updated_at, updated_by)
    SELECT org_id, kind, name, content, updated_at, updated_by FROM hospital_files;

DROP TABLE hospital_files;

ALTER TABLE hospital_files_new RENAME TO hospital_files;
