#!/usr/bin/env bash
# Compatibility check on Node 24 (the .nvmrc version; the machine runs 20): fetches Node 24 from the npm registry's
# `node` package, runs the database, API and library tests with it, then starts the built app and requests pages.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE24_DIR="${NODE24_DIR:-/tmp/verbatim-node24}"
if [ ! -x "$NODE24_DIR/node_modules/.bin/node" ]; then
  mkdir -p "$NODE24_DIR"
  (cd "$NODE24_DIR" && npm install --no-save --no-package-lock --silent node@24 >/dev/null)
fi
NODE24="$NODE24_DIR/node_modules/.bin/node"
echo "== Node $("$NODE24" --version): tests"
"$NODE24" node_modules/vitest/vitest.mjs run lib/accounts lib/api lib/crypto lib/storage lib/webhooks lib/settings lib/rooms

echo "== Node $("$NODE24" --version): npm start smoke test"
data="$(mktemp -d)"
# A port nothing listens on (the OS picks it), so the checks below can only reach this server.
port="$("$NODE24" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
# Its own process group, so the whole server (npm start's children included) stops together, and nothing else.
PATH="$(dirname "$NODE24"):$PATH" VERBATIM_DATA_DIR="$data" PORT=$port setsid "$NODE24" node_modules/tsx/dist/cli.mjs scripts/start.ts >"$data/server.log" 2>&1 &
pid=$!
cleanup() { set +e; kill -TERM -- "-$pid" 2>/dev/null; sleep 1; kill -KILL -- "-$pid" 2>/dev/null; rm -rf "$data"; return 0; }
trap cleanup EXIT
for _ in $(seq 1 200); do
  curl -sf -o /dev/null "http://127.0.0.1:$port/sign-in" && break
  kill -0 $pid 2>/dev/null || { cat "$data/server.log"; exit 1; }
  sleep 2
done
curl -sf "http://127.0.0.1:$port/setup" | grep -q "Set up Verbatim" || { echo "setup page did not render on Node 24"; cat "$data/server.log"; exit 1; }
curl -sf "http://127.0.0.1:$port/api/v1/openapi.json" | grep -q '"openapi"' || { echo "OpenAPI document missing on Node 24"; exit 1; }
echo "Node 24: app serves the setup page and the OpenAPI document"
exit 0
