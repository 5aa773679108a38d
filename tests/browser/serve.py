#!/usr/bin/env python3
"""Runs a command against a fresh `tandem serve` (SQLite, with an admin).

    tests/browser/serve.py COMMAND...

The command gets TANDEM_URL, TANDEM_ADMIN_EMAIL and TANDEM_ADMIN_PASSWORD
in its environment; its exit status is returned. The server delivers its
mail to a real SMTP receiver (tests/lib/smtp.py) that writes each message
to TANDEM_MAILDIR as NNNNNN.eml; TANDEM_SMTP_PORT is its port, for tests
that stop it or make it refuse (tests/browser/lib.mjs reads the files).
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from server import ADMIN_EMAIL, ADMIN_PASSWORD, Server  # noqa: E402
from smtp import Receiver  # noqa: E402

maildir = tempfile.mkdtemp(prefix="tandem-mail-")
rx = Receiver(folder=maildir).start()
# The first mail to this address is refused for good: a dead letter for
# tests/browser/outbox.test.mjs to send again from the admin page.
rx.answer("refused@example.org", "550 5.1.1 No such mailbox here", times=1)
server = Server(name="browser", env=rx.env()).start()
try:
    env = dict(os.environ, TANDEM_URL=server.url, TANDEM_ADMIN_EMAIL=ADMIN_EMAIL,
               TANDEM_ADMIN_PASSWORD=ADMIN_PASSWORD, TANDEM_DB=server.db,
               TANDEM_BIN=server.binary, TANDEM_MAILDIR=maildir)
    code = subprocess.call(sys.argv[1:], env=env)
finally:
    server.stop()
    rx.stop()
sys.exit(code)
