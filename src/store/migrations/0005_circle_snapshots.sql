-- quarter store, web migration (0005): a dated snapshot of each circle's grade
-- and indicators at every `quarter import`, for the planner's trends.  The
-- import writes circles.grade/indicators; this trigger keeps the old and new
-- values in history, so no importer needs to know about snapshots.
CREATE TABLE circle_snapshots (
  id         INTEGER PRIMARY KEY,
  circle_id  INTEGER NOT NULL REFERENCES circles(id) ON DELETE CASCADE,
  at         INTEGER NOT NULL,      -- Unix seconds (UTC)
  grade      TEXT,
  indicators TEXT                   -- JSON, as circles.indicators
);
CREATE INDEX circle_snapshots_circle ON circle_snapshots(circle_id, at);

CREATE TRIGGER circle_snapshot_keep AFTER UPDATE OF grade, indicators ON circles
WHEN NEW.indicators IS NOT NULL
BEGIN
  INSERT INTO circle_snapshots(circle_id, at, grade, indicators)
  VALUES (NEW.id, CAST(strftime('%s', 'now') AS INTEGER), NEW.grade, NEW.indicators);
END;
