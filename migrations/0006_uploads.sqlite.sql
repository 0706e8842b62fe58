-- 0006_uploads: the applicant's materials library (一次采集、多方使用; docs/cases.md
-- "Data: uploads"). A row is one owner's use of one content; the bytes live in
-- DATA/uploads/aa/bb/<sm3 hex>, shared by every row with the same SM3 (two
-- owners uploading the same bytes share one file and have a row each).
-- The same owner uploading the same bytes again gets the row they already
-- have (UNIQUE below): a retried upload never fills the library twice.

CREATE TABLE uploads (
    id           INTEGER PRIMARY KEY,
    public_id    TEXT NOT NULL UNIQUE,        -- 32 hex digits of 16 random bytes (in URLs)
    owner_id     INTEGER NOT NULL REFERENCES accounts(id),
    sm3          BLOB NOT NULL CHECK (length(sm3) = 32),
    size         INTEGER NOT NULL CHECK (size > 0),
    content_type TEXT NOT NULL CHECK (content_type IN
                     ('application/pdf', 'image/jpeg', 'image/png', 'application/ofd')),
    name         TEXT,                        -- sanitised original file name, NULL when none given
    created_at   INTEGER NOT NULL,
    UNIQUE (owner_id, sm3)
) STRICT;
-- The owner's library, newest first (the UNIQUE index above also leads by owner).
CREATE INDEX uploads_owner ON uploads(owner_id, id);
