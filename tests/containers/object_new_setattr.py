class P(tuple):
    def __new__(cls, x, y):
        return super().__new__(cls, (x, y))
    def __repr__(self): return f"P{tuple(self)}"
p = P(1, 2); print(p, p[0] + p[1], len(p), isinstance(p, tuple))
class Upper(str):
    def __new__(cls, s):
        return super().__new__(cls, s.upper())
u = Upper("abc"); print(u, u + "!", u.lower())
class Single:
    _inst = None
    def __new__(cls):
        if cls._inst is None:
            cls._inst = super().__new__(cls)
        return cls._inst
print(Single() is Single())
class Money(int):
    def __new__(cls, v): return int.__new__(cls, v * 100)
try: print(Money(3))
except Exception as e: print(type(e).__name__, e)
class Frozen:
    def __init__(self, x): object.__setattr__(self, "x", x)
    def __setattr__(self, k, v): raise AttributeError(f"frozen: {k}")
f = Frozen(3); print(f.x)
try: f.x = 4
except AttributeError as e: print(e)
class Logged:
    def __init__(self): self.a = 1
    def __setattr__(self, k, v):
        print("set", k, v)
        super().__setattr__(k, v)
    @property
    def b(self): return self._b
    @b.setter
    def b(self, v): print("prop", v); object.__setattr__(self, "_b", v)
l = Logged(); l.b = 5; print(l.a, l.b)
class NoArgs: pass
for f in [lambda: object.__new__(NoArgs, 1), lambda: object.__new__(1), lambda: object.__new__(int), lambda: NoArgs(1)]:
    try: print(f())
    except TypeError as e: print("TypeError", e)
class WithNew:
    def __new__(cls, *a): return super().__new__(cls, *a)
try: WithNew(1)
except TypeError as e: print("TypeError", e)
class E(Exception):
    def __new__(cls, *a):
        o = super().__new__(cls, *a); o.extra = 1; return o
e = E("m"); print(e, e.args, e.extra)
try: del l.b
except AttributeError as e: print(e)
