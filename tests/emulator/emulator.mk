# The local Google Sheets API v4 emulator: a Kore module, its demo-data
# generator and its golden test.  See tests/emulator/README.md.
#
#   make emulator        $(BUILD)/tests/emulator/sheets_emulator.so and
#                        $(BUILD)/tests/emulator/zeues-demo-gen
#   make emulator-test   build and run test_emulator_golden (real HTTP)

EMU_DIR		:= tests/emulator
EMU_OUT		:= $(BUILD)/tests/emulator
EMU_SO		:= $(EMU_OUT)/sheets_emulator.so
EMU_DEMO	:= $(EMU_OUT)/zeues-demo-gen
EMU_TEST	:= $(EMU_OUT)/test_emulator_golden

# src/kore_*.c is the Kore glue; the rest of src/ knows nothing of Kore.
EMU_SRC		:= $(wildcard $(EMU_DIR)/src/*.c)
EMU_OBJ		:= $(EMU_SRC:%.c=$(BUILD)/%.o)
EMU_DEMO_SRC	:= $(wildcard $(EMU_DIR)/demo/*.c)
EMU_DEMO_OBJ	:= $(EMU_DEMO_SRC:%.c=$(BUILD)/%.o) \
		   $(BUILD)/$(EMU_DIR)/src/jsonw.o \
		   $(BUILD)/$(EMU_DIR)/src/fileio.o
EMU_TEST_SRC	:= $(wildcard $(EMU_DIR)/testkit/*.c) \
		   $(EMU_DIR)/test_emulator_golden.c
EMU_TEST_OBJ	:= $(EMU_TEST_SRC:%.c=$(BUILD)/%.o)
# The golden test starts the emulator, makes requests and reads JSON the
# way every other test does (tests/support); the emulator itself shares
# nothing with lib/ or tests/support.
EMU_TEST_SUPPORT := $(addprefix $(BUILD)/tests/support/, \
		   emulator.o harness.o http_easy.o json_path.o server.o)

# Every module object sees KORE_FEATURES: struct http_request's layout
# depends on them.
EMU_CFLAGS	:= $(BASE_CFLAGS) $(KORE_FEATURES) -I$(EMU_DIR)/src

# Under SAN=1 kore itself is not instrumented, so the ASan runtime (the
# top Makefile's ASAN_RUNTIME) has to be preloaded into it.  LeakSanitizer
# stays off in kore: its exit-time check does not work inside Kore's
# seccomp sandbox (a worker was seen spinning forever after exit).
ifeq ($(SAN),1)
EMU_TEST_ENV	:= EMULATOR_PRELOAD=$(ASAN_RUNTIME) \
		   EMULATOR_ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
endif

# The top Makefile's test-suite runs these too (with ZEUES_ROOT/ZEUES_BUILD
# and, under SAN=1, ZEUES_PRELOAD; the test maps them onto its own names).
EMULATOR_TESTS	:= $(EMU_TEST)

.PHONY: emulator emulator-test

emulator: $(EMU_SO) $(EMU_DEMO)

emulator-test: emulator $(EMU_TEST)
	EMULATOR_MODULE=$(abspath $(EMU_SO)) \
	EMULATOR_DEMO_GEN=$(abspath $(EMU_DEMO)) \
	EMULATOR_RUN=$(abspath $(EMU_DIR)/run-emulator.sh) \
	EMULATOR_TEST_DIR=$(abspath $(EMU_OUT))/golden \
	$(EMU_TEST_ENV) $(EMU_TEST)

$(BUILD)/$(EMU_DIR)/%.o: $(EMU_DIR)/%.c
	@mkdir -p $(@D)
	$(CC) $(EMU_CFLAGS) -MMD -MP -c -o $@ $<

# The test sees tests/support, not the emulator's sources.
$(EMU_TEST_OBJ): EMU_CFLAGS := $(BASE_CFLAGS) -Itests/support

# lib/base/parent_watch.c: the emulator's workers die with their parent too.
$(EMU_SO): $(EMU_OBJ) $(BUILD)/lib/base/parent_watch.o
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -shared -o $@ $^ -lyajl -lcrypto

$(EMU_DEMO): $(EMU_DEMO_OBJ)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -o $@ $^ -lcrypto

# The test runs the module and the generator, so building it builds them.
$(EMU_TEST): $(EMU_TEST_OBJ) $(EMU_TEST_SUPPORT) | $(EMU_SO) $(EMU_DEMO)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -o $@ $^ -lcmocka -lcurl -lyajl -lcrypto
