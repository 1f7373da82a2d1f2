# libFuzzer harnesses for the parsers that read untrusted text.  See
# tests/fuzz/README.md.
#
#   make fuzz-test      every harness FUZZ_TEST_SECONDS (3) from its corpus,
#                       after replaying its regression inputs; `make test`
#                       runs this
#   make fuzz           the same for FUZZ_SECONDS (60) each
#
# Harnesses and the lib objects under them are built with clang and
# -fsanitize=fuzzer,address,undefined in their own tree, never mixed with
# the gcc objects of build/ or build/san.

FUZZ_CC		?= clang-14
FUZZ_BUILD	:= build/fuzz
FUZZ_SAN	:= -fsanitize=address,undefined -fno-sanitize-recover=undefined \
		   -fno-omit-frame-pointer
# The gcc builds gate warnings; clang additionally wants a format
# attribute on every printf-like helper (lib/floor/occupation_rules.c has
# none).
FUZZ_CFLAGS	:= -std=c11 -D_GNU_SOURCE -O1 -g $(WARN) -Wno-format-nonliteral \
		   $(FUZZ_SAN) $(LIB_INC)
FUZZ_LIB_OBJ	:= $(LIB_SRC:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_LIB	:= $(FUZZ_BUILD)/libzeues.a
FUZZ_SRC	:= $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN	:= $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/%)
FUZZ_TEST_SECONDS ?= 3
FUZZ_SECONDS	?= 60

.PHONY: fuzz fuzz-build fuzz-test

fuzz-build: $(FUZZ_BIN)

# Instrumented for coverage (fuzzer-no-link) but without libFuzzer's main.
$(FUZZ_BUILD)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_LIB_OBJ)
	@mkdir -p $(@D)
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_input.h $(FUZZ_LIB)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Itests/fuzz -o $@ $< \
	    $(FUZZ_LIB) $(DEP_LIBS)

fuzz-test: $(FUZZ_BIN)
	@tests/fuzz/run-fuzz $(FUZZ_TEST_SECONDS) $(FUZZ_BIN)

fuzz: $(FUZZ_BIN)
	@tests/fuzz/run-fuzz $(FUZZ_SECONDS) $(FUZZ_BIN)

-include $(shell find $(FUZZ_BUILD) -name '*.d' 2>/dev/null)
