#!/usr/bin/env node
// Tests the README's setups for other editors ("Using the server from other editors") as written: each
// editor runs headless with the README's config snippet (the server path put in), opens a Dockerfile,
// waits for CG-D060, applies "Replace ADD with COPY", runs fix-all on a second Dockerfile and sees a
// Compose diagnostic (drivers: nvim-driver.lua, eglot-driver.el); this script then checks the files on
// disk. An editor that is not installed is skipped with a line saying so (CI installs both: .ci/run).
// The server is dist/server.js, or the bundle named by CG_SERVER. Ends with "N passed, M failed".
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const server = path.resolve(process.env.CG_SERVER || path.join(repoRoot, 'dist', 'server.js'));
const placeholder = '/path/to/container-guard/dist/server.js';
const editorTimeoutMs = 25_000;

const dockerfile = 'FROM alpine:3.20\nADD app.tar.gz /srv/\nADD server.js /app/\nCMD node /app/server.js\n';
const expected = {
  // The quick fix changes exactly the one instruction.
  Dockerfile: 'FROM alpine:3.20\nADD app.tar.gz /srv/\nCOPY server.js /app/\nCMD node /app/server.js\n',
  // Fix-all applies the safe fixes: ADD → COPY (CG-D060) and the JSON form of CMD (CG-D073).
  'fixall/Dockerfile': 'FROM alpine:3.20\nADD app.tar.gz /srv/\nCOPY server.js /app/\nCMD ["node", "/app/server.js"]\n',
  'compose.yaml': 'services:\n  web:\n    image: nginx:1.27\n    privileged: true\n',
};

/** The README's fenced code block whose first line is `firstLine`. */
function readmeSnippet(firstLine) {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  for (const match of readme.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)) {
    if (match[1].startsWith(firstLine)) return match[1];
  }
  throw new Error(`README.md has no code block starting with "${firstLine}"`);
}

/** Whether `binary` is an executable on the PATH. */
function installed(binary) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir, binary), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** A fresh project folder and an empty home for the editor; both removed by the caller. */
function makeProject(base) {
  const project = path.join(base, 'project');
  fs.mkdirSync(path.join(project, 'fixall'), { recursive: true });
  fs.writeFileSync(path.join(project, 'Dockerfile'), dockerfile);
  fs.writeFileSync(path.join(project, 'fixall', 'Dockerfile'), dockerfile);
  fs.writeFileSync(path.join(project, 'compose.yaml'), expected['compose.yaml']);
  const home = path.join(base, 'home');
  fs.mkdirSync(home);
  return { project, home };
}

/** Runs the editor to its end (bounded); resolves with its exit code (null on timeout) and output. */
function runEditor(command, args, options) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), editorTimeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Differences between the files on disk and the expected texts, one line each. */
function checkFiles(project) {
  const problems = [];
  for (const [name, text] of Object.entries(expected)) {
    const actual = fs.readFileSync(path.join(project, name), 'utf8');
    if (actual !== text) problems.push(`${name} on disk is ${JSON.stringify(actual)}, expected ${JSON.stringify(text)}`);
  }
  return problems;
}

const editors = [
  {
    name: 'Neovim',
    binary: 'nvim',
    version: () => spawnSync('nvim', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0],
    async run(base, project, home) {
      const init = path.join(base, 'init.lua');
      fs.writeFileSync(init, readmeSnippet('-- Container Guard for Neovim 0.7 to 0.10').replaceAll(placeholder, server));
      // Its own XDG folders, so the LSP log and state files land in `home` and are removed with it.
      const xdg = Object.fromEntries(['CONFIG', 'DATA', 'STATE', 'CACHE'].map((kind) => [`XDG_${kind}_HOME`, path.join(home, kind.toLowerCase())]));
      return runEditor('nvim', ['--headless', '-u', init, '-i', 'NONE', '-n', 'Dockerfile', '-c', `luafile ${path.join(here, 'nvim-driver.lua')}`], {
        cwd: project,
        env: { ...process.env, HOME: home, ...xdg },
      });
    },
  },
  {
    name: 'Emacs eglot',
    binary: 'emacs',
    version: () => spawnSync('emacs', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0],
    async run(base, project, home) {
      const init = path.join(base, 'init.el');
      fs.writeFileSync(init, readmeSnippet(';; Container Guard with eglot').replaceAll(placeholder, server));
      return runEditor('emacs', ['--batch', '-Q', '-l', path.join(here, 'eglot-driver.el')], {
        cwd: project,
        env: { ...process.env, HOME: home, CG_EMACS_INIT: init },
      });
    },
  },
];

async function main() {
  if (!fs.existsSync(server)) {
    console.error(`no server at ${server}: run \`npm run build\` or set CG_SERVER`);
    process.exit(1);
  }
  let passed = 0;
  let failed = 0;
  for (const editor of editors) {
    if (!installed(editor.binary)) {
      console.log(`skipped: ${editor.binary} not installed (${editor.name})`);
      continue;
    }
    const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cg-editors-')));
    const started = Date.now();
    try {
      const { project, home } = makeProject(base);
      const { code, output } = await editor.run(base, project, home);
      const problems = code === 0 ? checkFiles(project) : [code === null ? `timed out after ${editorTimeoutMs / 1000} s` : `exited with ${code}`];
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (problems.length === 0) {
        passed++;
        console.log(`ok: ${editor.name} (${editor.version()}) in ${seconds} s`);
        // The driver's own lines; the editor's messages only when something failed.
        for (const line of output.split('\n').filter((line) => /^(nvim|emacs): /.test(line))) console.log(`  | ${line}`);
      } else {
        failed++;
        console.log(`FAILED: ${editor.name} (${editor.version()}) in ${seconds} s`);
        for (const problem of problems) console.log(`  ${problem}`);
        console.log(output.replace(/^/gm, '  | '));
      }
    } catch (error) {
      failed++;
      console.log(`FAILED: ${editor.name}: ${error instanceof Error ? error.message : error}`);
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

await main();
