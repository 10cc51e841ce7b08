#!/bin/sh
# Tool calls per second: a loop of 1,000 `echo` calls over streamable HTTP to
# @modelcontextprotocol/server-everything on loopback, garter vs the official
# Python client. The server runs with PATH only in its environment (its get-env
# tool returns the environment) and a preload that keeps it on 127.0.0.1.
#
# Usage: bench/mcp_echo.sh [SERVER_INDEX_JS]
#   GARTER  the garter binary (default target/debug/garter; a release build is faster)
#   PYTHON  a python with `mcp` installed (default /work/mcp-venv/bin/python)
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
index="${1:-${GARTER_SERVER_EVERYTHING:-$root/target/mcp-servers/node_modules/@modelcontextprotocol/server-everything/dist/index.js}}"
garter="${GARTER:-$root/target/debug/garter}"
python="${PYTHON:-/work/mcp-venv/bin/python}"
port="${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
env -i PATH="$PATH" PORT="$port" node --require "$here/loopback.cjs" "$index" streamableHttp >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT INT TERM
python3 -c "
import socket, time
for _ in range(200):
    try:
        socket.create_connection(('127.0.0.1', $port), 0.2).close(); break
    except OSError:
        time.sleep(0.1)
"
url="http://127.0.0.1:$port/mcp"
# CPU seconds of each client process (user + system) tell its own cost apart
# from the server's, and unlike wall time they hardly move on a loaded machine.
cpu() { what="$1"; shift; /usr/bin/time -f "  $what process: %e s wall, %U s user + %S s system CPU (connect and exit included)" "$@" 2>&1; }
env -i PATH="$PATH" python3 "$here/mcp_echo_raw.py" "$url" 1000
cpu garter env -i PATH="$PATH" "$garter" run --mcp "$url" "$here/mcp_echo_garter.py"
cpu python env -i PATH="$PATH" "$python" "$here/mcp_echo.py" "$url" 1000
