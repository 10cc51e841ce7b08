tests = {}
class B:
    def __init__(self): object.__setattr__(self, "x", 5)
try: print(B().x)
except Exception as e: print("B", type(e).__name__, e)
class C:
    def __new__(cls, *a):
        o = super().__new__(cls)
        o.made = True
        return o
    def __init__(self, v): self.v = v
    def __repr__(self): return "C!" + super().__repr__()[:10]
    def __eq__(self, o): return super().__eq__(o)
    def __hash__(self): return super().__hash__() * 0 + 7
    def __str__(self): return "s" + super().__str__()[:3]
    def __format__(self, spec): return super().__format__(spec)
for f in [lambda: C(1).made, lambda: repr(C(1)), lambda: C(1) == C(1), lambda: hash(C(1)), lambda: str(C(1)), lambda: format(C(1), ''), lambda: type(object.__new__(C)).__name__]:
    try: print(f())
    except Exception as e: print(type(e).__name__, e)
class D:
    def __getattr__(self, n): return n * 2
    def __delattr__(self, n): super().__delattr__(n)
d = D(); d.q = 1; del d.q; print(d.q)
