# The soak/load tool of the phase-2 plan and its short integration test.
#
#   make soak                   2 hours against a private stack, report in
#                               reports/ (DURATION=seconds to change it;
#                               CHAOS=1 adds Redis/emulator outages;
#                               BASE_URL=... [REDIS_URL=...] targets an
#                               existing deployment instead)
#   make soak-tool              just $(BUILD)/tests/soak/zeues-soak
#   $(SOAK_TESTS)               the cmocka test (60 s plain + 60 s chaos),
#                               the leaky build's, and a 20 s `make soak`
#
# The tool links two objects of lib/ (URL parsing, INFO/CLIENT LIST text)
# and no Kore code; the test links the harness of tests/support.

SOAK_DIR	:= tests/soak
SOAK_OUT	:= $(BUILD)/tests/soak
SOAK_BIN	:= $(SOAK_OUT)/zeues-soak
SOAK_SRC	:= $(wildcard $(SOAK_DIR)/soak_*.c)
SOAK_OBJ	:= $(SOAK_SRC:%.c=$(BUILD)/%.o)
SOAK_LIBOBJ	:= $(BUILD)/lib/redis/redis_url.o \
		   $(BUILD)/lib/redis/redis_text.o
# The tests (not the tool) use the harness of tests/support.
SOAK_TEST_SUPPORT := $(addprefix $(BUILD)/tests/support/, \
		   harness.o http_easy.o json_path.o)
SOAK_TESTS	:= $(SOAK_OUT)/test_soak_short $(SOAK_OUT)/test_soak_leaky \
		   $(SOAK_OUT)/test_soak_make

DURATION	?= 7200

.PHONY: soak soak-tool soak-test

soak-tool: $(SOAK_BIN)

$(SOAK_OUT)/%.o: $(SOAK_DIR)/%.c $(SOAK_DIR)/soak.h
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -I$(SOAK_DIR) -MMD -MP -c -o $@ $<

$(SOAK_BIN): $(SOAK_OBJ) $(SOAK_LIBOBJ)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -o $@ $^ -lcurl -lhiredis -lyajl -lpthread -lm

$(SOAK_OUT)/test_soak_short: $(SOAK_DIR)/test_soak_short.c \
    $(SOAK_TEST_SUPPORT) | $(SOAK_BIN)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -Itests/support -I$(SOAK_DIR) -o $@ $< \
	    $(SOAK_TEST_SUPPORT) -lcmocka -lhiredis -lcurl -lyajl \
	    -lpthread

$(SOAK_OUT)/test_soak_leaky: $(SOAK_DIR)/test_soak_leaky.c \
    $(SOAK_TEST_SUPPORT) | $(SOAK_BIN)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -Itests/support -o $@ $< \
	    $(SOAK_TEST_SUPPORT) -lcmocka -lcurl -lyajl

$(SOAK_OUT)/test_soak_make: $(SOAK_DIR)/test_soak_make.c \
    $(SOAK_TEST_SUPPORT) | $(SOAK_BIN)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -Itests/support -o $@ $< \
	    $(SOAK_TEST_SUPPORT) -lcmocka -lcurl -lyajl

# The test needs the server and the emulator built (make build).
soak-test: build $(SOAK_TESTS)
	@ZEUES_ROOT=$(CURDIR) ZEUES_BUILD=$(CURDIR)/$(BUILD) \
	    scripts/run-tests $(SOAK_TESTS)

soak: all $(SOAK_BIN)
	@ZEUES_ROOT=$(CURDIR) ZEUES_BUILD=$(CURDIR)/$(BUILD) \
	    DURATION='$(DURATION)' BASE_URL='$(BASE_URL)' \
	    REDIS_URL='$(if $(BASE_URL),$(REDIS_URL))' CHAOS='$(CHAOS)' \
	    SOAK_ARGS='$(SOAK_ARGS)' scripts/soak run
