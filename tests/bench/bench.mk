# Benchmarks: programs that print figures; they assert nothing.
BENCH_SRC := $(wildcard tests/bench/bench_*.c)
BENCH_BIN := $(BENCH_SRC:%.c=$(BUILD)/%)

$(BUILD)/tests/bench/bench_%: tests/bench/bench_%.c $(SUPPORT_OBJ) $(LIBZEUES)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -Itests/support -o $@ $< $(SUPPORT_OBJ) \
	    $(LIBZEUES) $(DEP_LIBS)
