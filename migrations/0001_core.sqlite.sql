-- 0001_core: installation-wide settings.
-- Feature tables come in their own numbered files; one file, one transaction.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL -- UTC milliseconds
) STRICT;
