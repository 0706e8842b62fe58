-- 0009_deadlines_delivery: the deadline engine, warnings, delivery, trips,
-- notifications and the editable calendar (docs/cases.md "Deadlines and
-- warnings", "Delivery and trips", "Notifications"; SPEC §5, §8, §16).

-- Warning levels are ordered numbers so that queues sort by them:
-- 0 green (正常), 1 yellow (预警), 2 red (超期), 3 severe (严重超期).
ALTER TABLE cases DROP COLUMN warning;
ALTER TABLE cases ADD COLUMN warning_level INTEGER NOT NULL DEFAULT 0
    CHECK (warning_level BETWEEN 0 AND 3);
-- Copied from the item version at acceptance, so that deadlines can be
-- recomputed (a calendar change) without reading item documents.
ALTER TABLE cases ADD COLUMN limit_starts TEXT;          -- next_day | same_day
ALTER TABLE cases ADD COLUMN promised_days INTEGER;
ALTER TABLE cases ADD COLUMN legal_days INTEGER;
ALTER TABLE cases ADD COLUMN promised_due_original TEXT; -- as first promised, kept
ALTER TABLE cases ADD COLUMN legal_due_original TEXT;
ALTER TABLE cases ADD COLUMN suspended_days INTEGER NOT NULL DEFAULT 0; -- ended clock stops
-- The days the running clock reaches a level (YYYY-MM-DD); red is the day
-- after promised_due. Set with the due dates, read by the warning sweep.
ALTER TABLE cases ADD COLUMN yellow_on TEXT;
ALTER TABLE cases ADD COLUMN severe_on TEXT;
-- the staff queues: one organisation, worst warning first, earliest date first
CREATE INDEX cases_org_warning ON cases(org_id, warning_level DESC, promised_due);

ALTER TABLE case_steps ADD COLUMN warning_level INTEGER NOT NULL DEFAULT 0
    CHECK (warning_level BETWEEN 0 AND 3);
ALTER TABLE case_steps ADD COLUMN yellow_on TEXT;
ALTER TABLE case_steps ADD COLUMN severe_on TEXT;

-- The working days a clock stop lasted, once it ended (recounted when the
-- calendar changes).
ALTER TABLE case_suspensions ADD COLUMN workdays INTEGER;

-- Delivery (统一窗口出件, 一邮送达): `delivery` (0008) is the method chosen.
ALTER TABLE cases ADD COLUMN delivery_status TEXT;       -- ready | dispatched | delivered
ALTER TABLE cases ADD COLUMN pickup_code_hash BLOB;      -- HMAC of the pickup code
ALTER TABLE cases ADD COLUMN post_enc BLOB;              -- recipient, phone, address (encrypted)
ALTER TABLE cases ADD COLUMN post_carrier TEXT;
ALTER TABLE cases ADD COLUMN post_tracking TEXT;
ALTER TABLE cases ADD COLUMN dispatched_at INTEGER;
ALTER TABLE cases ADD COLUMN delivered_at INTEGER;
CREATE INDEX cases_pickup ON cases(pickup_code_hash);

-- In-app messages; SMS and WeChat copies go through the outbox to a gateway.
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id),
    case_id     INTEGER REFERENCES cases(id),
    kind        TEXT NOT NULL,                      -- case_state, warning
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    read_at     INTEGER
) STRICT;
CREATE INDEX notifications_account ON notifications(account_id, id);

CREATE TABLE notification_outbox (
    id              INTEGER PRIMARY KEY,
    notification_id INTEGER NOT NULL REFERENCES notifications(id),
    channel         TEXT NOT NULL CHECK (channel IN ('sms', 'wechat')),
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    sent_at         INTEGER,
    error           TEXT
) STRICT;
CREATE INDEX notification_outbox_pending ON notification_outbox(status, id);

-- The working-day calendar as administrators edited it (the whole file, in
-- the format of data/calendar/cn.csv); the newest row wins over the
-- built-in file.
CREATE TABLE calendar_versions (
    id          INTEGER PRIMARY KEY,
    text        TEXT NOT NULL,
    reason      TEXT NOT NULL,
    changed_by  INTEGER REFERENCES accounts(id),
    changed_at  INTEGER NOT NULL
) STRICT;

-- Cases accepted before this migration: their limits from the item version
-- they applied for, their current dates as the originals.
UPDATE cases SET
    promised_days = (SELECT json_extract(v.doc, '$.promised_limit_days') FROM item_versions v
                     WHERE v.item_id = cases.item_id AND v.version = cases.item_version),
    legal_days = (SELECT json_extract(v.doc, '$.legal_limit_days') FROM item_versions v
                  WHERE v.item_id = cases.item_id AND v.version = cases.item_version),
    limit_starts = coalesce((SELECT json_extract(v.doc, '$.limit_starts') FROM item_versions v
                             WHERE v.item_id = cases.item_id AND v.version = cases.item_version),
                            'next_day'),
    promised_due_original = promised_due,
    legal_due_original = legal_due
WHERE accepted_at IS NOT NULL;

-- Notice numbers: the last serial per organisation, kind and year, bumped
-- in the notice's write (counting the notices made each number cost more
-- as cases grew: 150-285 ms at a million cases).
CREATE TABLE notice_serials (
    org_id  INTEGER NOT NULL REFERENCES orgs(id),
    kind    TEXT NOT NULL,
    year    INTEGER NOT NULL,
    last    INTEGER NOT NULL,
    PRIMARY KEY (org_id, kind, year)
) STRICT, WITHOUT ROWID;
INSERT INTO notice_serials(org_id, kind, year, last)
    SELECT k.org_id, n.kind, CAST(strftime('%Y', n.issued_at / 1000 + 28800, 'unixepoch') AS INTEGER),
           count(*)
    FROM case_notices n JOIN cases k ON k.id = n.case_id GROUP BY 1, 2, 3;
