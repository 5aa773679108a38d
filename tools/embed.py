#!/usr/bin/env python3
"""Compiles files into a C source file, so the binary carries them.

    embed.py migrations OUT.c FILE.sql...   -> const struct store_migration store_migrations[]
    embed.py assets OUT.c DIR               -> const struct http_asset http_assets[]
    embed.py blob OUT.c SYMBOL FILE         -> const char SYMBOL[]; const unsigned long SYMBOL_len

Only the standard library is used; the output is deterministic.
"""
import os
import re
import sys

TYPES = {
    ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png",
    ".ico": "image/x-icon", ".json": "application/json", ".txt": "text/plain; charset=utf-8",
    ".woff2": "font/woff2", ".webmanifest": "application/manifest+json",
}


def c_bytes(data):
    out, line = [], []
    for b in data:
        line.append("%d," % b)
        if len(line) == 24:
            out.append("".join(line))
            line = []
    out.append("".join(line) + "0")
    return "\n".join(out)


def migrations(out, files):
    parts = ['#include "store/migrations.h"\n']
    entries = []
    for i, path in enumerate(files):
        name = os.path.basename(path)
        m = re.match(r"^(\d{3})_([a-z0-9_]+)\.sql$", name)
        if not m:
            sys.exit("embed: migration name must be NNN_name.sql: %s" % name)
        with open(path, "rb") as f:
            data = f.read()
        parts.append("static const char m%d[] = {\n%s};\n" % (i, c_bytes(data)))
        entries.append('    {%d, "%s", m%d},' % (int(m.group(1)), m.group(2), i))
    versions = [int(os.path.basename(p)[:3]) for p in files]
    if versions != list(range(1, len(files) + 1)):
        sys.exit("embed: migrations must be numbered 001, 002, ... without gaps")
    parts.append("const struct store_migration store_migrations[] = {\n%s\n    {0, 0, 0}\n};\n"
                 % "\n".join(entries))
    parts.append("const int store_migration_count = %d;\n" % len(files))
    write(out, "".join(parts))


def assets(out, root):
    parts = ['#include "http/assets.h"\n']
    entries = []
    files = []
    for d, _, names in os.walk(root):
        for n in names:
            files.append(os.path.join(d, n))
    for i, path in enumerate(sorted(files)):
        rel = "/" + os.path.relpath(path, root).replace(os.sep, "/")
        ext = os.path.splitext(rel)[1]
        with open(path, "rb") as f:
            data = f.read()
        parts.append("static const unsigned char a%d[] = {\n%s};\n" % (i, c_bytes(data)))
        immutable = 1 if rel.startswith("/assets/") else 0
        entries.append('    {"%s", "%s", a%d, %d, %d},' % (
            rel, TYPES.get(ext, "application/octet-stream"), i, len(data), immutable))
    parts.append("const struct http_asset http_assets[] = {\n%s\n    {0, 0, 0, 0, 0}\n};\n"
                 % "\n".join(entries))
    write(out, "".join(parts))


def blob(out, symbol, path):
    with open(path, "rb") as f:
        data = f.read()
    write(out, "const char %s[] = {\n%s};\nconst unsigned long %s_len = %d;\n"
          % (symbol, c_bytes(data), symbol, len(data)))


def write(out, text):
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, out)


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("migrations", "assets", "blob"):
        sys.exit(__doc__)
    if sys.argv[1] == "blob":
        blob(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == "migrations":
        migrations(sys.argv[2], sys.argv[3:])
    else:
        assets(sys.argv[2], sys.argv[3])
