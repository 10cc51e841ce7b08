# str methods that take keywords count them with the positionals, as CPython does.
for f in [lambda: "a,b".split(",", 1, x=2), lambda: "a".split(x=2), lambda: "a".split(",", maxsplit=1, x=2),
          lambda: "a".encode("ascii", "strict", errors=1), lambda: "a".splitlines(keepends=True, x=1),
          lambda: "a".split(sep=",", maxsplit=1, x=2), lambda: "x".encode(encoding="ascii", errors="strict", z=1),
          lambda: "a".split(",", sep=",")]:
    try:
        f()
    except TypeError as e:
        print(e)
