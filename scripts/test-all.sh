#!/usr/bin/env bash
# All four test layers: engine unit tests, protocol tests against the built server, the extension
# suite inside a real VS Code extension host, and the end-to-end UI tests in a real VS Code.
# Expects `npm ci` at the repo root; installs the VS Code kit (test/e2e) on first use.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
step() { echo; echo "=== $*"; }

step "typecheck"
npx tsc --noEmit -p . || status=1
step "grammars and snippets"
node scripts/check-grammars.mjs && node scripts/check-snippets.mjs || status=1
step "build"
npm run -s build || exit 1
step "unit + protocol tests (node --test)"
rm -rf out && npx tsc -p tsconfig.test.json || exit 1
node --test out/test/unit/ out/test/protocol/ || status=1
step "other editors (Neovim, Emacs eglot)"
node test/editors/run.mjs || status=1
step "package"
npm run -s package || status=1
step "VS Code (code-server) kit"
bash test/e2e/install.sh || exit 1
step "extension suite inside the VS Code extension host"
node test/e2e/ext-tests.mjs || status=1
step "end-to-end UI tests in a real VS Code"
node test/e2e/e2e.mjs || status=1
echo
if [ "$status" -eq 0 ]; then echo "all test layers passed"; else echo "some test layer FAILED"; fi
exit $status
