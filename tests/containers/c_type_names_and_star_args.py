# Error messages name CPython's C types by module ('datetime.date'), builtin
# subclasses by their own name, and call star-arguments by the function.
import datetime, collections, re, decimal, functools

def t(f):
    try:
        print("ok", repr(f()))
    except Exception as e:
        print(type(e).__name__ + ":", e)

d = datetime.date(2020, 1, 1)
dt = datetime.datetime(2020, 1, 1)
td = datetime.timedelta(days=1)
t(lambda: d + 1)
t(lambda: d - dt)
t(lambda: td + 1)
t(lambda: td * 'a')
t(lambda: d.days)
t(lambda: dt.foo)
t(lambda: d < 5)
t(lambda: d < td)
t(lambda: d < dt)
t(lambda: dt >= d)
t(lambda: d == dt)
t(lambda: len(td))
t(lambda: d())
t(lambda: td / 0)
t(lambda: td / 0.0)
t(lambda: td % datetime.timedelta(0))
t(lambda: datetime.date.fromisoformat('2020-02-30'))
t(lambda: datetime.datetime.fromisoformat('2020-02-30T10:00'))
t(lambda: datetime.datetime.fromisoformat('2020-01-01T25:00'))
t(lambda: datetime.time.fromisoformat('25:00'))
t(lambda: datetime.date.fromisoformat('2020-1-1'))
t(lambda: collections.deque().foo)
t(lambda: collections.deque() - 1)
t(lambda: collections.defaultdict(int).foo)
t(lambda: collections.OrderedDict() < 1)
t(lambda: collections.Counter() < 'x')
t(lambda: collections.namedtuple('P', 'x')(1) < 'x')
t(lambda: re.compile('a').foo)
t(lambda: re.match('a', 'a')[5])
t(lambda: decimal.Decimal(1).foo)
t(lambda: functools.partial(int).foo)
class MyDate(datetime.date):
    pass
t(lambda: MyDate(2020, 1, 1).foo)
t(lambda: type(d).__name__)
t(lambda: repr(type(dt)))

def f(*a, **k):
    return a, k
class C:
    def m(self, *a):
        return a
t(lambda: [*5])
t(lambda: (*5,))
t(lambda: {*5})
t(lambda: f(*5))
t(lambda: f(*5, a=1))
t(lambda: print(*None))
t(lambda: f(**5))
t(lambda: f(**[1]))
t(lambda: {**5})
t(lambda: C().m(*1))
t(lambda: C.m(*5))
t(lambda: len(*3))
t(lambda: f(*[1], *2))
t(lambda: f(1, *5, 2))
t(lambda: f(**{'a': 1}, **{'a': 2}))
t(lambda: f(a=1, **{'a': 2}))
t(lambda: dict(**{'a': 1}, **3))
t(lambda: [].append(*5))
t(lambda: f(*(1, 2), **{'k': 3}))
