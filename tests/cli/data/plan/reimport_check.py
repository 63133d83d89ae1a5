#!/usr/bin/python3
"""tests/cli/cases 0117: a merchant link, a coupon and a complaint on 苏果便利
(setup), then after re-importing a table with a row inserted at the top: which
outlet each of them is on, and which outlets are closed (check)."""
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
if sys.argv[2] == "setup":
    oid = db.execute("SELECT id FROM outlets WHERE name = '苏果便利'").fetchone()[0]
    uid = db.execute("SELECT id FROM users WHERE name = 'm1'").fetchone()[0]
    db.execute("INSERT INTO merchant_outlets(user_id, outlet_id) VALUES (?, ?)", (uid, oid))
    db.execute("INSERT INTO coupons(outlet_id, title, quantity, per_user_limit, valid_from, valid_to, created_by,"
               " created_at) VALUES (?, '满20减5', 10, 1, 0, 9999999999, ?, 0)", (oid, uid))
    db.execute("INSERT INTO complaints(outlet_id, user_id, kind, created_at) VALUES (?, ?, '价格', 0)", (oid, uid))
    db.commit()
    print("store id of 苏果便利:", oid)
else:
    for what, sql in (("merchant link", "SELECT o.name, o.id FROM merchant_outlets m JOIN outlets o ON o.id = m.outlet_id"),
                      ("coupon", "SELECT o.name, o.id FROM coupons c JOIN outlets o ON o.id = c.outlet_id"),
                      ("complaint", "SELECT o.name, o.id FROM complaints c JOIN outlets o ON o.id = c.outlet_id")):
        for name, oid in db.execute(sql):
            print(f"{what} on {name} (store id {oid})")
    for (name,) in db.execute("SELECT name FROM outlets WHERE closed_at IS NOT NULL ORDER BY name"):
        print("closed:", name)
    print("outlets in the store:", db.execute("SELECT count(*) FROM outlets").fetchone()[0])
