-- quarter store on PostgreSQL, version 4 (as SQLite's 0004, issue 10): closed
-- outlets are marked, not deleted.
ALTER TABLE outlets ADD COLUMN closed_at BIGINT;
