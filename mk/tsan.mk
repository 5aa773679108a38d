# tsan: the concurrency tests against a ThreadSanitizer build of tandem
# (make SANITIZE=thread, build/tsan/), on SQLite and, when TANDEM_TEST_PG
# names a server, on PostgreSQL. A data race ends the server at once
# (halt_on_error), so the test that raced fails; the report is in the
# server's log under TEST_OUTPUT. docs/internals/testing.md.
TSAN_TESTS ?= tests/api/test_races.py tests/api/test_security.py::test_concurrent_requests_from_one_mentee_leave_one_pending

.PHONY: check-tsan
check-tsan:
	$(MAKE) -s SANITIZE=thread build/tsan/tandem
	for kind in sqlite $${TANDEM_TEST_PG:+postgres}; do \
	    TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1" \
	    TANDEM_BIN=$(CURDIR)/build/tsan/tandem TANDEM_TEST_DB_KIND=$$kind \
	    $(PYTHON) -m pytest -q -p no:cacheprovider --tb=short $(TSAN_TESTS) || exit 1; \
	done

CHECK_TARGETS += check-tsan
