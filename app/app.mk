# The server: a Kore module loaded by Debian's /usr/bin/kore.
APP_SRC	:= $(wildcard app/*.c)
APP_OBJ	:= $(APP_SRC:%.c=$(BUILD)/%.o)
SERVER_SO := $(BUILD)/zeues.so

# Kore's struct layouts depend on its feature defines: keep them.
$(BUILD)/app/%.o: app/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(KORE_FEATURES) -MMD -MP -c -o $@ $<

$(SERVER_SO): $(APP_OBJ) $(LIBZEUES)
	$(CC) -shared $(SANFLAGS) -o $@ $(APP_OBJ) $(LIBZEUES) $(DEP_LIBS)

# The ops page's files are compiled into route_ops.o (.incbin).
$(BUILD)/app/route_ops.o: $(wildcard assets/ops/*)

.PHONY: server
server: $(SERVER_SO)
