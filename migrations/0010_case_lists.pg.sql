-- PostgreSQL dialect of 0010_case_lists.sqlite.sql; 0001_core.pg.sql lists the mappings.
-- 0010_case_lists: indexes for the case lists (docs/cases.md "Lists",
-- docs/benchmarks.md "Why the lists were slow at 1M"). src/cases/list.c
-- resolves a staff member's scope to a list of organisation ids, so that
-- each list is a walk down one index in the answer's order that stops
-- after the page, instead of sorting every case the caller may see.

-- The staff work queues across organisations (a window sees the whole
-- city): worst warning first, earliest promised date first, running cases
-- only. A handler's own queue keeps cases_org_warning.
CREATE INDEX cases_work ON cases(warning_level DESC, promised_due, id)
    WHERE state IN ('accepted', 'in_review', 'suspended');

-- One organisation's cases newest first (a handler's default list).
CREATE INDEX cases_org_id ON cases(org_id, id);

-- An applicant's cases newest first. Replaces (applicant_id, created_at),
-- which no query sorted by: the list sorted all of an applicant's cases.
DROP INDEX cases_applicant;
CREATE INDEX cases_applicant ON cases(applicant_id, id);

-- No ANALYZE here (SQLite's 0010 has one): on an empty table it records
-- zero rows, and the foreign-key checks of a bulk load into cases then plan
-- sequential scans that stay for the whole transaction (20,000 generated
-- cases took minutes instead of seconds). Never analysed, the planner sizes
-- the table from its pages; autovacuum keeps the statistics current.
