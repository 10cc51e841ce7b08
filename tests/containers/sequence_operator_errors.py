# Errors of sequence repetition and @ (plain and in place) and of bytes indexing, worded as CPython.
cases = [lambda: b'abc'[5], lambda: 'a' * 'b', lambda: b'x' * b'z', lambda: 'a' * [1], lambda: [1] * 'a',
         lambda: (1,) * 2.0, lambda: 2.0 * b'x', lambda: bytearray(b'x') * 'y', lambda: b'x'[-3],
         lambda: bytearray(b'x')[5], lambda: 'ab'[7], lambda: 'a' * None]
for c in cases:
    try:
        c()
    except Exception as e:
        print(type(e).__name__, e)
def inplace(a, b, op):
    try:
        if op == "@":
            a @= b
        elif op == "*":
            a *= b
        return a
    except TypeError as e:
        return f"TypeError {e}"
print(inplace(1, 1, "@"), inplace(1.5, 2, "@"), inplace("a", None, "*"), inplace(b"x", 1.5, "*"), inplace([1], "b", "*"))
for c in [lambda: 1 @ 1, lambda: None * "a", lambda: 3.5 * "a", lambda: "a" * 2.5]:
    try:
        c()
    except TypeError as e:
        print(e)
