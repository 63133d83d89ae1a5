-- quarter store, version 6 (issue 14): the change feed.  Every write of an
-- outlet (an import, an edit by an operator or a merchant, a closing) and every
-- job posted gets a new change sequence number, in the same transaction as the
-- write: triggers do it, so no writer needs to know.  One row per outlet or job
-- (its old row deleted, a new one with a fresh seq inserted: not INSERT OR
-- REPLACE, which an upsert's conflict policy would override), so the table
-- stays as large as the outlets and jobs; AUTOINCREMENT keeps seq increasing
-- and never reused.  Servers read the changes after the seq they have applied
-- (qt_store_changes_since) to follow the store without a reload.
CREATE TABLE changes (
  seq  INTEGER PRIMARY KEY AUTOINCREMENT,
  kind INTEGER NOT NULL,   -- 1 outlet, 2 job
  ref  INTEGER NOT NULL,   -- outlets.id or jobs.id
  UNIQUE (kind, ref)
);

CREATE TRIGGER changes_outlet_ai AFTER INSERT ON outlets BEGIN
  DELETE FROM changes WHERE kind = 1 AND ref = NEW.id;
  INSERT INTO changes(kind, ref) VALUES (1, NEW.id);
END;
-- only what changed an outlet: a re-import that rewrites a row as it was is no change
CREATE TRIGGER changes_outlet_au AFTER UPDATE ON outlets
WHEN OLD.name IS NOT NEW.name OR OLD.category IS NOT NEW.category OR OLD.lon IS NOT NEW.lon
  OR OLD.lat IS NOT NEW.lat OR OLD.address IS NOT NEW.address OR OLD.brand IS NOT NEW.brand
  OR OLD.chain IS NOT NEW.chain OR OLD.opening_hours IS NOT NEW.opening_hours
  OR OLD.services IS NOT NEW.services OR OLD.cash IS NOT NEW.cash OR OLD.barrier_free IS NOT NEW.barrier_free
  OR OLD.staff IS NOT NEW.staff OR OLD.floor_area IS NOT NEW.floor_area
  OR OLD.community_id IS NOT NEW.community_id OR OLD.circle_id IS NOT NEW.circle_id
  OR OLD.closed_at IS NOT NEW.closed_at OR OLD.id IS NOT NEW.id
BEGIN
  DELETE FROM changes WHERE kind = 1 AND ref = NEW.id;
  INSERT INTO changes(kind, ref) VALUES (1, NEW.id);
END;
CREATE TRIGGER changes_outlet_ad AFTER DELETE ON outlets BEGIN
  DELETE FROM changes WHERE kind = 1 AND ref = OLD.id;
  INSERT INTO changes(kind, ref) VALUES (1, OLD.id);
END;
CREATE TRIGGER changes_job_ai AFTER INSERT ON jobs BEGIN
  DELETE FROM changes WHERE kind = 2 AND ref = NEW.id;
  INSERT INTO changes(kind, ref) VALUES (2, NEW.id);
END;
CREATE TRIGGER changes_job_au AFTER UPDATE ON jobs BEGIN
  DELETE FROM changes WHERE kind = 2 AND ref = NEW.id;
  INSERT INTO changes(kind, ref) VALUES (2, NEW.id);
END;
CREATE TRIGGER changes_job_ad AFTER DELETE ON jobs BEGIN
  DELETE FROM changes WHERE kind = 2 AND ref = OLD.id;
  INSERT INTO changes(kind, ref) VALUES (2, OLD.id);
END;
