#!/usr/bin/python3
"""bench/import/anchor.py - the yardstick for `tandem import`: Python's csv
module reading the same file and SQLite's executemany storing every row in
one table, in one transaction.

    anchor.py FILE.csv DB.sqlite

Prints the seconds it took (reading, parsing and storing; not starting
Python) and the number of rows. No validation, no second table, no index
beyond the rowid: the least work that still stores the rows durably.
"""
import csv
import os
import sqlite3
import sys
import time


def main():
    path, db = sys.argv[1], sys.argv[2]
    if os.path.exists(db):
        os.remove(db)
    start = time.perf_counter()
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    with open(path, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        header = next(rows)
        cols = ", ".join('"%s" TEXT' % h for h in header)
        con.execute("CREATE TABLE people (%s)" % cols)
        marks = ", ".join("?" * len(header))
        with con:
            con.executemany("INSERT INTO people VALUES (%s)" % marks, rows)
    n = con.execute("SELECT COUNT(*) FROM people").fetchone()[0]
    con.close()
    print("%.3f %d" % (time.perf_counter() - start, n))


if __name__ == "__main__":
    main()
