# match.mk - the matching engine's own targets (included by the Makefile).
#
#   make check-match               oracle tests: LEMON, SciPy, a reference
#                                  deferred acceptance, the file contract
#   make bench-match [SIZES="S M"] the benchmark of bench/match (L is heavy)
#
# The engine is tested through a small driver that links only src/match,
# src/base and the match command, so it builds whatever else is in flux.

# (base/secret.c is left out: it needs libsodium, the engine no secrets)
MATCH_OBJ := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(sort $(wildcard src/match/*.c))) \
             $(patsubst src/%.c,$(BUILD)/obj/%.o,$(sort $(filter-out src/base/secret.c,$(wildcard src/base/*.c)))) \
             $(BUILD)/obj/cli/match_cmd.o
MATCH_LIBS := $(shell pkg-config --libs jansson 2>/dev/null || echo -ljansson) -lm
CXX ?= g++
SIZES ?= S M L

$(BUILD)/match/tandem-match: tests/match/driver.c $(MATCH_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(MATCH_LIBS)

$(BUILD)/match/lemon_oracle: tests/match/lemon_oracle.cpp
	@mkdir -p $(dir $@)
	$(CXX) -O2 -std=c++14 -w -o $@ $<

$(BUILD)/match/bench: bench/match/bench.c bench/match/gen.c bench/match/gen.h $(filter-out $(BUILD)/obj/cli/match_cmd.o,$(MATCH_OBJ))
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Ibench/match $(CFLAGS) -o $@ bench/match/bench.c bench/match/gen.c \
	    $(filter-out $(BUILD)/obj/cli/match_cmd.o,$(MATCH_OBJ)) $(LDFLAGS) $(MATCH_LIBS)

# the anchor pipeline needs nlohmann-json3-dev and OpenMP (tools/deps.sh bench);
# it gets the best flags for this machine, being the competitor
ANCHOR := $(if $(wildcard /usr/include/nlohmann/json.hpp),$(BUILD)/match/anchor)
$(BUILD)/match/anchor: bench/match/anchor.cpp
	@mkdir -p $(dir $@)
	$(CXX) -O3 -march=native -std=c++17 -fopenmp -w -o $@ $<

.PHONY: check-match bench-match match-tools
match-tools: $(BUILD)/match/tandem-match $(BUILD)/match/lemon_oracle

check-match: match-tools
	$(PYTHON) tests/match/run_tests.py $(BUILD)/match/tandem-match $(BUILD)/match/lemon_oracle

bench-match: $(BUILD)/match/bench $(BUILD)/match/lemon_oracle $(BUILD)/match/tandem-match $(ANCHOR)
	$(PYTHON) bench/match/run.py --bench $(BUILD)/match/bench --lemon $(BUILD)/match/lemon_oracle \
	    --cli $(BUILD)/match/tandem-match --anchor "$(ANCHOR)" --sizes "$(SIZES)"

CHECK_TARGETS += check-match
