"""bench/tables.py - generated CSV tables loaded into a benchmark's database.

A table is (name, columns, path of its CSV file), as the generators of
bench/reports and bench/reminders write them; an empty cell is NULL."""
import csv
import sqlite3
import subprocess
import sys


def load_sqlite(path, tables):
    """Inserts every table's rows (foreign keys off: the generator's order), then ANALYZE."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys = OFF")
    for table, cols, csv_path in tables:
        with open(csv_path, newline="") as f:
            rows = [[None if v == "" else v for v in r] for r in csv.reader(f)]
        db.executemany("INSERT INTO %s (%s) VALUES (%s)" % (table, ", ".join(cols),
                                                            ", ".join("?" * len(cols))), rows)
    db.commit()
    db.execute("ANALYZE")
    db.commit()
    db.close()


def psql(url, *args, stdin=None):
    """Runs psql; exits with its error message when it fails."""
    r = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, *args], input=stdin,
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("psql failed (%d): %s" % (r.returncode, r.stderr.strip()))
    return r


def load_postgres(url, tables):
    """Copies every table's CSV in, then ANALYZE."""
    for table, cols, csv_path in tables:
        with open(csv_path) as f:
            psql(url, "-c", "\\copy %s (%s) FROM STDIN WITH (FORMAT csv)" % (table, ", ".join(cols)),
                 stdin=f.read())
    psql(url, "-c", "ANALYZE")
