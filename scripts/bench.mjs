// Benchmark: edit → diagnostics turnaround over the real protocol while "typing", and cold start to
// first diagnostics. Uses the built server (`node dist/server.js --stdio`). Prints p50/p95/max in ms.
//   npm run bench            (builds first)
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-languageserver-protocol/node');

const keystrokes = Number(process.env.BENCH_KEYSTROKES ?? 400);

function startServer() {
  const child = spawn(process.execPath, ['dist/server.js', '--stdio'], { stdio: 'pipe' });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiters = new Map();
  connection.onNotification('textDocument/publishDiagnostics', (params) => {
    const key = `${params.uri}@${params.version}`;
    waiters.get(key)?.(params);
    waiters.delete(key);
  });
  connection.onRequest('workspace/configuration', (params) => params.items.map(() => null));
  connection.onRequest('client/registerCapability', () => null);
  connection.listen();
  const published = (uri, version) => new Promise((resolve) => waiters.set(`${uri}@${version}`, resolve));
  return { child, connection, published };
}

async function initialize(server) {
  await server.connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } } });
  await server.connection.sendNotification('initialized', {});
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] };
}

function dockerfile10k() {
  let text = '# syntax=docker/dockerfile:1\nARG NODE_VERSION=22.12.0\nFROM node:${NODE_VERSION}-bookworm-slim AS deps\nWORKDIR /app\n';
  let i = 0;
  while (text.length < 10 * 1024) {
    text += `RUN apt-get update && apt-get install -y --no-install-recommends pkg${i}=1.${i}.0 \\\n    && rm -rf /var/lib/apt/lists/*\n`;
    text += `COPY src/module${i}/ ./src/module${i}/\n`;
    if (i % 10 === 9) text += `\nFROM deps AS stage${i}\nADD extra${i}.txt /opt/\n`;
    i++;
  }
  return text + '\nFROM node:22.12.0-bookworm-slim\nCOPY --from=deps /app /app\nEXPOSE 3000\nCMD node /app/server.js\n';
}

function compose2000() {
  let text = 'x-common: &common\n  restart: unless-stopped\n  logging:\n    driver: json-file\n\nservices:\n';
  let i = 0;
  while (text.split('\n').length < 2000) {
    text += `  svc${i}:\n    <<: *common\n    image: registry.example.com/team/svc${i}:1.${i}.0\n    ports:\n      - "${8000 + i}:80"\n    environment:\n      LOG_LEVEL: info\n      INDEX: "${i}"\n    volumes:\n      - ./data/svc${i}:/data\n    cap_drop:\n      - ALL\n`;
    i++;
  }
  return text;
}

/** Types `keystrokes` characters, one didChange each, waiting for the diagnostics of every version. */
async function typing(server, uri, languageId, text, line, character) {
  await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  await server.published(uri, 1);
  const word = '# typing a comment line ';
  const samples = [];
  for (let k = 0; k < keystrokes; k++) {
    const version = k + 2;
    const ch = word[k % word.length];
    const position = { line, character: character + k };
    const done = server.published(uri, version);
    const started = performance.now();
    await server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: position, end: position }, text: ch }],
    });
    await done;
    samples.push(performance.now() - started);
  }
  return stats(samples);
}

async function coldStart(uri, languageId, text) {
  const started = performance.now();
  const server = startServer();
  await initialize(server);
  const done = server.published(uri, 1);
  await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  await done;
  const elapsed = performance.now() - started;
  server.child.kill();
  return elapsed;
}

const dockerText = dockerfile10k();
const composeText = compose2000();
const coldDockerfile = [];
for (let run = 0; run < 5; run++) coldDockerfile.push(await coldStart('file:///bench/Dockerfile', 'dockerfile', dockerText));

const server = startServer();
await initialize(server);
const dockerfileLine = dockerText.split('\n').length - 1;
const dockerTyping = await typing(server, 'file:///bench/Dockerfile', 'dockerfile', dockerText, dockerfileLine, 0);
const composeLine = 1000;
const composeTyping = await typing(server, 'file:///bench/compose.yaml', 'dockercompose', composeText, composeLine, 0);
server.child.kill();

const result = {
  date: new Date().toISOString(),
  node: process.version,
  keystrokes,
  dockerfileBytes: dockerText.length,
  composeLines: composeText.split('\n').length,
  coldStartToFirstDiagnosticsMs: stats(coldDockerfile),
  dockerfileTypingMs: dockerTyping,
  composeTypingMs: composeTyping,
};
const fmt = (s) => `p50 ${s.p50.toFixed(2)} ms, p95 ${s.p95.toFixed(2)} ms, max ${s.max.toFixed(2)} ms (n=${s.n})`;
console.log(`Dockerfile ${result.dockerfileBytes} bytes, typing edit→diagnostics: ${fmt(dockerTyping)}`);
console.log(`compose.yaml ${result.composeLines} lines, typing edit→diagnostics: ${fmt(composeTyping)}`);
console.log(`cold start → first diagnostics (10 KB Dockerfile): ${fmt(result.coldStartToFirstDiagnosticsMs)}`);
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/latest.json', JSON.stringify(result, null, 2) + '\n');
process.exit(0);
