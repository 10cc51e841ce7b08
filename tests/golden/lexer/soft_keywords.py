match command:
    case [x, *rest] if x:
        match = 1
    case {"k": v}:
        pass
print(match, case)
