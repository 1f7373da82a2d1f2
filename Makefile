# ZEUES occupation backend.  `make run` and `make test` are the whole set-up.
#
# Every object goes under $(BUILD); the sanitizer build of the same sources
# lives in build/san (SAN=1) so both can coexist.

SAN	?= 0
ifeq ($(SAN),1)
BUILD	?= build/san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	    -fno-sanitize-recover=undefined
else
BUILD	?= build
SANFLAGS :=
endif

CC	?= cc
KORE_FEATURES := $(shell cat /usr/share/kore/features 2>/dev/null)
WARN	:= -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
	   -Wmissing-prototypes -Wformat=2
# lib/ is in layer folders (scripts/check-layers); each is on the include
# path, so `#include "x.h"` names a header wherever its layer is.
LIB_INC	:= $(patsubst %/,-I%,$(sort $(wildcard lib/*/)))
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g -fPIC $(WARN) $(SANFLAGS) \
	       $(LIB_INC) $(EXTRA_CFLAGS)
DEP_LIBS := -lhiredis -lcurl -lyajl -lcrypto -lm

LIB_SRC	:= $(wildcard lib/*/*.c)
LIB_OBJ	:= $(LIB_SRC:%.c=$(BUILD)/%.o)
LIBZEUES := $(BUILD)/libzeues.a

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:%.c=$(BUILD)/%)

INTEG_SRC := $(wildcard tests/integration/test_*.c)
INTEG_BIN := $(INTEG_SRC:%.c=$(BUILD)/%)

SUPPORT_SRC := $(wildcard tests/support/*.c)
SUPPORT_OBJ := $(SUPPORT_SRC:%.c=$(BUILD)/%.o)

# What the server under test needs in the sanitizer build: the ASan runtime
# loaded into Debian's kore (without LeakSanitizer, which cannot run inside
# Kore's sandbox); the test programs themselves run with it.
ASAN_RUNTIME := $(shell $(CC) -print-file-name=libasan.so)
# Fresh heap blocks full of 'A' rather than whatever was there (often NULs),
# so a scan that runs past a token into unwritten memory reaches the redzone.
SAN_MALLOC_FILL := malloc_fill_byte=65:max_malloc_fill_size=1048576
SAN_ENV	:= ZEUES_PRELOAD=$(ASAN_RUNTIME) EMULATOR_PRELOAD=$(ASAN_RUNTIME) \
	   ZEUES_ASAN_OPTIONS=detect_leaks=0:$(SAN_MALLOC_FILL) \
	   EMULATOR_ASAN_OPTIONS=detect_leaks=0:$(SAN_MALLOC_FILL) \
	   ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
# The soak test fails on a failed verdict in the plain build; under the
# sanitizers the server is several times slower, so there it checks the
# tool's accounting and memory safety, not the timings the verdict needs.
TEST_ENV := ZEUES_ROOT=$(CURDIR) ZEUES_BUILD=$(CURDIR)/$(BUILD) \
	    $(if $(filter 1,$(SAN)),$(SAN_ENV),SOAK_TEST_STRICT=1)

.PHONY: all deps build test test-suite check-layers run run-cluster bench clean help

all: deps
	@$(MAKE) --no-print-directory build

deps:
	@scripts/install-deps

$(BUILD)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -MMD -MP -c -o $@ $<

$(LIBZEUES): $(LIB_OBJ)
	@mkdir -p $(@D)
	ar rcs $@ $^

$(BUILD)/tests/support/%.o: tests/support/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -Itests/support -MMD -MP -c -o $@ $<

# Unit and integration tests link alike (a static pattern: make keeps the
# binaries between builds).
$(UNIT_BIN) $(INTEG_BIN): $(BUILD)/%: %.c $(SUPPORT_OBJ) $(LIBZEUES)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -Itests/support -o $@ $< $(SUPPORT_OBJ) \
	    $(LIBZEUES) $(DEP_LIBS) -lcmocka -lpthread

# Each component's rules; a missing file is an error, not a smaller build.
include app/app.mk tests/emulator/emulator.mk migrations/migrations.mk \
    tests/bench/bench.mk tests/soak/soak.mk tests/fuzz/fuzz.mk \
    tests/browser/browser.mk

# What a deployment runs, nothing else: the server module (app/app.mk), the
# Sheets emulator that `make run` and the tests use in place of Google
# (tests/emulator/emulator.mk) and the workbook migration command
# (migrations/migrations.mk).
build: server emulator migrate-tool

# The soak test's proof that its verdict can fail: a server built with the
# old defect (a Redis connection per request, never closed).
LEAKY_SO := $(BUILD)/leaky/zeues.so
$(LEAKY_SO): $(APP_SRC) $(LIB_SRC)
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/leaky \
	    EXTRA_CFLAGS=-DZEUES_TEST_LEAKY_REDIS $(BUILD)/leaky/zeues.so

# No layer of lib/ includes a header of a layer above it; the check's
# self-test proves it can fail.
check-layers:
	@scripts/check-layers

# One pass of the whole suite against one build (plain, or SAN=1), the
# layer check first.
test-suite: build $(UNIT_BIN) $(INTEG_BIN) $(EMULATOR_TESTS) $(SOAK_TESTS) \
    $(LEAKY_SO) $(BROWSER_NODE)
	@$(TEST_ENV) scripts/run-tests scripts/check-layers $(UNIT_BIN) \
	    $(INTEG_BIN) $(EMULATOR_TESTS) $(SOAK_TESTS)

# The README's test command: the suite, then the same under ASan/UBSan,
# then a few seconds of each fuzz harness (tests/fuzz/fuzz.mk).
test: deps
	@$(MAKE) --no-print-directory test-suite
	@$(MAKE) --no-print-directory SAN=1 test-suite
	@$(MAKE) --no-print-directory fuzz-test

run: all
	@scripts/run-stack

run-cluster: all
	@scripts/run-cluster

# BENCH_SECONDS per timed run (default 10).
bench: all
	@$(MAKE) --no-print-directory $(BENCH_BIN)
	@ZEUES_ROOT=$(CURDIR) ZEUES_BUILD=$(CURDIR)/$(BUILD) \
	    $(BUILD)/tests/bench/bench_http $(BENCH_SECONDS)
	@ZEUES_ROOT=$(CURDIR) ZEUES_BUILD=$(CURDIR)/$(BUILD) \
	    $(BUILD)/tests/bench/bench_occupation $(BENCH_SECONDS)
	@ZEUES_ROOT=$(CURDIR) ZEUES_BUILD=$(CURDIR)/$(BUILD) \
	    $(BUILD)/tests/bench/bench_sse

clean:
	rm -rf build

help:
	@echo 'make [SAN=1] TARGET   (SAN=1: the ASan/UBSan build, in build/san)'
	@echo '  all           deps, then build (the default)'
	@echo '  deps          install the Debian packages (scripts/install-deps)'
	@echo '  build         the server module, the Sheets emulator, zeues-migrate'
	@echo '  server        just $(BUILD)/zeues.so'
	@echo '  emulator      just the Sheets emulator and its demo generator'
	@echo '  migrate-tool  just $(BUILD)/migrations/zeues-migrate'
	@echo '  run           Redis, the emulator with demo data and the server'
	@echo '  run-cluster   Redis + replica + 3 Sentinels, 2 instances behind nginx'
	@echo '  test          the suite plain, then SAN=1, then fuzz-test'
	@echo '  test-suite    the suite once, against this build'
	@echo '  check-layers  fail when a lib/ layer includes one above it'
	@echo '  emulator-test the emulator'"'"'s golden test alone'
	@echo '  soak          DURATION seconds (7200) of load (CHAOS=1, BASE_URL=)'
	@echo '  soak-tool     just $(BUILD)/tests/soak/zeues-soak'
	@echo '  soak-test     the soak tool'"'"'s own tests'
	@echo '  bench         the benchmarks (BENCH_SECONDS per run, 10)'
	@echo '  fuzz          each fuzz harness FUZZ_SECONDS (60)'
	@echo '  fuzz-test     each fuzz harness FUZZ_TEST_SECONDS (3), as make test'
	@echo '  fuzz-build    just the fuzz harnesses (clang, build/fuzz)'
	@echo '  clean         remove build/'
	@echo '  help          this list'

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
