print(add_numbers(2, 3))
