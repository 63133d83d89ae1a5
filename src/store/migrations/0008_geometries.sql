-- quarter store, geometry migration (0008, issue 14): what an analysis finds,
-- written by quarter import for GIS users -- each community's and circle's
-- area, the 盲区 per circle and 业态, the recommended sites.  SQLite has no
-- spatial types: each geometry is GeoJSON text in WGS-84 (a MultiPolygon; a
-- site's Point), the same geometries PostgreSQL keeps as PostGIS columns
-- (its 0001 and 0008).  Every import replaces them (docs/internals/store.md).
ALTER TABLE communities ADD COLUMN geom TEXT CHECK (geom IS NULL OR json_valid(geom));
ALTER TABLE communities ADD COLUMN boundary TEXT; -- 社区边界 / 网格单元 / 小区外包线
ALTER TABLE circles ADD COLUMN geom TEXT CHECK (geom IS NULL OR json_valid(geom));
ALTER TABLE circles ADD COLUMN boundary TEXT;

CREATE TABLE blindspots (
  id        INTEGER PRIMARY KEY,
  circle_id INTEGER REFERENCES circles(id) ON DELETE CASCADE, -- NULL: the city without circles
  category  TEXT NOT NULL,          -- profile code
  zh        TEXT,                   -- its Chinese name
  unserved  REAL,                   -- residents without it in its ring
  geom      TEXT NOT NULL CHECK (json_valid(geom))
);
CREATE INDEX blindspots_circle ON blindspots(circle_id);

CREATE TABLE sites (
  id        INTEGER PRIMARY KEY,
  circle_id INTEGER REFERENCES circles(id) ON DELETE CASCADE,
  ext_id    TEXT,                   -- the id in sites.csv
  category  TEXT NOT NULL,
  zh        TEXT,
  rank      INTEGER NOT NULL DEFAULT 0,
  covered   REAL,                   -- residents newly covered
  geom      TEXT NOT NULL CHECK (json_valid(geom))
);
CREATE INDEX sites_circle ON sites(circle_id);
