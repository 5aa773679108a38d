# bench-reports: every program report over HTTP on a generated program of
# 50,000 participants, 20,000 relationships, 200,000 meetings, 100,000
# survey answers and 50,000 outcome records, on SQLite and PostgreSQL,
# beside one hand-written SQL query of the same aggregate run by sqlite3
# and psql. See bench/reports/run.py and bench/README.md.
#   make bench-reports [BENCH_REPORTS_REQUESTS=20]
BENCH_REPORTS_REQUESTS ?= 20

.PHONY: bench-reports
bench-reports: tandem
	$(PYTHON) bench/reports/run.py --tandem ./tandem --requests $(BENCH_REPORTS_REQUESTS)
