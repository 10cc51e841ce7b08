# Connecting is the scenario: initialize, then tools/list.
print("connected")
