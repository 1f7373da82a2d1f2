# zeues-migrate: the workbook migrations (data.md §7) and their command.
#
#   make migrate-tool    $(BUILD)/migrations/zeues-migrate
#
# It drives lib/'s Sheets client on lib/loop/poll_loop.c, a plain poll(2)
# loop.

MIGRATE_SRC	:= $(wildcard migrations/*.c)
MIGRATE_OBJ	:= $(MIGRATE_SRC:%.c=$(BUILD)/%.o)
MIGRATE_BIN	:= $(BUILD)/migrations/zeues-migrate

.PHONY: migrate-tool

migrate-tool: $(MIGRATE_BIN)

$(BUILD)/migrations/%.o: migrations/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -MMD -MP -c -o $@ $<

$(MIGRATE_BIN): $(MIGRATE_OBJ) $(LIBZEUES)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -o $@ $(MIGRATE_OBJ) $(LIBZEUES) $(DEP_LIBS)

# The integration test runs the command.
$(BUILD)/tests/integration/test_migrations: $(MIGRATE_BIN)
