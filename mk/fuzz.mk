# fuzz.mk - the libFuzzer harnesses of tests/fuzz/ (docs/internals/testing.md).
#
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="csv ical"] [FUZZ_JOBS=1]
#                    builds the harnesses with clang and libFuzzer and fuzzes
#                    each target FUZZ_SECONDS seconds; new inputs go to
#                    build/fuzz/corpus/<target>, crashes to test-output/fuzz/
#   make fuzz-ci     the CI budget: 30 seconds a target, one job per core
#   make fuzz-replay runs each harness once over tests/fuzz/corpus/<target>/
#                    in the gcc sanitizer build, no fuzzing (part of make check)
#
# A harness is a file tests/fuzz/fuzz_<target>.c and its seeds live in
# tests/fuzz/corpus/<target>/: dropping in the file adds the target to all
# three. Harnesses link against an archive of every object, so each pulls
# in only the modules it calls.

FUZZ_ALL := $(patsubst tests/fuzz/fuzz_%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 1
FUZZ_CC ?= clang
FUZZ_BUILD := build/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# clang warns about things gcc's -Werror build does not; the gcc build is
# the one that must stay warning-free, so the fuzz build only reports them.
FUZZ_WARN := -Wall -Wextra -Wno-unknown-pragmas -Wno-bitwise-conditional-parentheses
EXTRA_FORMAT_SRC += $(wildcard tests/fuzz/*.c tests/fuzz/*.h)

.PHONY: fuzz fuzz-ci fuzz-build fuzz-bins fuzz-replay fuzz-replay-bins

$(BUILD)/libtandem.a: $(LIB_OBJ) $(GEN_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(BUILD)/libtandem.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/fuzz $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(BUILD)/libtandem.a \
	    $(LDFLAGS) $(FUZZ_SAN) $(LDLIBS)

$(BUILD)/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(BUILD)/libtandem.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/fuzz $(CFLAGS) -o $@ $< tests/fuzz/replay.c $(BUILD)/libtandem.a \
	    $(LDFLAGS) $(LDLIBS)

fuzz-bins: $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_TARGETS))
fuzz-replay-bins: $(patsubst %,$(BUILD)/fuzz/replay_%,$(FUZZ_ALL))

fuzz-build: web
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) WARN="$(FUZZ_WARN)" \
	    OPT="-O1 -gline-tables-only $(FUZZ_SAN) -fsanitize=fuzzer-no-link" LDFLAGS=-pthread \
	    FUZZ_TARGETS="$(FUZZ_TARGETS)" fuzz-bins

fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) tests/fuzz/run $(FUZZ_BUILD)/fuzz $(FUZZ_TARGETS)

fuzz-ci:
	$(MAKE) fuzz FUZZ_SECONDS=30 FUZZ_JOBS=$$(nproc)

fuzz-replay:
	$(MAKE) SANITIZE=address,undefined fuzz-replay-bins
	tests/fuzz/run --replay build/asan/fuzz $(FUZZ_ALL)

CHECK_TARGETS += fuzz-replay
