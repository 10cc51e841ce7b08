class Stack(list):
    def __init__(self, items=()):
        super().__init__(items)
        self.pushes = 0
    def push(self, x):
        self.pushes += 1
        self.append(x)
s = Stack([3, 1, 2])
s.push(5)
s.sort()
print(s, s.pushes, len(s), s.index(5), s.count(1), s.pop(0), s)
print(type(s.copy()).__name__, s[1], s[-1], list(reversed(s)), 3 in s, sum(s))
class L(list): pass
l = L([1, 2]); l.extend(range(3)); print(l, isinstance(l, list), l == [1, 2, 0, 1, 2])
class D(dict):
    def __missing__(self, k):
        return k * 2
d = D(a=1)
print(d['a'], d['zz'], d.get('q'), 'q' in d, d, len(d))
class CI(dict):
    def __getitem__(self, k):
        return super().__getitem__(k[:2])
    def __setitem__(self, k, v):
        super().__setitem__(k[:2], v)
c = CI()
c['ABC'] = 1
print(c['ABx'], dict(c), list(c), list(c.items()), c.keys())
class Counter(dict):
    def __init__(self, it):
        super().__init__()
        for x in it:
            self[x] = self.get(x, 0) + 1
print(Counter('abracadabra'))
print(D.fromkeys('ab', 0), type(D.fromkeys('ab')).__name__, CI.fromkeys(['X', 'Y']))
class S(set): pass
ss = S([1, 2, 3]); ss.add(4); print(sorted(ss), type(ss | {5}).__name__, ss.issubset(range(10)))
ss |= {9}; print(type(ss).__name__, sorted(ss))
class F(frozenset): pass
f = F([1, 2]); print(sorted(f.union([3])), type(f.copy()).__name__)
d = {'x': 1, 'y': 2}
k, v, it = d.keys(), d.values(), d.items()
d['z'] = 3
del d['x']
print(k, v, it, len(k), list(it), 'z' in k, 3 in v, ('y', 2) in it)
print(k == {'y', 'z'}, {'y', 'z'} == k, k != {'y'}, k < {'y', 'z', 'w'}, it == {('y', 2), ('z', 3)})
print(sorted(k | {'a'}), sorted({'a'} | k), k & {'y'}, {'y', 'q'} & k, k - {'y'}, {'y', 'q'} - k, sorted(k ^ {'y', 'q'}))
print(type(k).__name__, type(v).__name__, type(it).__name__)
e = {}
print(e.keys(), e.values(), e.items())
for kk, vv in d.items():
    print(kk, vv)
print(dict(d.items()), sorted(set(d.keys())), list(d.values()))
nums = [5, 3, 8, 1]
nums.sort(reverse=True); print(nums)
words = ['bb', 'a', 'ccc', 'dd']
words.sort(key=len); print(words)
words.sort(key=len, reverse=True); print(words)
print((10).bit_length(), (-10).bit_count(), (1024).to_bytes(2, 'big'), int.from_bytes(b'\x04\x00', 'big'))
print((3.75).as_integer_ratio(), (0.1).hex(), float.fromhex('0x1.999999999999ap-4'), (5.0).is_integer())
print(range(10).index(4), range(0, 10, 3).count(9), True.bit_length(), (True).as_integer_ratio())
x = [1, 2, 3]
x.insert(-1, 9); x.insert(100, 7); x.insert(-100, 0); print(x)
x.remove(9); print(x, x.pop(), x.pop(-2), x)
x.clear(); print(x)
t = (1, 2, 1, 3)
print(t.count(1), t.index(3), t.index(1, 1))
dd = {1: 'a'}
print(dd.setdefault(2, 'b'), dd.setdefault(1, 'z'), dd, dd.pop(1), dd.pop(9, None), dd.popitem(), dd)
d3 = {}
d3.update([(1, 2)], x=5); d3.update({3: 4}); print(d3)
