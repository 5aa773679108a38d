# bench-import: `tandem import` of 50,000 seeded participants into SQLite and
# PostgreSQL, Python's csv + SQLite executemany as the yardstick, and the
# participant list and funnel at that size. See bench/import/run.py.
#   make bench-import [BENCH_IMPORT_ROWS=50000] [BENCH_IMPORT_REQUESTS=200]
#                     [BENCH_IMPORT_REPEAT=1] [BENCH_IMPORT_COMPARE=path/to/older/tandem]
BENCH_IMPORT_ROWS ?= 50000
BENCH_IMPORT_REQUESTS ?= 200
BENCH_IMPORT_REPEAT ?= 1
BENCH_IMPORT_COMPARE ?=

.PHONY: bench-import
bench-import: tandem
	$(PYTHON) bench/import/run.py --tandem ./tandem --rows $(BENCH_IMPORT_ROWS) \
	    --requests $(BENCH_IMPORT_REQUESTS) --repeat $(BENCH_IMPORT_REPEAT) \
	    $(if $(BENCH_IMPORT_COMPARE),--compare $(BENCH_IMPORT_COMPARE))
