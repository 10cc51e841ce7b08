# str.format fields cut short: unterminated names (also ending in a multi-byte
# character, a fuzzer's find), conversions and specs.
def t(fmt, *a, **k):
    try:
        print(repr(fmt.format(*a, **k)))
    except Exception as e:
        print(repr(fmt), type(e).__name__, e)
for fmt in ['{é', '{} + {} = {é', '{0.é', '{x[é]é', '{0', '{0!', '{0!r', '{0!rx}', '{0:', '{0:{', '{:{}}', '{é}', '{0[}', '{!}', '{0:é>5}']:
    t(fmt, 'ab', 'cd', 'ef', x={'é': 1}, é='E')
