"""The official Python MCP client (`mcp` on PyPI) doing bench/mcp_echo.sh's loop:
1,000 `echo` calls over streamable HTTP, one at a time. Prints calls per second.

Usage: python mcp_echo.py URL [N]
"""

import asyncio
import sys
import time

from mcp import Client


async def main(url: str, n: int) -> None:
    async with Client(url) as client:
        t = time.perf_counter()
        total = 0
        for i in range(n):
            r = await client.call_tool("echo", {"message": str(i)})
            total += len(r.content[0].text)
        dt = time.perf_counter() - t
    print(f"python-mcp: {n} calls in {dt:.3f} s = {n / dt:.0f} calls/s ({total} chars)")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1000))
