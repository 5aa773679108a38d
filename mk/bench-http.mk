# bench-http: HTTP load on a fresh tandem with wrk, nginx as the yardstick.
# Options: BENCH_DURATION (10s), BENCH_CONNECTIONS (64); see bench/http/run.
.PHONY: bench-http
bench-http:
	bench/http/run
