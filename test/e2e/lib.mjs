// Shared harness for the real-VS-Code tests: an isolated code-server (VS Code 1.100.3) per run,
// Debian chromium driven by playwright-core, polling helpers with cleared timers, screenshots.
// Used by e2e.mjs (UI clicks), ext-tests.mjs (mocha inside the extension host) and scripts/demo.sh.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const E2E_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(E2E_DIR, '..', '..');
export const EXAMPLES = path.join(REPO, 'examples');
export const CODE_SERVER = process.env.CODE_SERVER ?? path.join(E2E_DIR, 'node_modules', '.bin', 'code-server');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

const T0 = Date.now();
export const since = () => `${((Date.now() - T0) / 1000).toFixed(1)}s`;
export const log = (msg) => console.log(`[${since()}] ${msg}`);

/** The user settings every run starts with: no start page, trust prompts, telemetry, update or marketplace checks. */
export const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'files.autoSave': 'off',
  'editor.minimap.enabled': false,
  'chat.commandCenter.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  // run dirs live inside this git repo: no "open the repository in the parent folder?" toast, no git scanning
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
};

function stamp() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}-${process.pid}`;
}

/**
 * Fresh, isolated state for one run: `<base>/<name>-<timestamp>/` with code-server's user-data and
 * extensions dirs, XDG dirs (code-server and chromium write there instead of ~), a chromium profile,
 * a screenshot folder, and the workspace `examples/` = a copy of the repo's examples/ (tests never touch
 * the repo's own examples/).
 */
export function createRun(name, { base = path.join(E2E_DIR, '.runs'), settings = {}, examples = EXAMPLES } = {}) {
  fs.mkdirSync(base, { recursive: true });
  pruneRuns(base, name, Number(process.env.KEEP_RUNS ?? 5));
  const root = path.join(base, `${name}-${stamp()}`);
  const dirs = {};
  for (const d of ['data/User', 'ext', 'ws', 'chrome', 'shots', 'xdg-config', 'xdg-data']) {
    dirs[d] = path.join(root, d === 'ws' ? 'examples' : d);   // the workspace shows as "EXAMPLES" in the explorer
    fs.mkdirSync(dirs[d], { recursive: true });
  }
  if (examples) fs.cpSync(examples, dirs.ws, { recursive: true });
  fs.writeFileSync(path.join(dirs['data/User'], 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...settings }, null, 2));
  const env = { ...process.env, XDG_CONFIG_HOME: dirs['xdg-config'], XDG_DATA_HOME: dirs['xdg-data'] };
  const csArgs = ['--config', path.join(root, 'config.yaml'), '--user-data-dir', path.join(root, 'data'), '--extensions-dir', dirs.ext];
  return { name, root, dirs, ws: dirs.ws, shots: dirs.shots, env, csArgs };
}

/** Keeps only the newest `keep - 1` earlier runs named `name` (run dirs sort by their timestamp). */
function pruneRuns(base, name, keep) {
  const old = fs.readdirSync(base).filter((d) => d.startsWith(`${name}-`) && /^\d{8}-\d{6}-/.test(d.slice(name.length + 1))).sort();
  for (const d of old.slice(0, Math.max(0, old.length - (keep - 1)))) fs.rmSync(path.join(base, d), { recursive: true, force: true });
}

/** Installs a .vsix into the run's own extensions dir. */
export function installVsix(run, vsix) {
  if (!fs.existsSync(vsix)) throw new Error(`no vsix at ${vsix} (run: npm run build && npm run package)`);
  const out = execFileSync(CODE_SERVER, [...run.csArgs, '--install-extension', vsix], { env: run.env, encoding: 'utf8' });
  return out.trim();
}

/** Whether this code-server needs `--vscode-option enable-smoke-test-driver` for extension-test payloads (VS Code >= ~1.13x). */
export function smokeTestDriverArgs(run) {
  const help = execFileSync(CODE_SERVER, ['--config', '/dev/null', '--help'], { encoding: 'utf8', env: run.env });
  return help.includes('--vscode-option') ? ['--vscode-option', 'enable-smoke-test-driver'] : [];
}

/** Polls `fn` until it returns something other than undefined/false; throws after `timeout` ms. */
export async function poll(fn, { timeout = 30_000, interval = 100, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) { last = e; }
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? ` (last error: ${last.message})` : ''}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Promise.race with a timer that is always cleared (an uncleared one keeps Node alive). */
export async function withTimeout(promise, ms, what) {
  let timer;
  const t = new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`timed out after ${ms} ms: ${what}`)), ms); });
  try { return await Promise.race([promise, t]); } finally { clearTimeout(timer); }
}

/**
 * Starts code-server bound to 127.0.0.1:port with no auth, in its own process group, logging to
 * <run>/code-server.log; resolves once GET /healthz answers. `stop()` ends that process group only.
 */
export async function startCodeServer(run, { port, folder = run.ws, extraArgs = [], env = {}, timeout = 30_000 } = {}) {
  const logFile = path.join(run.root, 'code-server.log');
  if (await portAnswers(port)) throw new Error(`port ${port} is already in use (another run?): set PORT to a free port`);
  const out = fs.openSync(logFile, 'a');
  const args = [...run.csArgs, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry',
    '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened',
    ...extraArgs, ...(folder ? [folder] : [])];
  const proc = spawn(CODE_SERVER, args, { env: { ...run.env, ...env }, stdio: ['ignore', out, out], detached: true });
  fs.closeSync(out);
  const exited = new Promise((r) => proc.once('exit', (code, sig) => r({ code, sig })));
  let gone = false;
  exited.then(() => { gone = true; });
  const base = `http://127.0.0.1:${port}`;
  const started = Date.now();
  try {
    await poll(async () => {
      if (gone) throw Object.assign(new Error(`code-server exited early; see ${logFile}`), { fatal: true });
      const r = await fetch(`${base}/healthz`);
      return r.ok;
    }, { timeout, what: `${base}/healthz` });
  } catch (e) {
    await stopProcessGroup(proc, exited);
    throw new Error(`${e.message}\n--- ${logFile} (tail) ---\n${tail(logFile)}`);
  }
  return {
    proc, base, port, logFile, startedMs: Date.now() - started,
    url: (query = {}) => `${base}/?${new URLSearchParams({ ...(folder ? { folder } : {}), ...query })}`,
    stop: () => stopProcessGroup(proc, exited),
  };
}

/** Whether something already accepts connections on 127.0.0.1:port. */
export function portAnswers(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** SIGTERM to the group we started (by its id), SIGKILL after 5 s if it is still there. */
async function stopProcessGroup(proc, exited) {
  if (!proc?.pid || proc.exitCode !== null || proc.signalCode !== null) return;
  try { process.kill(-proc.pid, 'SIGTERM'); } catch { return; }
  let timer;
  const done = await Promise.race([exited.then(() => true), new Promise((r) => { timer = setTimeout(() => r(false), 5_000); })]);
  clearTimeout(timer);
  if (!done) { try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ } }
}

export function tail(file, lines = 30) {
  try { return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n'); } catch { return '(no log)'; }
}

/** Headless Debian chromium with the flags that work here; env keeps its Crash Reports out of ~/.config. */
export async function launchBrowser(run, { width = 1400, height = 900 } = {}) {
  const { chromium } = await import('playwright-core');
  return chromium.launchPersistentContext(run.dirs.chrome, {
    executablePath: CHROMIUM, headless: true, viewport: { width, height }, env: run.env,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** Waits (at most 2 s) for the page's finite CSS animations/transitions, e.g. a hover fading in. */
export async function animationsSettled(page) {
  await page.evaluate(() => {
    const finite = document.getAnimations().filter((a) => Number.isFinite(a.effect?.getComputedTiming().endTime ?? Infinity));
    return Promise.race([Promise.all(finite.map((a) => a.finished.catch(() => {}))), new Promise((r) => setTimeout(r, 2_000))]);
  }).catch(() => {});
}

/** Screenshot numbered in order, into <run>/shots/. Returns the path. */
export function screenshotter(run) {
  let n = 0;
  return async function shot(page, name) {
    const file = path.join(run.shots, `${String(++n).padStart(2, '0')}-${name}.png`);
    await animationsSettled(page);
    await page.screenshot({ path: file });
    console.log(`  screenshot ${file}`);
    return file;
  };
}

/** Named steps; a failing step is recorded, reported, and stops the run (later steps depend on it). */
export function stepper() {
  const results = [];
  async function step(name, fn) {
    const t = Date.now();
    try {
      await fn();
      results.push({ name, ok: true });
      console.log(`ok   ${name} (${((Date.now() - t) / 1000).toFixed(1)}s)`);
    } catch (e) {
      results.push({ name, ok: false, error: e });
      console.log(`FAIL ${name}\n  ${String(e.stack ?? e).split('\n').join('\n  ')}`);
      throw e;
    }
  }
  const summary = () => {
    const passed = results.filter((r) => r.ok).length;
    return { passed, failed: results.length - passed, line: `${passed} passed, ${results.length - passed} failed` };
  };
  return { step, results, summary };
}

/** Removes big, useless leftovers (chromium profile, xdg caches) from a run dir; keeps logs and screenshots. */
export function trimRun(run) {
  for (const d of ['chrome', 'xdg-data', 'xdg-config']) fs.rmSync(run.dirs[d], { recursive: true, force: true });
}
