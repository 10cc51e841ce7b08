def t(f):
    try: print(repr(f()))
    except Exception as e: print(type(e).__name__, e)
ba = bytearray(b'ab')
t(lambda: ba * 3)
t(lambda: 2 * ba)
t(lambda: ba + b'c')
t(lambda: b'c' + ba)
t(lambda: ba + bytearray(b'x'))
t(lambda: ba + 'x')
t(lambda: ba == b'ab')
t(lambda: ba < b'b')
def f():
    x = bytearray(b'q'); x += b'rs'; x *= 2; return x
t(f)
t(lambda: b'ab' + bytearray(b'c'))
t(lambda: ba % 1)
