// Runs the extension's mocha suite (test/extension/*.test.ts, bundled by `npm run build` into
// dist/test/suite.js) INSIDE code-server's Node extension host, through VS Code's own extension-test
// mechanism: the workbench URL's `payload` carries extensionDevelopmentPath + extensionTestsPath as
// vscode-remote:// URIs; when the suite's run() settles, the workbench calls
// window.codeAutomationExit(code), which Playwright exposes to us.
//
//   npm run build && node test/e2e/ext-tests.mjs [--ext <extension folder>] [--tests <suite.js>] [--grep <regex>]
// env: PORT (default 18082), EXT_TEST_TIMEOUT_MS (default 180000), VERBOSE=1 (all extension-host output),
//      CODE_SERVER, CHROMIUM. State (logs, results.json, workspace copy) goes to test/e2e/.runs/ext-tests-<time>/.
// A docker-registry on 127.0.0.1 runs for the pinning tests (test/e2e/registry.mjs): its address reaches the
// suite as CG_TEST_REGISTRY, and DOCKER_CONFIG is an empty folder so no real credentials are read.
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { REPO, createRun, startCodeServer, launchBrowser, smokeTestDriverArgs, withTimeout, log, trimRun } from './lib.mjs';
import { startRegistry } from './registry.mjs';

const arg = (name, def) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : def; };
const EXT = path.resolve(arg('--ext', REPO));
const TESTS = path.resolve(EXT, arg('--tests', 'dist/test/suite.js'));
const GREP = arg('--grep', process.env.CG_TEST_GREP ?? '');
const PORT = Number(process.env.PORT ?? 18082);
const TIMEOUT_MS = Number(process.env.EXT_TEST_TIMEOUT_MS ?? 180_000);

// Workbench noise that says nothing about the extension under test.
const NOISE = /Creating a socket|connection token|Service Worker|builtin extensions cache|ChatSessionStore|open-vsx\.org|vsda|marketplace|ENOTFOUND|Ignoring the error while validating workspace folder|\[perf\]/i;

async function main() {
  if (!fs.existsSync(TESTS)) throw new Error(`no test bundle at ${TESTS}: run \`npm run build\` first`);
  if (!fs.existsSync(path.join(EXT, 'package.json'))) throw new Error(`no extension at ${EXT}`);
  const run = createRun('ext-tests');
  const resultsFile = path.join(run.root, 'results.json');
  log(`state dir: ${run.root}`);

  let registry, cs, context, exitCode = 1;
  try {
    registry = await startRegistry(run);
    log(registry.registry ? `docker-registry listening on ${registry.host}` : `no registry: ${registry.env.CG_TEST_REGISTRY_MISSING}`);
    cs = await startCodeServer(run, {
      port: PORT,
      extraArgs: smokeTestDriverArgs(run),
      // code-server's env reaches the extension host (and the language server it starts): the suite writes
      // its results there and reads the grep and the registry's address.
      env: { CG_TEST_RESULTS: resultsFile, CG_TEST_GREP: GREP, CG_TEST_WORKSPACE: run.ws, ...registry.env },
    });
    log(`code-server listening on ${cs.base} (${cs.startedMs} ms)`);

    context = await launchBrowser(run);
    const page = context.pages()[0] ?? await context.newPage();
    let resolveExit;
    const exited = new Promise((r) => { resolveExit = r; });
    // The workbench mirrors the extension host's console (mocha's spec reporter) to codeAutomationLog.
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = util.format(...(Array.isArray(args) ? args : [args]));
      if (process.env.VERBOSE || !NOISE.test(line)) console.log(`[exthost ${type}] ${line}`);
    });
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));

    const authority = new URL(cs.base).host;   // code-server's remote authority = the host the page is served from
    const remote = (p) => `vscode-remote://${authority}${p}`;
    const payload = [['extensionDevelopmentPath', remote(EXT)], ['extensionTestsPath', remote(TESTS)]];
    await page.goto(cs.url({ payload: JSON.stringify(payload) }));
    log(`workbench loading; extension under test: ${EXT}; suite: ${TESTS}`);

    exitCode = await withTimeout(exited, TIMEOUT_MS, 'codeAutomationExit (the suite never finished)');
    log(`extension host exited with code ${exitCode}`);
    if (fs.existsSync(resultsFile)) {
      const r = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
      console.log('');
      for (const t of r.results) console.log(`${t.state === 'passed' ? 'ok  ' : 'FAIL'} ${t.title}${t.error ? `\n  ${t.error.split('\n').join('\n  ')}` : ''}`);
      const passed = r.results.filter((t) => t.state === 'passed').length;
      const failed = r.results.filter((t) => t.state === 'failed').length;
      console.log(`\n${passed} passed, ${failed} failed`);
      if (failed > 0 || passed === 0) exitCode = exitCode || 1;
    } else {
      console.log(`no results file from the suite (${resultsFile}); exit code ${exitCode} decides`);
      console.log(`0 passed, ${exitCode === 0 ? 0 : 1} failed`);
      exitCode = exitCode || 1;
    }
  } finally {
    await context?.close().catch(() => {});
    await cs?.stop();
    await registry?.stop();
    if (exitCode === 0) trimRun(run);
    log(`done; logs: ${run.root} (code-server.log, results.json, data/logs/)`);
  }
  return exitCode;
}

try {
  process.exitCode = await main();
} catch (e) {
  console.error(e?.stack ?? e);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
}
