-- quarter store, version 2: failed logins are also counted per client address,
-- so one address cannot try many names.
ALTER TABLE login_attempts ADD COLUMN addr TEXT NOT NULL DEFAULT '';
CREATE INDEX login_attempts_addr ON login_attempts(addr, at);
