# Divergences found by probing enum and dataclasses against CPython 3.11.
from dataclasses import dataclass, field, fields
from enum import Enum, Flag, IntEnum, IntFlag, StrEnum

def t(f):
    try:
        print("ok", repr(f()))
    except Exception as e:
        print(type(e).__name__ + ":", e)

# The functional API
A = Enum("A", "X, Y  Z")
t(lambda: (list(A), A.X, str(A.Y), A(3), A.__name__))
t(lambda: list(IntEnum("B", ["P", "Q"], start=0)))
t(lambda: IntEnum("B", ["P", "Q"]).Q + 1)
t(lambda: list(Flag("F", "R W X")))
t(lambda: list(Flag("F", "R W X", start=5)))
t(lambda: list(IntFlag("F", "R W X")))
t(lambda: list(StrEnum("S", "Ab Cd")))
t(lambda: list(Enum("P", [("a", 10), ("b", 20)])))
t(lambda: list(Enum("P", (("a", 10), ("b", 10)))))
t(lambda: Enum("P", {"a": 1}).a)
t(lambda: Enum("E", "a", bogus=1))
t(lambda: Enum("E", names="a b").b)
t(lambda: Enum("E", "a b", 3))
t(lambda: Enum("E", "a", type=int).a + 1)
t(lambda: A("X", "Y"))

# A member's __init__ receives the value's items, once
class Planet(Enum):
    EARTH = (5.97e24, 6.37e6)
    MARS = (6.42e23, 3.39e6)
    def __init__(self, mass, radius):
        self.mass = mass
        self.radius = radius
    @property
    def gravity(self):
        return 6.67e-11 * self.mass / self.radius ** 2
t(lambda: (Planet.EARTH.mass, round(Planet.MARS.gravity, 3), Planet.EARTH.value))
t(lambda: Planet((6.42e23, 3.39e6)))

# dataclass(kw_only=True) and field(kw_only=...)
@dataclass(kw_only=True)
class KO:
    a: int
    b: int = 2
t(lambda: KO(a=1))
t(lambda: KO(1))
t(lambda: KO())
@dataclass
class M:
    a: int
    b: int = field(default=0, kw_only=True)
    c: int = 5
t(lambda: M(1, 2))
t(lambda: M(1, 2, b=3))
@dataclass(kw_only=True)
class K2:
    x: int = 0
    y: int
t(lambda: K2(y=1))
@dataclass(kw_only=True)
class K3:
    x: int = field(kw_only=False)
t(lambda: K3(4))
@dataclass
class Sub(KO):
    z: int
t(lambda: Sub(3, a=1))
t(lambda: [(f.name, f.kw_only) for f in fields(Sub)])
