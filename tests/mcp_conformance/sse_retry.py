# The server closes the call's stream; the answer comes after the reconnection.
print(test_reconnection())
