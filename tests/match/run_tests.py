#!/usr/bin/python3
"""check-match: the file-contract tests and the oracle tests, one summary.
Usage: run_tests.py CLI LEMON_ORACLE [--seed N] [--count N]"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle_test  # noqa: E402  (reads CLI and LEMON from sys.argv)
import cli_test  # noqa: E402

cli_test.run(sys.argv[1], oracle_test.check)
sys.exit(oracle_test.main())
