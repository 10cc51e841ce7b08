# PEP 604 unions of types (int | None): class-body and dataclass annotations,
# isinstance/issubclass, repr, equality and the errors of non-type operands.
from dataclasses import dataclass, field
from typing import Optional
import datetime
def t(f):
    try: print("ok", repr(f()))
    except Exception as e: print(type(e).__name__ + ":", e)
class A:
    v: int | None = None
    w: "A | None" = None
print(A.v)
@dataclass
class B:
    x: int | None = None
    y: list[int] | None = None
    z: dict[str, float | int] = field(default_factory=dict)
print(B(), B(1, [2], {'a': 1.5}))
t(lambda: int | str)
t(lambda: int | None)
t(lambda: None | int)
t(lambda: int | str | float)
t(lambda: (int | str) | (str | bytes))
t(lambda: int | int)
t(lambda: datetime.date | None)
t(lambda: B | None)
t(lambda: isinstance(3, int | str))
t(lambda: isinstance(None, int | None))
t(lambda: isinstance('x', int | float))
t(lambda: issubclass(bool, int | str))
t(lambda: (int | str) == (str | int))
t(lambda: (int | str) == (int | float))
t(lambda: hash(int | str) == hash(str | int))
t(lambda: type(int | str).__name__)
t(lambda: int | 5)
t(lambda: 5 | int)
t(lambda: int | "str")
t(lambda: str(int | None))
t(lambda: f"{int | None}")
t(lambda: {int | str: 1})
t(lambda: (int | str).foo)
