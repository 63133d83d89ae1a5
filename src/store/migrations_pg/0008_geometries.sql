-- quarter store on PostgreSQL, version 8 (as SQLite's 0008): the analysis'
-- geometries that quarter import writes (0001 made the columns; until 0008
-- nothing filled them).  Communities' areas become MultiPolygons like the
-- circles' (a typed column: QGIS opens it as one polygon layer; a point or
-- line someone wrote by hand is dropped, the next import writes the area);
-- what each area is, the 业态's Chinese name, the 盲区's unserved residents
-- and a site's id in sites.csv for the attribute table.
ALTER TABLE communities ALTER COLUMN geom TYPE geometry(MultiPolygon, 4326)
  USING CASE WHEN GeometryType(geom) IN ('POLYGON', 'MULTIPOLYGON') THEN ST_Multi(geom) END;
ALTER TABLE communities ADD COLUMN boundary TEXT; -- 社区边界 / 网格单元 / 小区外包线
ALTER TABLE circles ADD COLUMN boundary TEXT;
ALTER TABLE blindspots ADD COLUMN zh TEXT;
ALTER TABLE blindspots ADD COLUMN unserved DOUBLE PRECISION;
CREATE INDEX blindspots_circle ON blindspots(circle_id);
ALTER TABLE sites ADD COLUMN ext_id TEXT;
ALTER TABLE sites ADD COLUMN zh TEXT;
CREATE INDEX sites_circle ON sites(circle_id);
