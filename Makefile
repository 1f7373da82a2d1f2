# ZEUES occupation backend.  `make run` and `make test` are the whole set-up.
#
# Layout of the build: every object goes under $(BUILD); the sanitizer build
# of the same sources lives in build/san (SAN=1) so both can coexist.

SAN	?= 0
ifeq ($(SAN),1)
BUILD	?= build/san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD	?= build
SANFLAGS :=
endif

CC	?= cc
KORE_FEATURES := $(shell cat /usr/share/kore/features 2>/dev/null)
WARN	:= -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
	   -Wmissing-prototypes -Wformat=2
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g -fPIC $(WARN) $(SANFLAGS) -Ilib
DEP_LIBS := -lhiredis -lcurl -lyajl -lcrypto -lm

LIB_SRC	:= $(wildcard lib/*.c)
LIB_OBJ	:= $(LIB_SRC:%.c=$(BUILD)/%.o)
LIBZEUES := $(BUILD)/libzeues.a

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:%.c=$(BUILD)/%)

INTEG_SRC := $(wildcard tests/integration/test_*.c)
INTEG_BIN := $(INTEG_SRC:%.c=$(BUILD)/%)

SUPPORT_SRC := $(wildcard tests/support/*.c)
SUPPORT_OBJ := $(SUPPORT_SRC:%.c=$(BUILD)/%.o)

.PHONY: all deps clean

all: deps-check

$(BUILD)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -MMD -MP -c -o $@ $<

$(LIBZEUES): $(LIB_OBJ)
	@mkdir -p $(@D)
	ar rcs $@ $^

$(BUILD)/tests/support/%.o: tests/support/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -Itests/support -MMD -MP -c -o $@ $<

$(BUILD)/tests/unit/test_%: tests/unit/test_%.c $(SUPPORT_OBJ) $(LIBZEUES)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -Itests/support -o $@ $< $(SUPPORT_OBJ) $(LIBZEUES) $(DEP_LIBS) -lcmocka

$(BUILD)/tests/integration/test_%: tests/integration/test_%.c $(SUPPORT_OBJ) $(LIBZEUES)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -Itests/support -o $@ $< $(SUPPORT_OBJ) $(LIBZEUES) $(DEP_LIBS) -lcmocka

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
-include $(wildcard tests/*/*.mk app/*.mk)
