-- PostgreSQL dialect of 0008_cases_work.sqlite.sql; 0001_core.pg.sql lists the mappings.
-- 0008_cases_work: what the case routes need beyond 0007 (docs/cases.md).

-- The material's name, copied from the item version, so that a later
-- application can offer the upload used for a material of the same name
-- (一次采集、多方使用) without reading every old item version.
ALTER TABLE case_materials ADD COLUMN name TEXT NOT NULL DEFAULT '';
CREATE INDEX case_materials_upload ON case_materials(upload_id);

-- When the complete application arrived (the first submission, or the
-- supplement that answered a correction notice): 行政许可法 §32's five days
-- run from here.
ALTER TABLE cases ADD COLUMN received_at BIGINT;
-- 一次性告知补正: the date the correction is due (YYYY-MM-DD).
ALTER TABLE cases ADD COLUMN correction_due TEXT;
-- How the result went out (window, post, electronic).
ALTER TABLE cases ADD COLUMN delivery TEXT;
CREATE INDEX cases_received ON cases(state, received_at);
CREATE INDEX cases_window ON cases(accepted_window_id);

-- The window an action was taken at (for 接件受理率, 审核率, 直接审批率).
ALTER TABLE case_events ADD COLUMN window_id BIGINT REFERENCES windows(id);
CREATE INDEX case_events_window ON case_events(window_id, action);
