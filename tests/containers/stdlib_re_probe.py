# Divergences found by probing re against CPython 3.11.
import re

def t(f):
    try:
        print("ok", repr(f()))
    except Exception as e:
        print(type(e).__name__ + ":", e)

# a callable repl's results are joined after the last match: None is skipped,
# a non-str fails as "sequence item N"
t(lambda: re.sub(r"\d", lambda m: 5, "a1"))
t(lambda: re.sub(r"\d", lambda m: 5, "1a"))
t(lambda: re.sub(r"\d", lambda m: None, "a1b2c"))
t(lambda: re.sub(r"\d", lambda m: None if m.group() == "1" else 7, "a1b2c"))
t(lambda: re.sub(r"\d", lambda m: print("call", m.group()) or 1, "a1b2"))
t(lambda: re.sub(r"x", lambda m: 1, "abc"))
t(lambda: re.subn(r"\d", lambda m: [], "12"))
t(lambda: re.sub(r"a", 1, "a"))
t(lambda: re.sub(r"a", 1, "zzz"))

# re.error built directly has msg/pattern/pos/lineno/colno
e = re.error("x")
print(e.msg, e.pattern, e.pos, e.lineno, e.colno, str(e), repr(e))
e = re.error("bad", "ab\ncd", 4)
print(e.msg, e.pattern, e.pos, e.lineno, e.colno, str(e))
e = re.error("bad", "abcd", 2)
print(str(e), e.args)
for p in ["a(", "(?P<n>a)(?P<n>b)", "a\n(", "[a"]:
    try:
        re.compile(p)
    except re.error as e:
        print(e.msg, e.pos, e.lineno, e.colno, str(e))
class MyErr(re.error):
    pass
t(lambda: MyErr("m", "p", 0).pos)
