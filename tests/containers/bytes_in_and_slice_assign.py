# `in` on bytes and bytearray (byte values 0-255, bytes-like substrings), slice
# assignment of a non-iterable, enumerate without arguments: CPython's answers and words.
cases = [lambda: b"x" in bytearray(b"axb"), lambda: bytearray(b"x") in b"axb", lambda: True in b"\x01",
         lambda: 1.0 in b"x", lambda: 300 in bytearray(b"x"), lambda: 2**70 in b"x", lambda: 300 in b",",
         lambda: 44 in b",", lambda: -1 in b"x", lambda: "a" in b"x", lambda: 120 in bytearray(b"x"),
         lambda: bytearray(b"") in bytearray(b"q")]
for c in cases:
    try:
        print(c())
    except Exception as e:
        print(type(e).__name__, e)
cases = [lambda: enumerate(), lambda: enumerate([1], 2, 3)]
def sl():
    L = [1, 2]
    L[1:] = 5
def sl2():
    L = [1]
    L[0:1] = None
for c in cases + [sl, sl2]:
    try:
        print(c())
    except Exception as e:
        print(type(e).__name__, e)
def sl3():
    L = [1, 2, 3]
    L[::2] = 5
def sl4():
    L = [1, 2, 3]
    L[::1] = None
def sl5():
    L = [1, 2, 3]
    L[1:] = "ab"
    return L
for c in [sl3, sl4, sl5, lambda: list(enumerate(iterable="ab"))]:
    try:
        print(c())
    except Exception as e:
        print(type(e).__name__, e)
class I:
    def __index__(self):
        return 120
class B(bytes):
    pass
print(I() in b"x", I() in bytearray(b"y"), B(b"x") in b"axb", b"" in bytearray())
try:
    print(object() in b"x")
except TypeError as e:
    print(e)
for f in [lambda: b"x".find(2**70), lambda: b"x".count(-2**70), lambda: bytearray(b"x").append(2**70), lambda: bytearray(b"x").remove(2**70)]:
    try:
        f()
    except Exception as e:
        print(type(e).__name__, e)
