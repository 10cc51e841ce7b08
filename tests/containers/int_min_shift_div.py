# -2**63 is the one int whose abs() does not fit i64: the small-int fast paths of <<
# and / must not take it (it once shifted to 0, and panicked with debug assertions).
def f():
    x = -2**63
    y = 2
    print(x << 2, x << y, x << 1, x << 0, (x + 1) << 1, -1 << 63, -3 << 62)
    x <<= 2
    print(x)
    z = -2**63
    print(z / 3, z / -1, 3 / z, z / z, z // 3, z % 7)
f()
x = -2**63
print(x << 62, x / 2**53, x >> 1, x >> 64)
