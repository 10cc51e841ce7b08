def f(a, b=1):
    if a:  # comment

        return [a,
                b]
    x = 1 + \
        2
    return x
