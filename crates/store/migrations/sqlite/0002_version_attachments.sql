-- Which attachments a published version carries: the document's attachments at the moment it was
-- published, recorded in the publishing transaction. A hospital that holds the version reads these and no
-- others (an attachment added later belongs to the next version). Append-only, like the versions.
CREATE TABLE version_attachments (
    document_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    original_id TEXT NOT NULL REFERENCES originals (id),
    PRIMARY KEY (document_id, version, original_id),
    FOREIGN KEY (document_id, version) REFERENCES document_versions (document_id, version)
);

CREATE INDEX version_attachments_original ON version_attachments (original_id);

CREATE TRIGGER version_attachments_no_update BEFORE UPDATE ON version_attachments
BEGIN SELECT RAISE(ABORT, 'kaiji: published versions are immutable'); END;
CREATE TRIGGER version_attachments_no_delete BEFORE DELETE ON version_attachments
BEGIN SELECT RAISE(ABORT, 'kaiji: published versions are immutable'); END;
