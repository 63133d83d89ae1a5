-- quarter store on PostgreSQL, version 6 (as SQLite's 0006, issue 14): the
-- change feed.  Triggers give every write of an outlet or a job a new
-- sequence number in the writer's transaction; a transaction-scoped advisory
-- lock makes the numbers commit in their order (a follower that has applied N
-- never later sees N-1 commit), and NOTIFY quarter_changes wakes followers
-- when the transaction commits.
CREATE TABLE changes (
  seq  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind INTEGER NOT NULL,   -- 1 outlet, 2 job
  ref  BIGINT NOT NULL,
  UNIQUE (kind, ref)
);

CREATE FUNCTION changes_note() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  k INTEGER := CASE TG_TABLE_NAME WHEN 'outlets' THEN 1 ELSE 2 END;
  r BIGINT := CASE TG_OP WHEN 'DELETE' THEN OLD.id ELSE NEW.id END;
BEGIN
  PERFORM pg_advisory_xact_lock(1903456616);
  DELETE FROM changes WHERE kind = k AND ref = r;
  INSERT INTO changes(kind, ref) VALUES (k, r);
  PERFORM pg_notify('quarter_changes', '');
  RETURN NULL;
END $$;

CREATE TRIGGER changes_outlet_ai AFTER INSERT OR DELETE ON outlets FOR EACH ROW EXECUTE FUNCTION changes_note();
CREATE TRIGGER changes_outlet_au AFTER UPDATE ON outlets FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.category IS DISTINCT FROM NEW.category
    OR OLD.lon IS DISTINCT FROM NEW.lon OR OLD.lat IS DISTINCT FROM NEW.lat
    OR OLD.address IS DISTINCT FROM NEW.address OR OLD.brand IS DISTINCT FROM NEW.brand
    OR OLD.chain IS DISTINCT FROM NEW.chain OR OLD.opening_hours IS DISTINCT FROM NEW.opening_hours
    OR OLD.services IS DISTINCT FROM NEW.services OR OLD.cash IS DISTINCT FROM NEW.cash
    OR OLD.barrier_free IS DISTINCT FROM NEW.barrier_free OR OLD.staff IS DISTINCT FROM NEW.staff
    OR OLD.floor_area IS DISTINCT FROM NEW.floor_area OR OLD.community_id IS DISTINCT FROM NEW.community_id
    OR OLD.circle_id IS DISTINCT FROM NEW.circle_id OR OLD.closed_at IS DISTINCT FROM NEW.closed_at)
  EXECUTE FUNCTION changes_note();
CREATE TRIGGER changes_job AFTER INSERT OR UPDATE OR DELETE ON jobs FOR EACH ROW EXECUTE FUNCTION changes_note();
