#!/usr/bin/env python3
"""Runs a command against a fresh `tandem serve` (SQLite, with an admin).

    tests/browser/serve.py COMMAND...

The command gets TANDEM_URL, TANDEM_ADMIN_EMAIL and TANDEM_ADMIN_PASSWORD
in its environment; its exit status is returned.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from server import ADMIN_EMAIL, ADMIN_PASSWORD, Server  # noqa: E402

server = Server(name="browser").start()
try:
    env = dict(os.environ, TANDEM_URL=server.url, TANDEM_ADMIN_EMAIL=ADMIN_EMAIL,
               TANDEM_ADMIN_PASSWORD=ADMIN_PASSWORD, TANDEM_DB=server.db,
               TANDEM_BIN=server.binary)
    code = subprocess.call(sys.argv[1:], env=env)
finally:
    server.stop()
sys.exit(code)
