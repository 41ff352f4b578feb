#!/usr/bin/env bash
# Try Container Guard in a real VS Code in your browser, in one command.
#
#   bash scripts/demo.sh            # then open the printed http://127.0.0.1:8080/?folder=... ; Ctrl+C stops it
#
# On a fresh Debian 12 machine with Node >= 20, as root, it sets everything up:
#   apt-get update; npm ci (repo root, skipped when node_modules is current); npm run build && npm run package;
#   bash test/e2e/install.sh (chromium, ripgrep, code-server 4.100.3 = VS Code 1.100.3, in test/e2e/);
# then installs container-guard.vsix into an isolated code-server whose state lives in $DEMO_DIR,
# copies examples/ into $DEMO_DIR/workspace, and serves it on 127.0.0.1:$PORT with no password.
#
# Env:
#   PORT=8080                         port to bind on 127.0.0.1
#   DEMO_DIR=/tmp/container-guard-demo   state + workspace; recreated on every start (your edits there are lost)
#   DEMO_NO_WAIT=1                    start, check /healthz, print the URL, stop again (a smoke test)
#   DEMO_SKIP_SETUP=1                 skip apt-get/npm ci/build/package/install.sh (use what is already built)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${PORT:-8080}"
DEMO_DIR="${DEMO_DIR:-/tmp/container-guard-demo}"
VSIX="$REPO/container-guard.vsix"
CODE_SERVER="$REPO/test/e2e/node_modules/.bin/code-server"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'demo.sh: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null || die "Node.js >= 20 is needed (e.g. from https://nodejs.org or NodeSource); none found"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
  || die "Node.js >= 20 is needed; found $(node --version)"
case "$DEMO_DIR" in /|"$REPO"|"$HOME") die "refusing DEMO_DIR=$DEMO_DIR (it is wiped on every start)";; esac

# ---- 1. set up ---------------------------------------------------------------------------------
cd "$REPO"
if [ -z "${DEMO_SKIP_SETUP:-}" ]; then
  if [ "$(id -u)" = 0 ]; then
    say "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
  else
    echo "(not root: skipping apt-get update; test/e2e/install.sh needs root if Debian packages are missing)"
  fi
  if [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
    say "npm ci: node_modules is current, skipped"
  else
    say "npm ci"
    npm ci --no-audit --no-fund
  fi
  say "npm run build && npm run package"
  npm run build
  npm run package
  say "bash test/e2e/install.sh (code-server + chromium for the tests; code-server also serves this demo)"
  bash test/e2e/install.sh
fi
[ -f "$VSIX" ] || die "no $VSIX (run without DEMO_SKIP_SETUP, or: npm run build && npm run package)"
[ -x "$CODE_SERVER" ] || die "no code-server at $CODE_SERVER (run: bash test/e2e/install.sh)"

# ---- 2. an isolated code-server with the extension and a copy of examples/ --------------------
if node -e 'const s=require("net").connect(+process.argv[1],"127.0.0.1");s.on("connect",()=>process.exit(0));s.on("error",()=>process.exit(1))' "$PORT"; then
  die "port $PORT on 127.0.0.1 is already in use: stop what runs there or set PORT=<free port>"
fi
say "fresh demo state in $DEMO_DIR"
rm -rf "$DEMO_DIR"
mkdir -p "$DEMO_DIR"/{data/User,extensions,xdg-config,xdg-data}
cp -R "$REPO/examples" "$DEMO_DIR/workspace"
# the same quiet user settings as the e2e runs (no welcome page, trust prompt, telemetry or update checks)
node --input-type=module -e '
  const { BASE_SETTINGS } = await import(process.argv[1]);
  (await import("node:fs")).writeFileSync(process.argv[2], JSON.stringify(BASE_SETTINGS, null, 2));
' "$REPO/test/e2e/lib.mjs" "$DEMO_DIR/data/User/settings.json"

export XDG_CONFIG_HOME="$DEMO_DIR/xdg-config" XDG_DATA_HOME="$DEMO_DIR/xdg-data"
cs_args=(--config "$DEMO_DIR/config.yaml" --user-data-dir "$DEMO_DIR/data" --extensions-dir "$DEMO_DIR/extensions")
say "installing $(basename "$VSIX")"
"$CODE_SERVER" "${cs_args[@]}" --install-extension "$VSIX"

say "starting code-server (VS Code $("$CODE_SERVER" --config /dev/null --version | awk '{print $NF; exit}')) on 127.0.0.1:$PORT"
"$CODE_SERVER" "${cs_args[@]}" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override --ignore-last-opened "$DEMO_DIR/workspace" \
  >"$DEMO_DIR/code-server.log" 2>&1 &
cs_pid=$!
stop() {
  if kill -0 "$cs_pid" 2>/dev/null; then
    kill "$cs_pid" 2>/dev/null || true
    wait "$cs_pid" 2>/dev/null || true
  fi
}
trap 'echo; say "stopping code-server"; stop; exit 0' INT TERM
trap stop EXIT

# wait for /healthz
node -e '
  const [port, pid] = process.argv.slice(1).map(Number), end = Date.now() + 30000;
  (async function poll() {
    try { process.kill(pid, 0); } catch { console.error("code-server exited; see its log"); process.exit(1); }
    try { const r = await fetch(`http://127.0.0.1:${port}/healthz`); if (r.ok) { console.log(`healthz: ${await r.text()}`); process.exit(0); } } catch {}
    if (Date.now() > end) { console.error("code-server did not answer /healthz within 30 s"); process.exit(1); }
    setTimeout(poll, 200);
  })();
' "$PORT" "$cs_pid" || { tail -20 "$DEMO_DIR/code-server.log" >&2; exit 1; }

url="http://127.0.0.1:$PORT/?folder=$DEMO_DIR/workspace"
cat <<EOF

  Container Guard demo is running. Open:

      $url

  Open Dockerfile or compose.yaml: findings appear as squiggles and in the Problems panel (Ctrl+Shift+M);
  put the caret on one and press Ctrl+. for its quick fixes. Log: $DEMO_DIR/code-server.log
  (On a remote machine, tunnel first: ssh -L $PORT:127.0.0.1:$PORT <host>.)

EOF

if [ -n "${DEMO_NO_WAIT:-}" ]; then
  # the workbench page itself must load too
  node -e 'fetch(process.argv[1]).then(async (r) => { const t = await r.text();
    if (!r.ok || !t.includes("workbench")) { console.error(`workbench page: HTTP ${r.status}`); process.exit(1); }
    console.log(`workbench page: HTTP ${r.status}, ${t.length} bytes`); }, (e) => { console.error(String(e)); process.exit(1); })' "$url"
  say "DEMO_NO_WAIT=1: stopping again"
  stop
  exit 0
fi
echo "Press Ctrl+C to stop."
wait "$cs_pid"
