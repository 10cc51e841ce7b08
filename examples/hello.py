# A small agent-style program: parse data, count, format a report.
import json
from collections import Counter

orders = json.loads('[{"item": "apple", "qty": 3}, {"item": "pear", "qty": 1}, {"item": "apple", "qty": 2}]')
totals = Counter()
for o in orders:
    totals[o["item"]] += o["qty"]
for item, qty in totals.most_common():
    print(f"{item:<8}{qty:>3}")
print("total:", sum(totals.values()))
