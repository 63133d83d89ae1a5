-- quarter store, version 3 (issue 11): fields edited through the API survive a
-- re-import; homes for the survey rule; complaints with a process; goods;
-- short coupon codes and idempotent claims; login attempts settled per attempt.
-- Depends only on 0001 and 0002.

-- Which fields of an outlet were edited through the API (bits, see
-- store_sqlite.c EDIT_*): a re-import keeps these and reports the conflict.
ALTER TABLE outlets ADD COLUMN api_edited INTEGER NOT NULL DEFAULT 0;

-- A resident's home: its circle (placed on the network at registration, or
-- set by an operator); surveys are answered only for it.
ALTER TABLE users ADD COLUMN home_circle_id INTEGER REFERENCES circles(id) ON DELETE SET NULL;
ALTER TABLE users ADD COLUMN home_lon REAL;
ALTER TABLE users ADD COLUMN home_lat REAL;

-- Complaints: open -> upheld | rejected (by the circle's operator or an
-- admin); the merchant may answer.
ALTER TABLE complaints ADD COLUMN status TEXT NOT NULL DEFAULT 'open'
  CHECK (status IN ('open', 'upheld', 'rejected'));
ALTER TABLE complaints ADD COLUMN answer TEXT;
ALTER TABLE complaints ADD COLUMN answered_at INTEGER;
ALTER TABLE complaints ADD COLUMN resolved_at INTEGER;
ALTER TABLE complaints ADD COLUMN resolved_by INTEGER REFERENCES users(id);
ALTER TABLE complaints ADD COLUMN resolution TEXT;
CREATE INDEX complaints_outlet ON complaints(outlet_id, created_at);
CREATE INDEX complaints_user ON complaints(user_id, outlet_id, created_at);

-- Goods a shop sells (周边商品搜索); price in yuan.
CREATE TABLE goods (
  id         INTEGER PRIMARY KEY,
  outlet_id  INTEGER NOT NULL REFERENCES outlets(id) ON DELETE CASCADE,
  name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  price      REAL NOT NULL CHECK (price >= 0),
  unit       TEXT NOT NULL DEFAULT '',
  in_stock   INTEGER NOT NULL DEFAULT 1 CHECK (in_stock IN (0, 1)),
  barcode    TEXT,
  updated_at INTEGER NOT NULL
);
CREATE INDEX goods_outlet ON goods(outlet_id);
CREATE VIRTUAL TABLE goods_fts USING fts5(name, content='goods', content_rowid='id', tokenize='trigram');
CREATE TRIGGER goods_ai AFTER INSERT ON goods BEGIN
  INSERT INTO goods_fts(rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER goods_ad AFTER DELETE ON goods BEGIN
  INSERT INTO goods_fts(goods_fts, rowid, name) VALUES ('delete', old.id, old.name);
END;
CREATE TRIGGER goods_au AFTER UPDATE OF name ON goods BEGIN
  INSERT INTO goods_fts(goods_fts, rowid, name) VALUES ('delete', old.id, old.name);
  INSERT INTO goods_fts(rowid, name) VALUES (new.id, new.name);
END;

-- Jobs near a point are read through a box on this index.
CREATE INDEX jobs_lat ON jobs(lat, lon);

-- Claims: a client's idempotency key (a retried claim returns the same code).
ALTER TABLE claims ADD COLUMN idem_key TEXT;
CREATE UNIQUE INDEX claims_idem ON claims(user_id, idem_key) WHERE idem_key IS NOT NULL;
CREATE INDEX claims_by_user ON claims(user_id, claimed_at);

-- Login attempts: recorded before the password is verified (ok = NULL),
-- then settled; a success is deleted.  Failures are counted per name and
-- address together, per address, and per name (for the delay).
ALTER TABLE login_attempts ADD COLUMN ok INTEGER;
CREATE INDEX login_attempts_pair ON login_attempts(name, addr, at);

-- Rate limits of actions other than logins (register, complaints, job posts):
-- one row per action; old rows are pruned by the writers.
CREATE TABLE rate_events (
  kind TEXT NOT NULL,
  key  TEXT NOT NULL,
  at   INTEGER NOT NULL
);
CREATE INDEX rate_events_key ON rate_events(kind, key, at);
