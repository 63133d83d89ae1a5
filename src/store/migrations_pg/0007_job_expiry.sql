-- quarter store on PostgreSQL, version 7 (as SQLite's 0007): every job
-- closes.  A job is posted with a closing time (expires_at, Unix seconds) or
-- gets the default of 30 days; jobs at or past it are not found by GET /jobs
-- and take no more applications, and their poster sees them as expired
-- (GET /me/jobs).  Jobs posted before this migration close 30 days after they
-- were posted.  The change feed's trigger on jobs (0006) notes the edits.
ALTER TABLE jobs ADD COLUMN expires_at BIGINT;
UPDATE jobs SET expires_at = created_at + 30 * 86400 WHERE expires_at IS NULL;
CREATE INDEX jobs_poster ON jobs(created_by, id);
