# The fused instructions (ForIter with its store or unpacking, operations on a
# constant, two local loads): every fast path next to the case it must fall back on.
def f():
    try:
        print(a + b)
    except UnboundLocalError as e:
        print("E1", e)
    a = 1
    b = 2
def g():
    x = 1
    print(x, y if False else 0)
    try:
        print(x, z)
    except UnboundLocalError as e:
        print("E2", e)
    z = 3
f(); g()
it = iter([1, 2, 3])
for a, b in zip(it, "ab"):
    print(a, b)
print(list(it))
for a, b in zip([1, 2, 3], [4, 5]):
    print(a + b)
for i, c in enumerate("xyz", 2**62 + (2**62 - 2)):
    print(i, c)
d = {"a": 1, "b": 2}
for k, v in d.items():
    print(k, v)
try:
    for k, v in d.items():
        d["c"] = 3
except RuntimeError as e:
    print("E3", e)
try:
    for a, b, c in d.items():
        pass
except ValueError as e:
    print("E4", e)
try:
    for a, b in enumerate([1]):
        print(a, b)
    for a, b, c in enumerate([1]):
        pass
except ValueError as e:
    print("E5", e)
try:
    for a, b in zip([1, 2], [3], strict=True):
        print(a, b)
except ValueError as e:
    print("E6", e)
def gen():
    yield 1; yield 2
for a, b in zip(gen(), gen()):
    print(a, b)
for a, b in [(1, 2), [3, 4]]:
    print(a, b)
try:
    for a, b in [(1, 2, 3)]:
        pass
except ValueError as e:
    print("E7", e)
x = 5
x += 1
x -= 0.5
print(x, x * 2, x // 2, x % 3, x ** 2, [1, 2][1], {"k": 9}["k"], "abc"[-1])
try:
    x = None
    x + 1
except TypeError as e:
    print("E8", e)
try:
    [1][5]
except IndexError as e:
    print("E9", e)
print(3 < 5, 3 == 3.0, "a" < "b", None == 0)
l = [1]
l += [2]
print(l)
s = "a"
s += "b"
print(s)
for i in range(3):
    if i == 1:
        continue
    print(i)
else:
    print("done")
for i, (a, b) in enumerate([(1, 2), (3, 4)]):
    print(i, a, b)
print([k + str(v) for k, v in {"x": 1, "y": 2}.items()])
print({a: b for a, b in zip("ab", "cd")})
def h():
    q = [1, 2]
    for a, b in zip(q, q):
        q.append(3) if len(q) < 4 else None
        print(a, b)
h()
a, b = 1, 2
a, b = b, a
print(a, b)
x, y, z = 1, 2, 3
x, y, z = z, x, y
print(x, y, z)
l = [0, 0, 0]
l[0], l[1] = 5, 6
[p, q] = q2 = 1, 2
print(l, p, q, q2)
def f():
    i, j = 0, 1
    for _ in range(5):
        i, j = j, i + j
    return i, j
print(f())
class C: pass
c = C()
c.a, c.b = 1, [2]
print(c.a, c.b)
try:
    m, n = 1, undefined_name
except NameError as e:
    print(e, "m" in dir() if False else "ok")
try:
    u, v = 1, 2, 3
except ValueError as e:
    print(e)
d = {}
d["k"], d["j"] = d.get("k", 1), 2
print(d)
def tb():
    v = (1 +
         None)
tb()
