"""A floor for bench/mcp_echo.sh: the same 1,000 `echo` calls as bare HTTP POSTs
over one keep-alive connection (stdlib only, no MCP library), so the server's own
cost per call can be told apart from a client's.

Usage: python3 mcp_echo_raw.py URL [N]
"""

import http.client
import json
import sys
import time
import urllib.parse


def main(url: str, n: int) -> None:
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port)
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}

    def post(msg):
        conn.request("POST", u.path, json.dumps(msg), headers)
        r = conn.getresponse()
        body = r.read().decode()
        sid = r.getheader("mcp-session-id")
        for line in body.splitlines():
            if line.startswith("data: ") and line[6:].strip():
                return json.loads(line[6:]), sid
        return (json.loads(body) if body.strip().startswith("{") else None), sid

    init = {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "0"}}
    res, sid = post({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": init})
    headers["mcp-session-id"] = sid
    headers["mcp-protocol-version"] = res["result"]["protocolVersion"]
    post({"jsonrpc": "2.0", "method": "notifications/initialized"})
    t = time.perf_counter()
    total = 0
    for i in range(n):
        res, _ = post({"jsonrpc": "2.0", "id": i + 1, "method": "tools/call", "params": {"name": "echo", "arguments": {"message": str(i)}}})
        total += len(res["result"]["content"][0]["text"])
    dt = time.perf_counter() - t
    print(f"raw http: {n} calls in {dt:.3f} s = {n / dt:.0f} calls/s ({total} chars)")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1000)
