# Tandem build. `make` builds ./tandem; `make run` and `make check` are the
# README's two commands. Libraries are found with pkg-config.
#
#   make SANITIZE=address,undefined   builds into build/asan with sanitizers
#   make SANITIZE=thread              builds into build/tsan with ThreadSanitizer
#
# Sources are found by wildcard: a new src/<module>/<noun>.c is built and
# linked without touching this file. Subsystems with their own targets add
# them in mk/<name>.mk and append their test target to CHECK_TARGETS.

CC       ?= cc
PKGS     := libmicrohttpd jansson sqlite3 libpq libsodium libcurl libcmark-gfm icu-i18n cairo pangocairo
PYTHON   ?= /usr/bin/python3
VERSION  := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

ifeq ($(SANITIZE),)
BUILD    ?= build
OPT      ?= -O2
else ifeq ($(SANITIZE),thread)
BUILD    ?= build/tsan
# gcc's maybe-uninitialized analysis is unreliable under TSan's
# instrumentation (false alarms in match_json.c); the other builds keep it.
OPT      ?= -O1 -fno-omit-frame-pointer -fsanitize=thread -Wno-maybe-uninitialized
else
BUILD    ?= build/asan
OPT      ?= -O1 -fno-omit-frame-pointer -fsanitize=$(SANITIZE) -fno-sanitize-recover=all
endif

WARN     := -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes -Wshadow
CPPFLAGS += -Isrc -I$(BUILD)/gen -D_GNU_SOURCE -DTANDEM_VERSION='"$(VERSION)"'
CFLAGS   += -std=c17 $(WARN) $(OPT) -g -pthread $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDFLAGS  += -pthread $(if $(SANITIZE),-fsanitize=$(SANITIZE))
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm

SRC      := $(sort $(wildcard src/*/*.c))
LIB_OBJ  := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(SRC))
GEN_OBJ  := $(BUILD)/obj/gen/migrations.o $(BUILD)/obj/gen/assets.o $(BUILD)/obj/gen/openapi.o
MAIN_OBJ := $(BUILD)/obj/main.o
MIGRATIONS := $(sort $(wildcard src/store/migrations/*.sql))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

WEB_DIST := web/dist/index.html
WEB_SRC  := $(shell find web/src web/public web/scripts web/index.html web/package.json \
              web/package-lock.json web/vite.config.ts web/svelte.config.js web/tsconfig.json \
              -type f 2>/dev/null) src/base/limits.h docs/openapi.json tools/limits_ts.py

CHECK_TARGETS :=

.PHONY: all run check unit check-unit web deps clean format format-check layers
all: tandem

-include $(wildcard mk/*.mk)

tandem: $(BUILD)/tandem
	@[ "$(BUILD)" = build ] && cp $(BUILD)/tandem tandem.tmp && mv -f tandem.tmp tandem || true

$(BUILD)/tandem: $(MAIN_OBJ) $(LIB_OBJ) $(GEN_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(filter-out -Wmissing-prototypes,$(CFLAGS)) -c -o $@ $<

$(BUILD)/gen/migrations.c: $(MIGRATIONS) tools/embed.py
	@mkdir -p $(dir $@)
	$(PYTHON) tools/embed.py migrations $@ $(MIGRATIONS)

$(BUILD)/gen/openapi.c: docs/openapi.json tools/embed.py
	@mkdir -p $(dir $@)
	$(PYTHON) tools/embed.py blob $@ api_openapi_json docs/openapi.json

$(BUILD)/gen/assets.c: $(WEB_DIST) tools/embed.py
	@mkdir -p $(dir $@)
	$(PYTHON) tools/embed.py assets $@ web/dist

web: $(WEB_DIST)
$(WEB_DIST): $(WEB_SRC)
	cd web && { [ node_modules/.package-lock.json -nt package-lock.json ] || \
	    npm ci --no-audit --no-fund; } && npm run build

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJ) $(GEN_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS) -lcmocka

unit: $(UNIT_BIN)

# Unit tests: one cmocka binary per module; TANDEM_TEST_PG (set by
# tests/run) makes the store contract suite run against PostgreSQL too.
check-unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

deps:
	tools/deps.sh build

# Dependencies are installed first and the build runs in a fresh make, so
# pkg-config is there when the flags are computed.
run:
	tools/deps.sh build
	$(MAKE) tandem
	tools/run.sh

# Everything: unit tests, the sanitizer build, API tests on SQLite and
# PostgreSQL, browser tests, and the subsystems' own suites.
check:
	tools/deps.sh test
	$(MAKE) tandem
	tests/run $(CHECK_TARGETS)

layers:
	../shared/tools/layers .

# The C sources follow .clang-format; `make check` runs format-check.
FORMAT_SRC = $(SRC) src/main.c $(wildcard src/*/*.h) $(UNIT_SRC) $(EXTRA_FORMAT_SRC)
format:
	clang-format -i $(FORMAT_SRC)

format-check:
	@clang-format --dry-run --Werror $(FORMAT_SRC) && echo "format-check: ok"
CHECK_TARGETS += format-check

clean:
	rm -rf build tandem web/dist

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
