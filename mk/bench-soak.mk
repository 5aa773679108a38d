# bench-soak: mixed reads and writes at ~80 % of the measured peak for a
# long time, failing on memory growth or any error. See bench/soak/run.py.
#   make bench-soak [BENCH_SOAK_SECONDS=600] [BENCH_SOAK_KIND=sqlite|postgres]
#   make soak-check  the short soak of make check: 40 s on SQLite, and
#                    40 s on PostgreSQL when TANDEM_TEST_PG names a server
BENCH_SOAK_SECONDS ?= 600
BENCH_SOAK_KIND ?= sqlite
SOAK_CHECK_SECONDS ?= 40

.PHONY: bench-soak soak-check
bench-soak: tandem
	$(PYTHON) bench/soak/run.py --tandem ./tandem --seconds $(BENCH_SOAK_SECONDS) --kind $(BENCH_SOAK_KIND)

soak-check: tandem
	$(PYTHON) bench/soak/run.py --tandem ./tandem --seconds $(SOAK_CHECK_SECONDS) --peak 5 --sample 2 --kind sqlite
	if [ -n "$${TANDEM_TEST_PG:-}" ]; then \
	    $(PYTHON) bench/soak/run.py --tandem ./tandem --seconds $(SOAK_CHECK_SECONDS) --peak 5 --sample 2 \
	        --kind postgres; fi

CHECK_TARGETS += soak-check
