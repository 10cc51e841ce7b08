#!/usr/bin/env python3
"""Compares garter's syntax tree with CPython's `ast.parse` for Python files.

    cargo build --example astdump
    python3 tests/ast_vs_cpython.py FILE.py|DIR ...

Both sides are dumped flat in CPython's vocabulary and field order (see
src/syntax/dump.rs); the first difference of each mismatching file is shown.
"""
import ast, struct, subprocess, sys
from pathlib import Path

SKIP = {"ctx", "type_comment", "type_ignores", "kind", "is_async", "level"}

def dump(node, out):
    if isinstance(node, ast.expr_context):
        return
    if isinstance(node, ast.AST):
        if isinstance(node, ast.NamedExpr):
            out.append("NamedExpr"); dump(node.target, out); dump(node.value, out); return
        out.append(type(node).__name__)
        for f in node._fields:
            if f in SKIP:
                continue
            v = getattr(node, f, None)
            if f in ("id", "attr", "name", "arg", "asname", "module", "rest") and (v is None or isinstance(v, str)):
                out.append("None" if v is None else "id:" + v)
            elif f in ("names", "kwd_attrs") and isinstance(v, list) and all(isinstance(x, str) for x in v):
                out.append("["); out.extend("id:" + x for x in v); out.append("]")
            elif f == "conversion":
                out.append("i:%d" % v)
            elif f == "simple":
                out.append("i:%d" % v)
            elif f == "value" and isinstance(node, (ast.Constant, ast.MatchSingleton)):
                out.append(const(v))
            else:
                dump(v, out)
    elif isinstance(node, list):
        out.append("[")
        for x in node:
            dump(x, out)
        out.append("]")
    elif node is None:
        out.append("None")
    else:
        out.append(const(node))

def const(v):
    if v is None: return "None"
    if v is True: return "True"
    if v is False: return "False"
    if v is Ellipsis: return "Ellipsis"
    if isinstance(v, int): return "i:%d" % v
    if isinstance(v, float): return "f:" + struct.pack(">d", v).hex()
    if isinstance(v, str): return "s:" + v.encode("utf-8", "surrogatepass").hex()
    if isinstance(v, bytes): return "b:" + v.hex()
    return "?" + repr(v)

def main():
    root = Path(__file__).resolve().parent.parent
    binary = root / "target/debug/examples/astdump"
    files = []
    for a in sys.argv[1:]:
        p = Path(a)
        files.extend(sorted(p.rglob("*.py")) if p.is_dir() else [p])
    good = bad = skipped = 0
    for f in files:
        src = f.read_text(encoding="utf-8", errors="replace")
        try:
            tree = ast.parse(src)
        except (SyntaxError, ValueError):
            skipped += 1
            continue
        want = []
        dump(tree, want)
        got = subprocess.run([str(binary), str(f)], capture_output=True, text=True).stdout.split()
        if got == want:
            good += 1
            continue
        bad += 1
        i = next((k for k, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
        print(f"{f}: differs at token {i}\n  cpython: {' '.join(want[max(0, i - 8):i + 8])}\n  garter:  {' '.join(got[max(0, i - 8):i + 8])}")
    print(f"ast: {good} same, {bad} different, {skipped} not parsed by CPython")

if __name__ == "__main__":
    main()
