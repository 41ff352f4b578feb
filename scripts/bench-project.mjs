// Benchmark of Compose project analysis (issue 15, docs/projects.md): a compose.yaml with three services
// built from three build contexts (a Dockerfile each), a compose.override.yaml and a .env.
//   1. Engine: the time to re-analyze compose.yaml as part of its project (override merged, three
//      Dockerfiles read for CG-C065/CG-C113/CG-C107, the override analyzed for CG-C110) next to the same
//      text analyzed alone (no path: no project), over edited versions of the text; median and p95.
//   2. Protocol: both files open in the server; each edit of the override re-analyzes the base: the time
//      from the override's didChange to the base file's publish; median and p95.
// The engine and the server are bundled with esbuild into a temporary folder (dist/ is left alone).
//   node scripts/bench-project.mjs            (BENCH_EDITS sets the number of edits, default 100)
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-languageserver-protocol/node');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const edits = Number(process.env.BENCH_EDITS ?? 100);

async function build() {
  const esbuild = await import('esbuild');
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-bench-project-'));
  const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' };
  await Promise.all([
    esbuild.build({ ...common, entryPoints: ['server/src/engine/file-analysis.ts'], outfile: path.join(out, 'engine.js') }),
    esbuild.build({ ...common, entryPoints: ['server/src/server.ts'], outfile: path.join(out, 'server.js') }),
    esbuild.build({ ...common, entryPoints: ['server/src/lsp/analysis-worker.ts'], outfile: path.join(out, 'analysis-worker.js') }),
  ]);
  return out;
}

/** The project: three build contexts, an override, a .env. */
function project() {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cg-bench-project-files-')));
  const dockerfile = (name) =>
    [
      'FROM node:22-bookworm-slim AS build',
      'WORKDIR /src',
      'ARG NPM_TOKEN',
      'COPY package.json package-lock.json ./',
      'RUN npm ci',
      'COPY . .',
      'RUN npm run build',
      '',
      'FROM node:22-bookworm-slim',
      'ENV NODE_ENV=production',
      'WORKDIR /app',
      'RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates && rm -rf /var/lib/apt/lists/*',
      'COPY --from=build /src/dist ./dist',
      'COPY --from=build /src/node_modules ./node_modules',
      `EXPOSE ${name === 'api' ? 8080 : 3000}`,
      name === 'web' ? 'HEALTHCHECK CMD curl -f http://localhost:3000/ || exit 1' : '# no health check',
      name === 'worker' ? 'USER node' : '# runs as root',
      'CMD ["node", "dist/main.js"]',
      '',
    ].join('\n');
  const files = {
    '.env': 'TAG=1.27\nPUBLIC_PORT=8080\n',
    'web/Dockerfile': dockerfile('web'),
    'api/Dockerfile': dockerfile('api'),
    'worker/Dockerfile': dockerfile('worker'),
    'compose.yaml': [
      'x-hardening: &hardening',
      '  cap_drop: [ALL]',
      '  security_opt: [no-new-privileges:true]',
      '  read_only: true',
      '  pids_limit: 256',
      'services:',
      '  proxy:',
      '    image: nginx:${TAG}',
      '    <<: *hardening',
      '    ports: ["127.0.0.1:${PUBLIC_PORT}:80"]',
      '  web:',
      '    build: ./web',
      '    <<: *hardening',
      '  api:',
      '    build:',
      '      context: ./api',
      '      args:',
      '        NPM_TOKEN: ${NPM_TOKEN}',
      '    <<: *hardening',
      '    deploy: {resources: {limits: {memory: 512M, cpus: "1.0"}}}',
      '  worker:',
      '    build: {context: ./worker, target: ""}',
      '    <<: *hardening',
      '  db:',
      '    image: postgres:16',
      '    volumes: [db:/var/lib/postgresql/data]',
      'volumes:',
      '  db: {}',
      '',
    ].join('\n'),
    'compose.override.yaml': ['services:', '  web:', '    environment: [DEBUG=1]', '    ports: ["3000:3000"]', '  api:', '    cap_drop: !reset []', '  db:', '    ports: ["5432:5432"]', ''].join('\n'),
  };
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p95: at(0.95) };
}

const ms = (value) => `${value.toFixed(2)} ms`;

function engineBench(dist, dir) {
  const { analyzeFile } = require(path.join(dist, 'engine.js'));
  const file = path.join(dir, 'compose.yaml');
  const text = fs.readFileSync(file, 'utf8');
  const settings = { profile: 'baseline', summarize: null, rules: {}, maxFindings: 500, maxFileSize: 1024 * 1024 };
  const readText = (other) => {
    try {
      return fs.readFileSync(other, 'utf8');
    } catch {
      return undefined;
    }
  };
  const version = (i) => text.replace('pids_limit: 256', `pids_limit: ${256 + (i % 7)}`);
  const time = (analyze) => {
    for (let i = 0; i < 10; i++) analyze(version(i)); // warm-up
    const samples = [];
    for (let i = 0; i < edits; i++) {
      const started = performance.now();
      analyze(version(i));
      samples.push(performance.now() - started);
    }
    return stats(samples);
  };
  const alone = time((current) => analyzeFile({ path: undefined, kind: 'compose', settings, text: current }));
  const merged = time((current) => analyzeFile({ path: file, settings, root: dir, readText, text: current }));
  const findings = analyzeFile({ path: file, settings, root: dir, readText, text }).analysis.findings.map((finding) => finding.ruleId);
  return { alone, merged, findings };
}

async function protocolBench(dist, dir) {
  const child = spawn(process.execPath, [path.join(dist, 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiting = [];
  connection.onNotification('textDocument/publishDiagnostics', (params) => {
    for (const waiter of waiting.splice(0)) waiter(params);
  });
  connection.onRequest('workspace/configuration', (params) => params.items.map(() => null));
  connection.listen();
  const published = (uri) =>
    new Promise((resolve) => {
      const check = (params) => (params.uri === uri ? resolve(params) : waiting.push(check));
      waiting.push(check);
    });
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: { workspace: { configuration: true } } });
  await connection.sendNotification('initialized', {});
  const baseUri = pathToFileURL(path.join(dir, 'compose.yaml')).href;
  const overrideUri = pathToFileURL(path.join(dir, 'compose.override.yaml')).href;
  const open = async (uri, file) => {
    const done = published(uri);
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dockercompose', version: 1, text: fs.readFileSync(file, 'utf8') } });
    await done;
  };
  await open(baseUri, path.join(dir, 'compose.yaml'));
  await open(overrideUri, path.join(dir, 'compose.override.yaml'));
  const samples = [];
  for (let i = 0; i < edits; i++) {
    const done = published(baseUri);
    const started = performance.now();
    // Toggle a digit in the override's published port: every edit changes what the base receives.
    await connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: overrideUri, version: i + 2 },
      contentChanges: [{ range: { start: { line: 3, character: 15 }, end: { line: 3, character: 16 } }, text: String(i % 10) }],
    });
    await done;
    samples.push(performance.now() - started);
  }
  await connection.sendRequest('shutdown').catch(() => undefined);
  await connection.sendNotification('exit').catch(() => undefined);
  child.kill();
  return stats(samples);
}

const dist = await build();
const dir = project();
try {
  const engine = engineBench(dist, dir);
  const protocol = await protocolBench(dist, dir);
  console.log(`Compose project: compose.yaml + compose.override.yaml + .env + 3 build contexts, ${edits} edits`);
  console.log(`  engine, compose.yaml alone (no project):        median ${ms(engine.alone.median)}  p95 ${ms(engine.alone.p95)}`);
  console.log(`  engine, compose.yaml with its project:          median ${ms(engine.merged.median)}  p95 ${ms(engine.merged.p95)}`);
  console.log(`  protocol, override edited → base re-published: median ${ms(protocol.median)}  p95 ${ms(protocol.p95)}`);
  console.log(`  findings of compose.yaml: ${engine.findings.join(', ')}`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(dist, { recursive: true, force: true });
}
