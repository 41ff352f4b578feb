#!/usr/bin/env node
// Self-check for snippets/: expands every snippet body with its placeholder defaults and checks the result.
//
// - Compose (snippets/compose.json): the expansion, indented under `services:`, parses with `yaml` with no
//   errors or warnings, and the service keeps the hardening keys (read_only, cap_drop ALL, no-new-privileges,
//   a non-root user, loopback-only ports, limits, healthcheck, restart on-failure:5).
// - Dockerfile (snippets/dockerfile.json): the expansion parses with dockerfile-ast; line 1 is the
//   `# syntax=docker/dockerfile:1` directive; every FROM has an explicit, non-floating tag; no ADD; the last
//   stage has a USER that is not root; CMD / ENTRYPOINT / HEALTHCHECK CMD are JSON arrays; apt-get install
//   uses --no-install-recommends; no ARG/ENV name looks like a secret.
//
// Usage: node scripts/check-snippets.mjs    (exit 1 on any failure)

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const YAML = require('yaml');
const { DockerfileParser } = require('dockerfile-ast');

const failures = [];
const fail = (message) => failures.push(message);

function readJson(rel) {
  try {
    return JSON.parse(readFileSync(join(root, rel), 'utf8'));
  } catch (error) {
    fail(`${rel}: ${error.message}`);
    return {};
  }
}

/**
 * Expand a VS Code snippet body: `${n:default}` and `${n|a,b|}` give their default (the first choice),
 * `${n}` / `$n` repeat the default given elsewhere for n (or `x`), `$0` disappears, `\$ \} \\` unescape.
 */
function expand(body) {
  const text = Array.isArray(body) ? body.join('\n') : body;
  const defaults = new Map();
  for (const m of text.matchAll(/(?<!\\)\$\{(\d+):((?:\\.|[^}\\])*)\}/g)) if (!defaults.has(m[1])) defaults.set(m[1], m[2]);
  for (const m of text.matchAll(/(?<!\\)\$\{(\d+)\|([^,|]*)/g)) if (!defaults.has(m[1])) defaults.set(m[1], m[2]);
  const value = (n) => (n === '0' ? '' : (defaults.get(n) ?? 'x'));
  return text
    .replace(/(?<!\\)\$\{(\d+):(?:\\.|[^}\\])*\}/g, (_, n) => value(n))
    .replace(/(?<!\\)\$\{(\d+)\|[^}]*\|\}/g, (_, n) => value(n))
    .replace(/(?<!\\)\$\{(\d+)\}/g, (_, n) => value(n))
    .replace(/(?<!\\)\$(\d+)/g, (_, n) => value(n))
    .replace(/\\([$}\\])/g, '$1');
}

function checkShape(file, snippets) {
  for (const [name, snippet] of Object.entries(snippets)) {
    if (typeof snippet.prefix !== 'string' || !snippet.prefix.startsWith('cg-')) fail(`${file} "${name}": prefix must start with cg-`);
    if (!Array.isArray(snippet.body) || snippet.body.length === 0) fail(`${file} "${name}": body must be a non-empty array of lines`);
    if (typeof snippet.description !== 'string') fail(`${file} "${name}": missing description`);
    const text = (snippet.body ?? []).join('\n');
    if (/\t/.test(text)) fail(`${file} "${name}": use spaces, not tabs`);
    if (/(?<!\\)\$(?![{\d])/.test(text)) fail(`${file} "${name}": unescaped $ (write \\$ for a literal dollar)`);
  }
}

// ---- Compose -------------------------------------------------------------------------------------

const FLOATING = /^(latest|stable|edge|nightly|dev|beta|canary|lts|current|rolling|mainline)(-|$)/i;
const SECRET_NAME = /(^|[_.-])(password|passwd|pwd|pass|passphrase|secret|secrets|token|apikey|api_key|key|credentials?|creds)($|[_.-])/i;

function checkCompose(name, body) {
  const label = `compose.json "${name}"`;
  const expanded = expand(body);
  const text = `services:\n${expanded.split('\n').map((l) => (l ? `  ${l}` : l)).join('\n')}\n`;
  const doc = YAML.parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  for (const problem of [...doc.errors, ...doc.warnings]) fail(`${label}: YAML ${problem.code}: ${problem.message.split('\n')[0]}`);
  if (doc.errors.length) return;
  const services = doc.toJS({ maxAliasCount: 0 })?.services ?? {};
  const entries = Object.entries(services);
  if (entries.length !== 1) return fail(`${label}: expected exactly one service, got ${entries.length}`);
  const [, svc] = entries[0];
  const must = (ok, what) => { if (!ok) fail(`${label}: ${what}`); };
  const image = String(svc.image ?? '');
  const tag = /:([^/:@]+)$/.exec(image)?.[1];
  must(tag && !FLOATING.test(tag), `image needs an explicit non-floating tag (${image})`);
  must(svc.read_only === true, 'read_only: true');
  must(Array.isArray(svc.cap_drop) && svc.cap_drop.some((c) => /^(CAP_)?ALL$/i.test(c)), 'cap_drop: [ALL]');
  must(Array.isArray(svc.security_opt) && svc.security_opt.some((o) => /^no-new-privileges([:=]true)?$/.test(o)), 'security_opt: no-new-privileges:true');
  must(typeof svc.user === 'string' && !/^(root|0)(:|$)/.test(svc.user), 'user must be a non-root string');
  must(Array.isArray(svc.tmpfs) && svc.tmpfs.length > 0, 'tmpfs for /tmp (the root filesystem is read-only)');
  must(Array.isArray(svc.ports) && svc.ports.every((p) => String(p).startsWith('127.0.0.1:')), 'ports bound to 127.0.0.1');
  const limits = svc.deploy?.resources?.limits ?? {};
  must(limits.memory && limits.cpus && Number(limits.pids) > 0, 'deploy.resources.limits memory, cpus and pids');
  must(Array.isArray(svc.healthcheck?.test) && svc.healthcheck.test[0] !== 'NONE', 'healthcheck.test');
  must(svc.restart === 'on-failure:5', 'restart: on-failure:5');
  must(!svc.privileged && svc.network_mode !== 'host' && svc.pid !== 'host' && svc.ipc !== 'host', 'no host namespaces or privileged');
  for (const key of Object.keys(svc.environment ?? {})) must(!SECRET_NAME.test(key), `environment ${key} looks like a secret`);
}

// ---- Dockerfile ----------------------------------------------------------------------------------

function jsonArray(text) {
  try {
    const value = JSON.parse(text);
    return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string');
  } catch {
    return false;
  }
}

function checkDockerfile(name, body) {
  const label = `dockerfile.json "${name}"`;
  const text = expand(body);
  const must = (ok, what) => { if (!ok) fail(`${label}: ${what}`); };
  must(text.split('\n')[0] === '# syntax=docker/dockerfile:1', 'first line must be # syntax=docker/dockerfile:1');
  let dockerfile;
  try {
    dockerfile = DockerfileParser.parse(text);
  } catch (error) {
    return fail(`${label}: dockerfile-ast threw ${error.message}`);
  }
  const directive = dockerfile.getDirective();
  must(directive && directive.getName() === 'syntax', 'dockerfile-ast sees no syntax directive');

  const instructions = dockerfile.getInstructions();
  const froms = dockerfile.getFROMs();
  must(froms.length >= 2, 'expected a multi-stage build');
  const stages = new Set();
  for (const from of froms) {
    const image = from.getImageName();
    const isStage = image && stages.has(image.toLowerCase());
    if (!isStage && image !== 'scratch') {
      const tag = from.getImageTag();
      must(tag, `FROM ${from.getImage()} has no tag`);
      must(!tag || !FLOATING.test(tag), `FROM ${from.getImage()} uses a floating tag`);
      must(!/\$/.test(from.getImage() ?? ''), `FROM ${from.getImage()} depends on a variable`);
    }
    const stage = from.getBuildStage();
    if (stage) stages.add(stage.toLowerCase());
  }

  // The last stage: every instruction after the last FROM.
  const lastFrom = froms[froms.length - 1];
  const lastStage = instructions.filter((i) => i.getRange().start.line >= lastFrom.getRange().start.line);
  const users = lastStage.filter((i) => i.getKeyword() === 'USER');
  must(users.length > 0, 'the last stage has no USER');
  const user = users.length ? (users[users.length - 1].getArgumentsContent() ?? '').trim() : '';
  must(user && !/^(root|0)(:|$)/i.test(user), `the last stage runs as ${user || 'root'}`);

  for (const instruction of instructions) {
    const keyword = instruction.getKeyword();
    const args = instruction.getArgumentsContent() ?? '';
    const line = instruction.getRange().start.line + 1;
    if (keyword === 'ADD') fail(`${label}: line ${line}: ADD (use COPY)`);
    if (keyword === 'CMD' || keyword === 'ENTRYPOINT') {
      must(instruction.getOpeningBracket?.() && jsonArray(args), `line ${line}: ${keyword} must be exec form (a JSON array)`);
    }
    if (keyword === 'HEALTHCHECK') {
      const cmd = /(?:^|\s)CMD\s+(.*)$/s.exec(args);
      must(!cmd || jsonArray(cmd[1]), `line ${line}: HEALTHCHECK CMD must be exec form (a JSON array)`);
    }
    if (keyword === 'RUN' && /\bapt(-get)?\s+(?:\S+\s+)*install\b/.test(args)) {
      must(/--no-install-recommends/.test(args), `line ${line}: apt install without --no-install-recommends`);
    }
    if (keyword === 'ARG' || keyword === 'ENV') {
      for (const m of args.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_.-]*)(?==|\s|$)/g)) {
        must(!SECRET_NAME.test(m[1]), `line ${line}: ${keyword} ${m[1]} looks like a secret`);
      }
    }
    if (keyword === 'RUN' && /\bsudo\b|curl\s+[^|]*-k\b|--insecure|--no-check-certificate|--trusted-host/.test(args)) {
      fail(`${label}: line ${line}: insecure RUN (${args})`);
    }
  }
  const cmds = lastStage.filter((i) => i.getKeyword() === 'CMD' || i.getKeyword() === 'ENTRYPOINT');
  must(cmds.length > 0, 'the last stage has no CMD or ENTRYPOINT');
}

// ---- run -----------------------------------------------------------------------------------------

const compose = readJson('snippets/compose.json');
const dockerfile = readJson('snippets/dockerfile.json');
checkShape('compose.json', compose);
checkShape('dockerfile.json', dockerfile);

const wanted = { 'compose.json': ['cg-service'], 'dockerfile.json': ['cg-node', 'cg-python', 'cg-go'] };
for (const [file, snippets] of [['compose.json', compose], ['dockerfile.json', dockerfile]]) {
  const prefixes = Object.values(snippets).map((s) => s.prefix);
  for (const prefix of wanted[file]) if (!prefixes.includes(prefix)) fail(`${file}: no snippet with prefix ${prefix}`);
}
for (const [name, snippet] of Object.entries(compose)) checkCompose(name, snippet.body);
for (const [name, snippet] of Object.entries(dockerfile)) checkDockerfile(name, snippet.body);

if (failures.length) {
  console.error(`check-snippets: ${failures.length} failure(s)`);
  for (const message of failures) console.error(`  - ${message}`);
  process.exit(1);
}
console.log(`check-snippets: ok (${Object.keys(dockerfile).length} Dockerfile, ${Object.keys(compose).length} Compose)`);
