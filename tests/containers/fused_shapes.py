# The shapes the fused instructions and the stack swap take (ForIter with unpacking over
# lists, subclasses, generators, zip, enumerate past i64, dict views; constants against
# objects with dunders, big ints and floats; `a, b = b, a` on cells, globals, class bodies,
# subscripts with side effects): each checked against CPython by a differential run.
def show(f):
    try:
        r = f()
        print(f.__name__, r)
    except Exception as e:
        print(f.__name__, type(e).__name__, e)
def keys_changed():
    d = {'a': 1, 'b': 2}
    out = []
    for k, v in d.items():
        out.append((k, v))
        del d[k]; d[k + 'x'] = v
    return out
def size_changed():
    d = {'a': 1}
    for k, v in d.items():
        d['b'] = 2
def list_grow():
    L = [(1, 2)]
    out = []
    for a, b in L:
        out.append(a)
        if len(L) < 4: L.append((a + 1, b))
    return out
class Sub(list): pass
def sub_list():
    return [a + b for a, b in Sub([(1, 2), (3, 4)])]
def sub_loop():
    out = []
    for a, b in Sub([(1, 2), (3, 4)]):
        out.append(a * b)
    return out
def big_tuples():
    out = []
    for a, b, c, d, e in [(1, 2, 3, 4, 5), [6, 7, 8, 9, 10]]:
        out.append(a + e)
    for a, *b, c in [(1, 2, 3, 4, 5), (1, 2)]:
        out.append((a, b, c))
    return out
def strs():
    return [(a, b) for a, b in ["ab", "cd"]] + [x for x, in ["e"]]
def gen_raises():
    def g():
        yield (1, 2)
        raise KeyError('boom')
    out = []
    for a, b in g():
        out.append(a)
    return out
class It:
    def __init__(self): self.n = 0
    def __iter__(self): return self
    def __next__(self):
        self.n += 1
        if self.n > 2: raise StopIteration
        return (self.n, -self.n)
def custom_iter():
    return [(a, b) for a, b in It()] + [a for a, b in zip(It(), It())]
def zip_fail():
    def g():
        yield 1
        raise ValueError('g failed')
    return [(a, b) for a, b in zip([1, 2, 3], g())]
def enum_big():
    return list(enumerate('abc', 2**63 - 2)) + [(i, c) for i, c in enumerate('ab', -2**63)]
def enum_loop_big():
    out = []
    for i, c in enumerate('abc', 2**63 - 2):
        out.append(i)
    return out
class B:
    def __bool__(self): raise ValueError('no bool')
class L:
    def __lt__(self, o): return B()
    def __eq__(self, o): return NotImplemented
    def __radd__(self, o): return ('radd', o)
    def __add__(self, o): return NotImplemented
    def __getitem__(self, i): return ('gi', i)
def cmp_obj():
    x = L()
    if x < 3:
        return 'yes'
    return 'no'
def cmp_eq_obj():
    x = L()
    return (x == 3, x != 3, 3 == x)
def add_obj():
    x = L()
    return 1 + x
def add_obj2():
    x = L()
    return x + 1
def getitem_obj():
    x = L()
    return x[0], x[-1], x['k'], x[1:2]
class DD(dict):
    def __missing__(self, k): return ('missing', k)
def missing():
    x = DD(a=1)
    return x['a'], x['b'], x[0]
def inplace_list():
    x = [1]
    x += (2,)
    x *= 2
    y = x
    y += 'ab'
    return x
def subscr_inplace():
    x = [1, 2]
    x[0] += 1
    x[-1] *= 3
    d = {'a': 1}
    d['a'] -= 5
    d['b'] += 1
def cell_swap():
    a, b = 1, 2
    def inner():
        nonlocal a, b
        a, b = b, a
    inner()
    a, b = b, a
    c = lambda: (a, b)
    a, b = b, a
    return c()
G1, G2 = 1, 2
def global_swap():
    global G1, G2
    G1, G2 = G2, G1
    return G1, G2
class CB:
    p, q = 1, 2
    p, q = q, p
def class_swap():
    return CB.p, CB.q
def gen_swap():
    def g():
        a, b = 1, 2
        yield a
        a, b = b, a
        yield a, b
    return list(g())
class SI:
    def __init__(self): self.log = []
    def __setitem__(self, k, v): self.log.append(('set', k, v))
    def __getitem__(self, k): self.log.append(('get', k)); return k
def order_swap():
    s = SI()
    s[0], s[1] = s[1], s[0]
    return s.log
class SA:
    def __setattr__(self, k, v): print('setattr', k, v); object.__setattr__(self, k, v)
def attr_swap():
    o = SA()
    o.a = 1; o.b = 2
    o.a, o.b = o.b, o.a
    return o.a, o.b
def swap_unbound():
    a = 1
    a, b = b, a
def swap_unbound2():
    b = 1
    a, b = b, a
    return a, b
def swap_star():
    a, b = 1, 2
    a, b = *(b, a),
    return a, b
def unbound_after_store():
    a = 1
    b = a + c
    c = 2
def loadfast_pair():
    x = 1
    del x
    y = 2
    return y + x
def while_cmp():
    i = 0
    while i < 10**20:
        i += 2**62
        if i > 2**63: break
    return i
def float_cmp():
    x = 2**53 + 1
    return (x == 2.0**53, x > 9007199254740992.0, x < float('inf'), x == float('nan'), 10**400 > 1e308)
def float_ops():
    x = 7
    return (x / 2, x // 2.0, x % -3, x ** -1, x ** 0.5, -x ** 2, x << 62, x >> 100, x * 1.0, (-7) // 2, (-7) % 2)
def big_ops():
    x = 2**63 - 1
    return (x + 1, x * 2, -x - 2, x // -1, x % 10**20, (-2**63) // -1, abs(-2**63), x ** 2)
def zero_div():
    x = 5
    return x // 0
def zero_mod_f():
    x = 5.0
    return x % 0
def str_mul():
    x = 'ab'
    return x * 3, x * -1, x * True, x + 'c'
def str_mul_big():
    x = 'ab'
    return x * 2**63
def tuple_idx():
    t = (1, 2, 3, 4)
    return t[0], t[-1], t[3], t[-4], (1,)[0]
def tuple_idx_bad():
    t = (1, 2, 3)
    return t[3]
def tuple_idx_neg():
    t = (1, 2, 3)
    return t[-4]
def str_idx_bad():
    return 'abc'[-4]
def list_idx_bool():
    x = [1, 2]
    return x[True], x[False], 'ab'[True]
def dict_key_err():
    x = {1: 2}
    return x[1.0], x[True], x[(1,)]
for f in [size_changed, list_grow, sub_list, sub_loop, big_tuples, strs, gen_raises, custom_iter, zip_fail,
          enum_big, enum_loop_big, cmp_obj, cmp_eq_obj, add_obj, add_obj2, getitem_obj, missing, inplace_list, subscr_inplace,
          cell_swap, global_swap, class_swap, gen_swap, order_swap, swap_unbound, swap_unbound2, swap_star,
          unbound_after_store, loadfast_pair, while_cmp, float_cmp, float_ops, big_ops, zero_div, zero_mod_f, str_mul,
          tuple_idx, tuple_idx_bad, tuple_idx_neg, str_idx_bad, list_idx_bool, dict_key_err]:
    show(f)
