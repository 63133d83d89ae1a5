-- quarter store on PostgreSQL, version 2 (as SQLite's 0002): failed logins
-- are also counted per client address.
ALTER TABLE login_attempts ADD COLUMN addr TEXT NOT NULL DEFAULT '';
CREATE INDEX login_attempts_addr ON login_attempts(addr, at);
