#!/bin/sh
# The conformance suite's client under test (`conformance client --command`): the
# suite appends its server URL and names the scenario in MCP_CONFORMANCE_SCENARIO;
# garter connects through its MCP module and runs the scenario's Python program.
# GARTER is the garter binary. Nothing here reaches beyond the suite's loopback server.
set -eu
url="$1"
dir="$(cd "$(dirname "$0")" && pwd)"
case "${MCP_CONFORMANCE_SCENARIO:-}" in
  initialize) prog="$dir/initialize.py" ;;
  tools_call) prog="$dir/tools_call.py" ;;
  sse-retry) prog="$dir/sse_retry.py" ;;
  elicitation-sep1034-client-defaults) prog="$dir/elicitation_defaults.py" ;;
  *) echo "unknown scenario: ${MCP_CONFORMANCE_SCENARIO:-}" >&2; exit 2 ;;
esac
exec "$GARTER" run --tool-timeout 20 --mcp "$url" "$prog"
