#!/usr/bin/env python3
"""Lists the longest Rust functions of the workspace, and fails when one outside tests,
examples, benchmarks and fuzz targets is longer than the limit (docs/design.md, "Small
pieces"). Usage: scripts/fn-lengths.py [--limit N] [--top N] [--all]

A function's length is the number of lines from its `fn` line to its closing brace. Braces
inside strings, characters and comments are skipped; `#[cfg(test)]` modules count as tests.
"""

import argparse
import os
import re
import subprocess
import sys

FN = re.compile(r"^\s*(pub(\([^)]*\))?\s+)?((const|async|unsafe|extern\s+\"[^\"]*\")\s+)*fn\s+(\w+)")
TEST_PATHS = ("tests/", "examples/", "benches/", "fuzz/")


def strip_code(text):
    """`text` with the contents of strings, chars and comments blanked (same length, lines)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "r" and re.match(r'r#*"', text[i:i + 8]) and (i == 0 or not text[i - 1].isalnum()):
            hashes = re.match(r'r(#*)"', text[i:]).group(1)
            end = '"' + hashes
            j = text.find(end, i + 2 + len(hashes))
            j = n if j < 0 else j + len(end)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "'" and re.match(r"'(\\.|[^\\'])'", text[i:i + 4]) or text.startswith("'\\u{", i):
            j = text.find("'", i + 1 if text[i + 1] != "\\" else i + 3) + 1
            out.append(" " * (j - i))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def functions(path):
    with open(path, encoding="utf-8") as f:
        code = strip_code(f.read())
    lines = code.split("\n")
    test_depth = None  # brace depth at which a #[cfg(test)] module started
    depth = 0
    pending_test = False
    for no, line in enumerate(lines):
        if "#[cfg(test)]" in line:
            pending_test = True
        m = FN.match(line)
        if m:
            # Find the body: the first `{` at depth 0 of parentheses after the signature.
            start_depth = depth
            d, k, opened = depth, no, False
            for k in range(no, len(lines)):
                for ch in lines[k]:
                    if ch == "{":
                        d += 1
                        opened = True
                    elif ch == "}":
                        d -= 1
                if opened and d == start_depth:
                    break
                if not opened and lines[k].rstrip().endswith(";"):
                    break  # a declaration without body
            if opened:
                yield m.group(5), no + 1, k - no + 1, test_depth is not None
        for ch in line:
            if ch == "{":
                depth += 1
                if pending_test and re.search(r"\bmod\s+\w+", line):
                    test_depth = depth
                    pending_test = False
            elif ch == "}":
                if test_depth is not None and depth == test_depth:
                    test_depth = None
                depth -= 1
        if pending_test and line.strip() and not line.strip().startswith("#") and "mod " not in line:
            pending_test = False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=120)
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--all", action="store_true", help="rank tests and examples too")
    args = ap.parse_args()
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.rs"],
        cwd=root, capture_output=True, text=True, check=True,
    ).stdout.split()
    found = []
    for rel in files:
        path = os.path.join(root, rel)
        if not os.path.exists(path):
            continue
        # Test code: test crates and folders, and `#[cfg(test)] mod tests;` files.
        is_test_file = (
            rel.startswith(TEST_PATHS)
            or any("/" + p in rel for p in TEST_PATHS)
            or os.path.basename(rel) == "tests.rs"
        )
        for name, line, length, in_test in functions(path):
            found.append((length, f"{rel}:{line}", name, is_test_file or in_test))
    found.sort(reverse=True)
    ranked = [f for f in found if args.all or not f[3]]
    for length, where, name, test in ranked[: args.top]:
        print(f"{length:5} {name:40} {where}{'  (test)' if test else ''}")
    over = [f for f in found if not f[3] and f[0] > args.limit]
    if over:
        print(f"fn-lengths: {len(over)} function(s) outside tests longer than {args.limit} lines",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
