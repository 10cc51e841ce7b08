# garter's side of bench/mcp_echo.sh: 1,000 `echo` calls in a plain loop.
# (1,000 is also the default per-run tool call budget.)
import time

t = time.perf_counter()
total = 0
for i in range(1000):
    total += len(echo(message=str(i)))
dt = time.perf_counter() - t
print(f"garter: 1000 calls in {dt:.3f} s = {1000 / dt:.0f} calls/s ({total} chars)")
