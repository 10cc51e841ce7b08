f(**kw, *a)
