# Argument mistakes of math.isclose, itertools, heapq, copy, reversed, str() and
# re.sub replacements that are not str, worded as CPython 3.11.
import math, itertools, heapq, copy
import re
def t(f):
    try: print("ok", repr(f()))
    except Exception as e: print(type(e).__name__ + ":", e)
for a, k in [((1,), {}), ((), {'a': 1, 'b': 1}), ((1, 2), {'x': 1}), ((1, 2, 3), {}), ((1,), {'b': 1, 'a': 2}), ((), {}), ((1, 1.0000000001), {'rel_tol': 0})]:
    t(lambda: math.isclose(*a, **k))
t(lambda: list(itertools.starmap(pow, [5])))
t(lambda: list(itertools.starmap(pow, ['ab'])))
t(lambda: list(itertools.starmap(pow, [[2, 3]])))
t(lambda: itertools.zip_longest([1], x=2, fillvalue=3))
t(lambda: itertools.cycle())
t(lambda: itertools.cycle([1], [2]))
t(lambda: itertools.cycle(iterable=[1]))
t(lambda: reversed())
t(lambda: reversed([], x=1))
t(lambda: reversed(1, 2))
for f in ['heappush', 'heapreplace', 'heappushpop']:
    t(lambda: getattr(heapq, f)(5, 1))
for f in ['heappop', 'heapify']:
    t(lambda: getattr(heapq, f)(None))
t(lambda: copy.copy())
t(lambda: copy.deepcopy())
t(lambda: copy.deepcopy(x=[1]))
t(lambda: copy.copy(x=[1]))
for args in [('a', lambda m: 5, 'a'), ('a', lambda m: 5, 'xay'), ('a', lambda m: None, 'xay'), ('a', 1, 'a'), ('a', None, 'xa'), ('a', b'x', 'a'), ('a', lambda m: 5, 'xaya'),
             ('a', 1, 'zzz'), ('a', b'x', 'zzz'), ('a', b'x', 'zaz'), ('a', lambda m: 5, ''), ('a', lambda m: None, 'aaa'), ('a', lambda m: b'q', 'aa'), ('(a)', lambda m: m, 'a'),
             ('a', lambda m: 'b' if m.start() else None, 'aXa'), ('(a)', r'[\1]', 'xaya')]:
    t(lambda: re.sub(*args))
t(lambda: re.subn('a', lambda m: None, 'banana'))
for a in [(1, 2), (b'a', 2), (b'a', 'utf-8', 3), ('a', 'utf-8'), (1, 'utf-8'), (b'a', 'ascii')]:
    t(lambda: str(*a))
t(lambda: str(b'a', errors=5))
