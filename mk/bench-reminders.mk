# bench-reminders: one tick of the reminders job at 50,000 relationships
# with their reminders armed, nothing due, on SQLite and PostgreSQL, beside
# the same "what is due" query run by sqlite3 and psql. See
# bench/reminders/run.py and bench/README.md.
#   make bench-reminders [BENCH_REMINDERS_RELATIONSHIPS=50000] [BENCH_REMINDERS_ROUNDS=200]
BENCH_REMINDERS_RELATIONSHIPS ?= 50000
BENCH_REMINDERS_ROUNDS ?= 200

$(BUILD)/bench/reminders-tick: bench/reminders/tick.c $(LIB_OBJ) $(GEN_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

.PHONY: bench-reminders
bench-reminders: tandem $(BUILD)/bench/reminders-tick
	$(PYTHON) bench/reminders/run.py --tandem ./tandem --tick $(BUILD)/bench/reminders-tick \
	    --relationships $(BENCH_REMINDERS_RELATIONSHIPS) --rounds $(BENCH_REMINDERS_ROUNDS)
