-- quarter store, version 1: the service platform's tables (SPEC §3).
-- Times are Unix seconds (UTC); money is not stored; coordinates are WGS-84.

CREATE TABLE communities (
  id        INTEGER PRIMARY KEY,
  name      TEXT NOT NULL UNIQUE
);

CREATE TABLE circles (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  investment REAL,                 -- 万元
  grade      TEXT,                 -- from the last analysis
  indicators TEXT                  -- JSON: the last analysis' indicators of the circle
);

CREATE TABLE circle_communities (
  circle_id    INTEGER NOT NULL REFERENCES circles(id) ON DELETE CASCADE,
  community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
  PRIMARY KEY (circle_id, community_id)
);

CREATE TABLE outlets (
  id            INTEGER PRIMARY KEY,
  ext_id        TEXT UNIQUE,        -- the id in the city's table
  name          TEXT NOT NULL,
  category      TEXT,               -- profile code, NULL when no 业态
  lon           REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
  lat           REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
  address       TEXT NOT NULL DEFAULT '',
  brand         TEXT NOT NULL DEFAULT '',
  chain         INTEGER NOT NULL DEFAULT 0 CHECK (chain IN (0, 1)),
  opening_hours TEXT NOT NULL DEFAULT '',
  services      TEXT NOT NULL DEFAULT '', -- ';'-separated: 代收代缴;打印复印 ...
  cash          INTEGER CHECK (cash IN (0, 1)),
  barrier_free  INTEGER CHECK (barrier_free IN (0, 1)),
  staff         REAL,
  floor_area    REAL,
  community_id  INTEGER REFERENCES communities(id) ON DELETE SET NULL,
  circle_id     INTEGER REFERENCES circles(id) ON DELETE SET NULL,
  updated_at    INTEGER NOT NULL
);
CREATE INDEX outlets_circle ON outlets(circle_id);

-- Chinese substring search over names, addresses and services
CREATE VIRTUAL TABLE outlets_fts USING fts5(name, address, services, content='outlets', content_rowid='id',
                                            tokenize='trigram');
CREATE TRIGGER outlets_ai AFTER INSERT ON outlets BEGIN
  INSERT INTO outlets_fts(rowid, name, address, services) VALUES (new.id, new.name, new.address, new.services);
END;
CREATE TRIGGER outlets_ad AFTER DELETE ON outlets BEGIN
  INSERT INTO outlets_fts(outlets_fts, rowid, name, address, services)
  VALUES ('delete', old.id, old.name, old.address, old.services);
END;
CREATE TRIGGER outlets_au AFTER UPDATE ON outlets BEGIN
  INSERT INTO outlets_fts(outlets_fts, rowid, name, address, services)
  VALUES ('delete', old.id, old.name, old.address, old.services);
  INSERT INTO outlets_fts(rowid, name, address, services) VALUES (new.id, new.name, new.address, new.services);
END;

CREATE TABLE users (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  role       TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'merchant', 'resident')),
  pw_hash    TEXT NOT NULL,        -- argon2id (libsodium crypto_pwhash_str)
  circle_id  INTEGER REFERENCES circles(id) ON DELETE SET NULL, -- operators: their circle
  created_at INTEGER NOT NULL
);

CREATE TABLE merchant_outlets (
  user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  outlet_id INTEGER NOT NULL REFERENCES outlets(id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, outlet_id)
);

CREATE TABLE tokens (
  hash       BLOB PRIMARY KEY,     -- BLAKE2b of the bearer token; the token itself is never stored
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  expires_at INTEGER NOT NULL
);

CREATE TABLE login_attempts (
  name TEXT NOT NULL,
  at   INTEGER NOT NULL
);
CREATE INDEX login_attempts_name ON login_attempts(name, at);

CREATE TABLE coupons (
  id             INTEGER PRIMARY KEY,
  outlet_id      INTEGER NOT NULL REFERENCES outlets(id) ON DELETE CASCADE,
  title          TEXT NOT NULL,
  quantity       INTEGER NOT NULL CHECK (quantity > 0),
  per_user_limit INTEGER NOT NULL CHECK (per_user_limit > 0),
  valid_from     INTEGER NOT NULL,
  valid_to       INTEGER NOT NULL CHECK (valid_to > valid_from),
  claimed        INTEGER NOT NULL DEFAULT 0 CHECK (claimed <= quantity),
  created_by     INTEGER NOT NULL REFERENCES users(id),
  created_at     INTEGER NOT NULL
);

CREATE TABLE claims (
  code        TEXT PRIMARY KEY,      -- the code a resident shows in the shop
  coupon_id   INTEGER NOT NULL REFERENCES coupons(id) ON DELETE CASCADE,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  claimed_at  INTEGER NOT NULL,
  redeemed_at INTEGER,
  redeemed_by INTEGER REFERENCES users(id)
);
CREATE INDEX claims_user ON claims(coupon_id, user_id);

CREATE TABLE jobs (
  id          INTEGER PRIMARY KEY,
  outlet_id   INTEGER REFERENCES outlets(id) ON DELETE CASCADE,
  title       TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  lon         REAL NOT NULL,
  lat         REAL NOT NULL,
  pay         TEXT NOT NULL DEFAULT '',
  created_by  INTEGER NOT NULL REFERENCES users(id),
  created_at  INTEGER NOT NULL
);

CREATE TABLE applications (
  job_id     INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  message    TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  PRIMARY KEY (job_id, user_id)
);

CREATE TABLE surveys (
  circle_id  INTEGER NOT NULL REFERENCES circles(id) ON DELETE CASCADE,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  period     TEXT NOT NULL,          -- e.g. 2026-Q4
  satisfied  INTEGER NOT NULL CHECK (satisfied IN (0, 1)),
  comment    TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  PRIMARY KEY (circle_id, user_id, period)
);

CREATE TABLE complaints (
  id         INTEGER PRIMARY KEY,
  outlet_id  INTEGER NOT NULL REFERENCES outlets(id) ON DELETE CASCADE,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind       TEXT NOT NULL,
  text       TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);

CREATE TABLE audit_log (
  id      INTEGER PRIMARY KEY,
  at      INTEGER NOT NULL,
  user_id INTEGER,
  action  TEXT NOT NULL,
  detail  TEXT NOT NULL DEFAULT ''
);
