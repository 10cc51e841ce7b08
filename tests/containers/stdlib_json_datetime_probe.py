# Divergences found by probing json and datetime against CPython 3.11.
import json
from datetime import date, datetime, time, timedelta

def t(f):
    try:
        print("ok", repr(f()))
    except Exception as e:
        print(type(e).__name__ + ":", e)

# json.JSONDecodeError built directly fills msg/pos/lineno/colno; dumps names JSONEncoder
e = json.JSONDecodeError("m", "ab\ncd", 4)
print(repr(e), e.msg, e.pos, e.lineno, e.colno)
t(lambda: json.JSONDecodeError(msg="x", doc="abc", pos=2).colno)
t(lambda: json.dumps(1, bogus=1))

# fromisoformat: range errors, CPython's parser quirks
for f in (date.fromisoformat, datetime.fromisoformat, time.fromisoformat):
    for s in ["2024-02-30", "2024-13-01", "0000-01-01", "2024-02-28T25:00", "2024-02-28T23:59:60",
              "25:00", "2024-W53", "2020-W53", "2024W011", "2024-02-28T10", "2024-02-28T10:00+25:00",
              "20240230", "2024-02-30T00:00", "2024-02-28T10:00-00:00:00.5", "10:00:00.1234567",
              "2024-02-28T10:00:00.+05:00", "2024-02-28 10:00:00Z ", "2024-02"]:
        t(lambda: f(s))

# constructors and replace() word argument errors as PyArg_ParseTupleAndKeywords
t(lambda: date(2024))
t(lambda: datetime(2024, 1))
t(lambda: datetime(2024, 1, 1, bogus=5))
t(lambda: date(year=2024, month=1, day=1, x=2))
t(lambda: date(2024, month=1, day=2, year=3))
t(lambda: datetime(2024, 1, 1).replace(bogus=1))
t(lambda: datetime(2024, 1, 1).replace(2023, year=2022))
t(lambda: date(2024, 1, 1).replace(1, 2, 3, 4))
t(lambda: datetime(2024, 1, 1, 0, 0, 0, 0, None, 1))
t(lambda: time(1, fold=1))

# comparisons across datetime types
t(lambda: datetime(2024, 3, 1) < date(2024, 2, 1))
t(lambda: date(2024, 3, 1) >= datetime(2024, 2, 1))
t(lambda: datetime(2024, 3, 1) == date(2024, 3, 1))
t(lambda: timedelta(1) < date(2024, 1, 1))
t(lambda: time(1) > datetime(2024, 1, 1))
