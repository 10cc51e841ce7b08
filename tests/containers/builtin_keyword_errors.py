try:
    int(x=1)
    print('int(x=1)', 'OK')
except Exception as e:
    print('int(x=1)', '|', type(e).__name__, e)
try:
    int('1', base=2, foo=3)
    print("int('1', base=2, foo=3)", 'OK')
except Exception as e:
    print("int('1', base=2, foo=3)", '|', type(e).__name__, e)
try:
    int('1', 2, 3)
    print("int('1', 2, 3)", 'OK')
except Exception as e:
    print("int('1', 2, 3)", '|', type(e).__name__, e)
try:
    bool(x=1)
    print('bool(x=1)', 'OK')
except Exception as e:
    print('bool(x=1)', '|', type(e).__name__, e)
try:
    float(x=1)
    print('float(x=1)', 'OK')
except Exception as e:
    print('float(x=1)', '|', type(e).__name__, e)
try:
    str(foo=1)
    print('str(foo=1)', 'OK')
except Exception as e:
    print('str(foo=1)', '|', type(e).__name__, e)
try:
    bytes(foo=1)
    print('bytes(foo=1)', 'OK')
except Exception as e:
    print('bytes(foo=1)', '|', type(e).__name__, e)
try:
    tuple(foo=1)
    print('tuple(foo=1)', 'OK')
except Exception as e:
    print('tuple(foo=1)', '|', type(e).__name__, e)
try:
    list(foo=1)
    print('list(foo=1)', 'OK')
except Exception as e:
    print('list(foo=1)', '|', type(e).__name__, e)
try:
    set(foo=1)
    print('set(foo=1)', 'OK')
except Exception as e:
    print('set(foo=1)', '|', type(e).__name__, e)
try:
    frozenset(foo=1)
    print('frozenset(foo=1)', 'OK')
except Exception as e:
    print('frozenset(foo=1)', '|', type(e).__name__, e)
try:
    enumerate([], foo=1)
    print('enumerate([], foo=1)', 'OK')
except Exception as e:
    print('enumerate([], foo=1)', '|', type(e).__name__, e)
try:
    round(1, foo=1)
    print('round(1, foo=1)', 'OK')
except Exception as e:
    print('round(1, foo=1)', '|', type(e).__name__, e)
try:
    pow(2, 3, foo=1)
    print('pow(2, 3, foo=1)', 'OK')
except Exception as e:
    print('pow(2, 3, foo=1)', '|', type(e).__name__, e)
try:
    sum([], foo=1)
    print('sum([], foo=1)', 'OK')
except Exception as e:
    print('sum([], foo=1)', '|', type(e).__name__, e)
try:
    format(1, foo=1)
    print('format(1, foo=1)', 'OK')
except Exception as e:
    print('format(1, foo=1)', '|', type(e).__name__, e)
try:
    sorted([1], foo=1)
    print('sorted([1], foo=1)', 'OK')
except Exception as e:
    print('sorted([1], foo=1)', '|', type(e).__name__, e)
try:
    bytearray(foo=1)
    print('bytearray(foo=1)', 'OK')
except Exception as e:
    print('bytearray(foo=1)', '|', type(e).__name__, e)
try:
    str(b'a', encoding='ascii', foo=1)
    print("str(b'a', encoding='ascii', foo=1)", 'OK')
except Exception as e:
    print("str(b'a', encoding='ascii', foo=1)", '|', type(e).__name__, e)
try:
    round(number=1.5)
    print('round(number=1.5)', 'OK')
except Exception as e:
    print('round(number=1.5)', '|', type(e).__name__, e)
try:
    divmod(1, b=2)
    print('divmod(1, b=2)', 'OK')
except Exception as e:
    print('divmod(1, b=2)', '|', type(e).__name__, e)
try:
    min([1], foo=1)
    print('min([1], foo=1)', 'OK')
except Exception as e:
    print('min([1], foo=1)', '|', type(e).__name__, e)
try:
    max([1], foo=2)
    print('max([1], foo=2)', 'OK')
except Exception as e:
    print('max([1], foo=2)', '|', type(e).__name__, e)
try:
    int(1, base=10)
    print('int(1, base=10)', 'OK')
except Exception as e:
    print('int(1, base=10)', '|', type(e).__name__, e)
try:
    float(1, 2)
    print('float(1, 2)', 'OK')
except Exception as e:
    print('float(1, 2)', '|', type(e).__name__, e)
try:
    str(1, 2, 3, 4)
    print('str(1, 2, 3, 4)', 'OK')
except Exception as e:
    print('str(1, 2, 3, 4)', '|', type(e).__name__, e)
try:
    range(1, foo=2)
    print('range(1, foo=2)', 'OK')
except Exception as e:
    print('range(1, foo=2)', '|', type(e).__name__, e)
try:
    zip([], foo=1)
    print('zip([], foo=1)', 'OK')
except Exception as e:
    print('zip([], foo=1)', '|', type(e).__name__, e)
try:
    map(len, [], foo=1)
    print('map(len, [], foo=1)', 'OK')
except Exception as e:
    print('map(len, [], foo=1)', '|', type(e).__name__, e)
try:
    filter(None, [], foo=1)
    print('filter(None, [], foo=1)', 'OK')
except Exception as e:
    print('filter(None, [], foo=1)', '|', type(e).__name__, e)
try:
    reversed([], foo=1)
    print('reversed([], foo=1)', 'OK')
except Exception as e:
    print('reversed([], foo=1)', '|', type(e).__name__, e)
try:
    iter([], foo=1)
    print('iter([], foo=1)', 'OK')
except Exception as e:
    print('iter([], foo=1)', '|', type(e).__name__, e)
try:
    next(iter([1]), foo=1)
    print('next(iter([1]), foo=1)', 'OK')
except Exception as e:
    print('next(iter([1]), foo=1)', '|', type(e).__name__, e)
try:
    abs(x=1)
    print('abs(x=1)', 'OK')
except Exception as e:
    print('abs(x=1)', '|', type(e).__name__, e)
try:
    len(obj=1)
    print('len(obj=1)', 'OK')
except Exception as e:
    print('len(obj=1)', '|', type(e).__name__, e)
try:
    isinstance(1, int, foo=1)
    print('isinstance(1, int, foo=1)', 'OK')
except Exception as e:
    print('isinstance(1, int, foo=1)', '|', type(e).__name__, e)
try:
    getattr(1, 'a', foo=1)
    print("getattr(1, 'a', foo=1)", 'OK')
except Exception as e:
    print("getattr(1, 'a', foo=1)", '|', type(e).__name__, e)
try:
    dict(1, 2)
    print('dict(1, 2)', 'OK')
except Exception as e:
    print('dict(1, 2)', '|', type(e).__name__, e)
try:
    'a'.join([], foo=1)
    print("'a'.join([], foo=1)", 'OK')
except Exception as e:
    print("'a'.join([], foo=1)", '|', type(e).__name__, e)
try:
    'a'.split(foo=1)
    print("'a'.split(foo=1)", 'OK')
except Exception as e:
    print("'a'.split(foo=1)", '|', type(e).__name__, e)
try:
    [].index(1, foo=1)
    print('[].index(1, foo=1)', 'OK')
except Exception as e:
    print('[].index(1, foo=1)', '|', type(e).__name__, e)
try:
    {}.get(1, foo=1)
    print('{}.get(1, foo=1)', 'OK')
except Exception as e:
    print('{}.get(1, foo=1)', '|', type(e).__name__, e)
try:
    'a'.encode(foo=1)
    print("'a'.encode(foo=1)", 'OK')
except Exception as e:
    print("'a'.encode(foo=1)", '|', type(e).__name__, e)
try:
    'a'.replace('a', 'b', foo=1)
    print("'a'.replace('a', 'b', foo=1)", 'OK')
except Exception as e:
    print("'a'.replace('a', 'b', foo=1)", '|', type(e).__name__, e)
try:
    'a'.startswith('a', foo=1)
    print("'a'.startswith('a', foo=1)", 'OK')
except Exception as e:
    print("'a'.startswith('a', foo=1)", '|', type(e).__name__, e)
try:
    bool(1, 2)
    print('bool(1, 2)', 'OK')
except Exception as e:
    print('bool(1, 2)', '|', type(e).__name__, e)
try:
    tuple(1, 2)
    print('tuple(1, 2)', 'OK')
except Exception as e:
    print('tuple(1, 2)', '|', type(e).__name__, e)
try:
    list(1, 2)
    print('list(1, 2)', 'OK')
except Exception as e:
    print('list(1, 2)', '|', type(e).__name__, e)
try:
    set(1, 2)
    print('set(1, 2)', 'OK')
except Exception as e:
    print('set(1, 2)', '|', type(e).__name__, e)
try:
    frozenset(1, 2)
    print('frozenset(1, 2)', 'OK')
except Exception as e:
    print('frozenset(1, 2)', '|', type(e).__name__, e)
try:
    float(1, 2)
    print('float(1, 2)', 'OK')
except Exception as e:
    print('float(1, 2)', '|', type(e).__name__, e)
try:
    int(1, 2, 3)
    print('int(1, 2, 3)', 'OK')
except Exception as e:
    print('int(1, 2, 3)', '|', type(e).__name__, e)
try:
    str(1, 2, 3, 4)
    print('str(1, 2, 3, 4)', 'OK')
except Exception as e:
    print('str(1, 2, 3, 4)', '|', type(e).__name__, e)
try:
    bytes(1, 2, 3, 4)
    print('bytes(1, 2, 3, 4)', 'OK')
except Exception as e:
    print('bytes(1, 2, 3, 4)', '|', type(e).__name__, e)
try:
    round(1, 2, 3)
    print('round(1, 2, 3)', 'OK')
except Exception as e:
    print('round(1, 2, 3)', '|', type(e).__name__, e)
try:
    pow(1)
    print('pow(1)', 'OK')
except Exception as e:
    print('pow(1)', '|', type(e).__name__, e)
try:
    pow(1, 2, 3, 4)
    print('pow(1, 2, 3, 4)', 'OK')
except Exception as e:
    print('pow(1, 2, 3, 4)', '|', type(e).__name__, e)
try:
    sum()
    print('sum()', 'OK')
except Exception as e:
    print('sum()', '|', type(e).__name__, e)
try:
    sum(1, 2, 3)
    print('sum(1, 2, 3)', 'OK')
except Exception as e:
    print('sum(1, 2, 3)', '|', type(e).__name__, e)
try:
    enumerate()
    print('enumerate()', 'OK')
except Exception as e:
    print('enumerate()', '|', type(e).__name__, e)
try:
    enumerate(1, 2, 3)
    print('enumerate(1, 2, 3)', 'OK')
except Exception as e:
    print('enumerate(1, 2, 3)', '|', type(e).__name__, e)
try:
    bytearray(1, 2, 3, 4)
    print('bytearray(1, 2, 3, 4)', 'OK')
except Exception as e:
    print('bytearray(1, 2, 3, 4)', '|', type(e).__name__, e)
try:
    int(base=2)
    print('int(base=2)', 'OK')
except Exception as e:
    print('int(base=2)', '|', type(e).__name__, e)
try:
    str(encoding='x')
    print("str(encoding='x')", 'OK')
except Exception as e:
    print("str(encoding='x')", '|', type(e).__name__, e)
try:
    round()
    print('round()', 'OK')
except Exception as e:
    print('round()', '|', type(e).__name__, e)
try:
    format()
    print('format()', 'OK')
except Exception as e:
    print('format()', '|', type(e).__name__, e)
try:
    format(1, 2, 3)
    print('format(1, 2, 3)', 'OK')
except Exception as e:
    print('format(1, 2, 3)', '|', type(e).__name__, e)
try:
    divmod(1)
    print('divmod(1)', 'OK')
except Exception as e:
    print('divmod(1)', '|', type(e).__name__, e)
try:
    abs(1, foo=1)
    print('abs(1, foo=1)', 'OK')
except Exception as e:
    print('abs(1, foo=1)', '|', type(e).__name__, e)
try:
    all([], foo=1)
    print('all([], foo=1)', 'OK')
except Exception as e:
    print('all([], foo=1)', '|', type(e).__name__, e)
try:
    any([], foo=1)
    print('any([], foo=1)', 'OK')
except Exception as e:
    print('any([], foo=1)', '|', type(e).__name__, e)
try:
    ascii(1, foo=1)
    print('ascii(1, foo=1)', 'OK')
except Exception as e:
    print('ascii(1, foo=1)', '|', type(e).__name__, e)
try:
    bin(1, foo=1)
    print('bin(1, foo=1)', 'OK')
except Exception as e:
    print('bin(1, foo=1)', '|', type(e).__name__, e)
try:
    callable(1, foo=1)
    print('callable(1, foo=1)', 'OK')
except Exception as e:
    print('callable(1, foo=1)', '|', type(e).__name__, e)
try:
    chr(65, foo=1)
    print('chr(65, foo=1)', 'OK')
except Exception as e:
    print('chr(65, foo=1)', '|', type(e).__name__, e)
try:
    divmod(1, 2, foo=1)
    print('divmod(1, 2, foo=1)', 'OK')
except Exception as e:
    print('divmod(1, 2, foo=1)', '|', type(e).__name__, e)
try:
    hasattr(1, "a", foo=1)
    print('hasattr(1, "a", foo=1)', 'OK')
except Exception as e:
    print('hasattr(1, "a", foo=1)', '|', type(e).__name__, e)
try:
    hash(1, foo=1)
    print('hash(1, foo=1)', 'OK')
except Exception as e:
    print('hash(1, foo=1)', '|', type(e).__name__, e)
try:
    hex(1, foo=1)
    print('hex(1, foo=1)', 'OK')
except Exception as e:
    print('hex(1, foo=1)', '|', type(e).__name__, e)
try:
    id(1, foo=1)
    print('id(1, foo=1)', 'OK')
except Exception as e:
    print('id(1, foo=1)', '|', type(e).__name__, e)
try:
    isinstance(1, int, foo=1)
    print('isinstance(1, int, foo=1)', 'OK')
except Exception as e:
    print('isinstance(1, int, foo=1)', '|', type(e).__name__, e)
try:
    issubclass(int, int, foo=1)
    print('issubclass(int, int, foo=1)', 'OK')
except Exception as e:
    print('issubclass(int, int, foo=1)', '|', type(e).__name__, e)
try:
    iter([], foo=1)
    print('iter([], foo=1)', 'OK')
except Exception as e:
    print('iter([], foo=1)', '|', type(e).__name__, e)
try:
    len([], foo=1)
    print('len([], foo=1)', 'OK')
except Exception as e:
    print('len([], foo=1)', '|', type(e).__name__, e)
try:
    next(iter([1]), foo=1)
    print('next(iter([1]), foo=1)', 'OK')
except Exception as e:
    print('next(iter([1]), foo=1)', '|', type(e).__name__, e)
try:
    oct(1, foo=1)
    print('oct(1, foo=1)', 'OK')
except Exception as e:
    print('oct(1, foo=1)', '|', type(e).__name__, e)
try:
    ord("a", foo=1)
    print('ord("a", foo=1)', 'OK')
except Exception as e:
    print('ord("a", foo=1)', '|', type(e).__name__, e)
try:
    repr(1, foo=1)
    print('repr(1, foo=1)', 'OK')
except Exception as e:
    print('repr(1, foo=1)', '|', type(e).__name__, e)
try:
    setattr(1, "a", 2, foo=1)
    print('setattr(1, "a", 2, foo=1)', 'OK')
except Exception as e:
    print('setattr(1, "a", 2, foo=1)', '|', type(e).__name__, e)
try:
    dict(foo=1)
    print('dict(foo=1)', 'OK')
except Exception as e:
    print('dict(foo=1)', '|', type(e).__name__, e)
try:
    map(len, [], foo=1)
    print('map(len, [], foo=1)', 'OK')
except Exception as e:
    print('map(len, [], foo=1)', '|', type(e).__name__, e)
try:
    filter(None, [], foo=1)
    print('filter(None, [], foo=1)', 'OK')
except Exception as e:
    print('filter(None, [], foo=1)', '|', type(e).__name__, e)
try:
    reversed([], foo=1)
    print('reversed([], foo=1)', 'OK')
except Exception as e:
    print('reversed([], foo=1)', '|', type(e).__name__, e)
try:
    range(1, foo=1)
    print('range(1, foo=1)', 'OK')
except Exception as e:
    print('range(1, foo=1)', '|', type(e).__name__, e)
try:
    slice(1, foo=1)
    print('slice(1, foo=1)', 'OK')
except Exception as e:
    print('slice(1, foo=1)', '|', type(e).__name__, e)
try:
    type(1, foo=1)
    print('type(1, foo=1)', 'OK')
except Exception as e:
    print('type(1, foo=1)', '|', type(e).__name__, e)
try:
    object(foo=1)
    print('object(foo=1)', 'OK')
except Exception as e:
    print('object(foo=1)', '|', type(e).__name__, e)
try:
    super(foo=1)
    print('super(foo=1)', 'OK')
except Exception as e:
    print('super(foo=1)', '|', type(e).__name__, e)
try:
    max([1], foo=1)
    print('max([1], foo=1)', 'OK')
except Exception as e:
    print('max([1], foo=1)', '|', type(e).__name__, e)
try:
    min([1], foo=1)
    print('min([1], foo=1)', 'OK')
except Exception as e:
    print('min([1], foo=1)', '|', type(e).__name__, e)
try:
    print(foo=1)
    print('print(foo=1)', 'OK')
except Exception as e:
    print('print(foo=1)', '|', type(e).__name__, e)
try:
    format(1, foo=1)
    print('format(1, foo=1)', 'OK')
except Exception as e:
    print('format(1, foo=1)', '|', type(e).__name__, e)
try:
    property(foo=1)
    print('property(foo=1)', 'OK')
except Exception as e:
    print('property(foo=1)', '|', type(e).__name__, e)
try:
    staticmethod(len, foo=1)
    print('staticmethod(len, foo=1)', 'OK')
except Exception as e:
    print('staticmethod(len, foo=1)', '|', type(e).__name__, e)
try:
    classmethod(len, foo=1)
    print('classmethod(len, foo=1)', 'OK')
except Exception as e:
    print('classmethod(len, foo=1)', '|', type(e).__name__, e)
try:
except Exception as e:
try:
    Exception(foo=1)
    print('Exception(foo=1)', 'OK')
except Exception as e:
    print('Exception(foo=1)', '|', type(e).__name__, e)
try:
    ValueError("x", foo=1)
    print('ValueError("x", foo=1)', 'OK')
except Exception as e:
    print('ValueError("x", foo=1)', '|', type(e).__name__, e)
