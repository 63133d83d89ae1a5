-- quarter store, version 4 (issue 10): an outlet that is no longer in the
-- city's table, or whose name marks it closed (暂停营业, 停业 ...), is marked
-- closed (closed_at, unix seconds) instead of deleted, so its merchant links,
-- coupons and complaints stay with it; importing it again reopens it.
ALTER TABLE outlets ADD COLUMN closed_at INTEGER;
