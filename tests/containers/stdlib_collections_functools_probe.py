# Divergences found by probing collections, functools, itertools, math,
# statistics and decimal against CPython 3.11.
import functools, itertools, math, statistics
from collections import Counter, namedtuple
from decimal import Decimal

def t(f):
    try:
        print("ok", repr(f()))
    except Exception as e:
        print(type(e).__name__ + ":", e)

# Counter rich comparisons (3.10+): missing elements count as zero
t(lambda: Counter(a=1) < Counter(a=2))
t(lambda: Counter(a=1) <= Counter(a=1, b=0))
t(lambda: Counter(a=2, b=1) > Counter(a=1))
t(lambda: Counter(a=1) >= Counter(b=1))
t(lambda: Counter(a=1) != Counter(a=1, b=0))
t(lambda: Counter("ab", "cd"))
t(lambda: Counter().update("a", "b", "c"))
t(lambda: Counter().subtract("a", "b"))

# namedtuple fields are read-only and the class has no __dict__
P = namedtuple("P", "x y")
p = P(1, 2)
t(lambda: setattr(p, "x", 5))
t(lambda: setattr(p, "z", 5))
t(lambda: delattr(p, "x"))
t(lambda: delattr(p, "z"))
class Q(P):
    pass
q = Q(1, 2)
q.z = 5
t(lambda: (q.z, q))
t(lambda: setattr(q, "y", 0))
class R(P):
    __slots__ = ()
t(lambda: setattr(R(1, 2), "z", 3))

# functools.cached_property
class A:
    def __init__(self, n):
        self.n = n
    @functools.cached_property
    def val(self):
        """the doc"""
        print("computing", self.n)
        return self.n * 2
a = A(3)
t(lambda: (a.val, a.val))
a.val = 10
t(lambda: a.val)
del a.val
t(lambda: a.val)
t(lambda: (type(A.val).__name__, A.val.attrname, A.val.__doc__, A.val.func.__name__))
t(lambda: functools.cached_property(lambda self: 1).__get__(A(1)))

t(lambda: list(itertools.zip_longest("ab", [1], fill=0)))
t(lambda: math.log())
t(lambda: math.log(1, 2, 3))

# statistics on Decimal data returns Decimals, as _convert and _decimal_sqrt_of_frac
D = [Decimal("1.1"), Decimal("2.2")]
for fn in ["mean", "stdev", "pstdev", "variance", "pvariance", "harmonic_mean", "median"]:
    t(lambda: getattr(statistics, fn)(D))
t(lambda: statistics.stdev([Decimal(1), Decimal(2), Decimal(4)]))
t(lambda: statistics.pstdev([Decimal(5), Decimal(5)]))

# Decimal.next_plus / next_minus
for s in ["1", "0", "-0", "1.5", "9.999999999999999999999999999", "1E+999999", "-Infinity", "Infinity", "NaN"]:
    t(lambda: (Decimal(s).next_plus(), Decimal(s).next_minus()))
