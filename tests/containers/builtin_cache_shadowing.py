# LoadGlobal caches a builtin per slot after its first load: a global of the same name
# made or deleted later (module level, `global` in a function, mid-loop, while a
# generator is suspended) must win over the cache at once, as in CPython.
def f(): return len([1, 2])
print(f())
len = lambda x: 99
print(f())
del len
print(f())
def h(): return abs(-3), min(1, 2)
print(h())
def setabs():
    global abs
    abs = str
setabs()
print(h())
def delabs():
    global abs
    del abs
delabs()
print(h())
def k():
    global sorted
    for i in range(2):
        print(list(sorted([2, 1])))
        if i == 0:
            sorted = reversed
k()
try:
    del sorted
    del sorted
except NameError as e:
    print(e)
def m(): return nosuch
try: m()
except NameError as e: print(e)
nosuch = 5
print(m())
class C:
    print(len('ab'))
    len = 3
    print(len)
def gen():
    yield len('a')
    yield len('a')
g = gen()
print(next(g))
len = lambda x: 'shadow'
print(next(g))
del len
