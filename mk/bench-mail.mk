# bench-mail: 10,000 queued messages delivered by `tandem jobs --once` to a
# local aiosmtpd, side by side with Python's smtplib sending the same
# messages over one connection to the same receiver. See bench/mail/run.py.
#   make bench-mail [BENCH_MAIL_MESSAGES=10000] [BENCH_MAIL_ROUNDS=3] [BENCH_MAIL_ARGS=--postgres]
BENCH_MAIL_MESSAGES ?= 10000
BENCH_MAIL_ROUNDS ?= 3
BENCH_MAIL_ARGS ?=

.PHONY: bench-mail
bench-mail: tandem
	$(PYTHON) bench/mail/run.py --tandem ./tandem --messages $(BENCH_MAIL_MESSAGES) \
	    --rounds $(BENCH_MAIL_ROUNDS) $(BENCH_MAIL_ARGS)
