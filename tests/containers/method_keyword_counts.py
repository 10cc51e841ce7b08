# str methods that take keywords count them with the positionals, as CPython does.
for f in [lambda: "a,b".split(",", 1, x=2), lambda: "a".split(x=2), lambda: "a".split(",", maxsplit=1, x=2),
          lambda: "a".encode("ascii", "strict", errors=1), lambda: "a".splitlines(keepends=True, x=1),
          lambda: "a".split(sep=",", maxsplit=1, x=2), lambda: "x".encode(encoding="ascii", errors="strict", z=1),
          lambda: "a".split(",", sep=",")]:
    try:
        f()
    except TypeError as e:
        print(e)
for f in [lambda: "abc".find("b", start=0), lambda: "abc".count("b", end=1), lambda: b"abc".startswith(b"a", start=0),
          lambda: bytearray(b"abc").index(b"b", x=1), lambda: str.rfind("abc", "b", start=1)]:
    try:
        f()
    except TypeError as e:
        print(e)
