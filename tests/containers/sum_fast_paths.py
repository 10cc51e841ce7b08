# sum() over lists and tuples walks them by index; every other iterable and every
# non-number goes the general way.
print(sum([1, 2, 3]), sum((1.5, 2.25)), sum([], 10), sum([1, 2.5, 3]), sum([2**62, 2**62, 1]))
print(sum([[1], [2]], []), sum(x for x in range(5)), sum(range(10), start=5))
class A:
    def __init__(self, v, l): self.v, self.l = v, l
    def __radd__(self, o):
        if len(self.l) < 5: self.l.append(A(1, self.l))
        return o + self.v
l = []
l.append(A(1, l))
print(sum(l), len(l))
try:
    sum(["a", "b"])
except TypeError as e:
    print(e)
try:
    sum([1, "b"])
except TypeError as e:
    print(e)
try:
    sum(["a"], "")
except TypeError as e:
    print(e)
print(sum([True, True, 1]), sum([0.1] * 10), sum((), 0.0))
