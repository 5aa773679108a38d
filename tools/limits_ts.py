#!/usr/bin/env python3
"""limits_ts.py - writes web/src/lib/limits.ts from src/base/limits.h.

    tools/limits_ts.py src/base/limits.h web/src/lib/limits.ts

Every `#define LIMIT_NAME value /* comment */` of the header becomes
`export const LIMIT_NAME = value;` with the comment as its doc comment, so
the UI checks the same numbers as the server, under the same names. The
value must be an integer expression of literals (`50`, `(1u << 20)`,
`(2 * 3600)`); anything else stops the build with the line at fault.

The web build runs it (web/package.json: prebuild, precheck, predev); the
output is not committed (.gitignore), so it cannot fall behind the header.
"""
import ast
import operator
import re
import sys

DEFINE = re.compile(r"^#define\s+(LIMIT_[A-Z0-9_]+)\s+(.*?)\s*(?:/\*\s*(.*?)\s*\*/)?\s*$")
OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
       ast.FloorDiv: operator.floordiv, ast.LShift: operator.lshift, ast.RShift: operator.rshift}


def evaluate(expr):
    """The value of a C integer expression of literals, or ValueError."""
    text = re.sub(r"\b(\d+)[uUlL]+\b", r"\1", expr).replace("/", "//")

    def walk(node):
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in OPS:
            return OPS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -walk(node.operand)
        raise ValueError("not an integer expression of literals: %s" % expr)

    try:
        return walk(ast.parse(text, mode="eval"))
    except SyntaxError:
        raise ValueError("not an integer expression of literals: %s" % expr)


def logical_lines(text):
    """The header's lines with backslash continuations joined, and their numbers."""
    out, buf, start = [], "", 0
    for n, line in enumerate(text.splitlines(), 1):
        if not buf:
            start = n
        if line.rstrip().endswith("\\"):
            buf += line.rstrip()[:-1] + " "
            continue
        out.append((start, buf + line))
        buf = ""
    return out


def limits(text, path):
    found = []
    section = ""
    for n, line in logical_lines(text):
        s = line.strip()
        m = re.match(r"^/\*\s*(.*?)\s*(\*/)?$", s)
        if m and not s.startswith("/* limits.h"):
            section = m.group(1).split(" (")[0]
        if not s.startswith("#define LIMIT_"):
            continue
        d = DEFINE.match(re.sub(r"\s+", " ", s))
        if not d:
            raise SystemExit("%s:%d: cannot read this #define" % (path, n))
        name, expr, comment = d.group(1), d.group(2), d.group(3) or ""
        try:
            value = evaluate(expr)
        except ValueError as e:
            raise SystemExit("%s:%d: %s" % (path, n, e))
        found.append((section, name, value, comment))
    return found


def render(found, source):
    out = ["// Generated from %s by tools/limits_ts.py: do not edit, change the header." % source,
           "// The server's limits, by the same names, so the UI checks the same numbers.",
           ""]
    section = None
    for sec, name, value, comment in found:
        if sec != section:
            if section is not None:
                out.append("")
            out.append("// %s" % sec.replace("*/", ""))
            section = sec
        if comment:
            out.append("/** %s */" % comment.replace("*/", ""))
        out.append("export const %s = %d;" % (name, value))
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) != 3:
        raise SystemExit("usage: tools/limits_ts.py src/base/limits.h web/src/lib/limits.ts")
    src, dst = argv[1], argv[2]
    with open(src, encoding="utf-8") as f:
        found = limits(f.read(), src)
    if not found:
        raise SystemExit("%s: no LIMIT_ defines" % src)
    text = render(found, "src/base/limits.h")
    try:
        with open(dst, encoding="utf-8") as f:
            if f.read() == text:
                return  # unchanged: keep the file's time, so nothing rebuilds
    except FileNotFoundError:
        pass
    with open(dst, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main(sys.argv)
