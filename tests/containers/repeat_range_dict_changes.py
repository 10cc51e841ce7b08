def t(f):
    try: print(repr(f()))
    except Exception as e: print(type(e).__name__, e)
t(lambda: range(3)[2**70])
t(lambda: range(3)[-2**70])
t(lambda: 'ab' * 2**63)
t(lambda: 'ab' * -2**70)
t(lambda: [1] * 2**70)
t(lambda: (1,) * 2**64)
t(lambda: b'a' * 2**64)
t(lambda: 'ab' * 2**62)
t(lambda: b'ab' * 2**62)
t(lambda: bytearray(b'a') * 2**63)
def g():
    l = [1]; l *= 2**70
t(g)
def h():
    d = {1: 1, 2: 2}
    for k in d:
        del d[k]; d[k + 10] = 0
t(h)
def h2():
    d = {1: 1, 2: 2}
    out = []
    for k, v in d.items():
        out.append(k)
        d.pop(k); d[k + 10] = 0
    return out
t(h2)
def h3():
    d = {1: 1, 2: 2, 3: 3}
    for k in d:
        d[k] = 5
    return d
t(h3)
t(lambda: sorted([3,1], foo=1))
t(lambda: sorted(5, foo=1))
t(lambda: int(x=1))
t(lambda: int(base=2))
def h4():
    d = {1: 1, 2: 2}
    it = iter(d)
    next(it); next(it)
    del d[1]; d[3] = 3
    out = []
    for _ in range(2):
        try: out.append(next(it))
        except Exception as e: out.append(type(e).__name__ + ": " + str(e))
    return out
t(h4)
