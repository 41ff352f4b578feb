// Compose projects (catalogue §4.7–§4.9, docs/projects.md): which files make the project of a Compose file,
// how they merge (compose-spec merge rules, `!reset`/`!override`, `extends`, `include:`), `.env`
// interpolation (secret-looking values never used), the bounds (cycles, missing files, limits), absence rules
// on the merged service, CG-C110 (a risk added by another file), and the Compose ↔ Dockerfile link
// (CG-C065, CG-C113, CG-C107). Every project is a temporary folder, removed after the suite.
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { parseDotEnv } from '../../server/src/engine/compose/dotenv';
import { parseCompose } from '../../server/src/engine/compose/model';
import { ComposeProject, PROJECT_LIMITS } from '../../server/src/engine/compose/project-files';
import { ABSENCE_RULE_IDS } from '../../server/src/engine/compose/project-findings';
import { plain, type Plain } from '../../server/src/engine/compose/project-merge';
import { allRules } from '../../server/src/engine/engine';
import { analyzeFile } from '../../server/src/engine/file-analysis';
import { defaultSettings, type EngineSettings } from '../../server/src/engine/settings';
import { applyEdits } from '../../server/src/engine/text';
import type { Diagnosed } from '../../server/src/engine/types';
import { lines, range, unsummarized } from './kit';

const temporary: string[] = [];
after(() => {
  for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder with these files; removed after the suite. */
function tree(files: Record<string, string>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cg-project-')));
  temporary.push(root);
  for (const [name, text] of Object.entries(files)) {
    const full = path.join(root, name);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, text);
  }
  return root;
}

const readDisk = (file: string) => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

function projectOf(root: string, name: string): ComposeProject {
  const file = path.join(root, name);
  return new ComposeProject(file, fs.readFileSync(file, 'utf8'), readDisk);
}

/** The analysis of a file of the folder, as the CLI and the editor run it (the per-file entry point). */
function analyzed(root: string, name: string, settings: Partial<EngineSettings> = {}) {
  const file = path.join(root, name);
  return analyzeFile({ path: file, settings: { ...unsummarized, ...settings }, root, text: fs.readFileSync(file, 'utf8') })!.analysis;
}

/** `CG-C020@4` for each finding: rule and 0-based line. */
const at = (findings: Diagnosed[]) => findings.map((finding) => `${finding.ruleId}@${finding.range.start.line}`);
const only = (findings: Diagnosed[], ruleId: string) => findings.filter((finding) => finding.ruleId === ruleId);

/** Maps as objects, for deepEqual. */
function object(value: Plain): unknown {
  if (value instanceof Map) return Object.fromEntries([...value].map(([key, inner]) => [key, object(inner)]));
  if (Array.isArray(value)) return value.map(object);
  return value;
}

function mergedService(root: string, name: string, service: string): unknown {
  const merged = projectOf(root, name).services().get(service);
  assert.ok(merged, `service ${service} is in the merged project`);
  return object(plain(merged.value));
}

const HARDENED = ['    cap_drop: [ALL]', '    security_opt: [no-new-privileges:true]', '    read_only: true', '    mem_limit: 512m', '    cpus: 0.5', '    pids_limit: 100'];

describe('which files make the project', () => {
  test('compose.yaml with compose.override.yaml beside it, in that order, from either file', () => {
    const root = tree({ 'compose.yaml': 'services: {}\n', 'compose.override.yaml': 'services: {}\n' });
    const names = (project: ComposeProject) => project.files.map((file) => path.basename(file.path));
    assert.deepEqual(names(projectOf(root, 'compose.yaml')), ['compose.yaml', 'compose.override.yaml']);
    assert.deepEqual(names(projectOf(root, 'compose.override.yaml')), ['compose.yaml', 'compose.override.yaml']);
  });

  test('docker-compose.yml with docker-compose.override.yml; the first base name and the first override name win', () => {
    const root = tree({ 'docker-compose.yml': 'services: {}\n', 'docker-compose.override.yml': 'services: {}\n' });
    assert.deepEqual(projectOf(root, 'docker-compose.yml').files.map((file) => path.basename(file.path)), ['docker-compose.yml', 'docker-compose.override.yml']);
    // Compose reads compose.yaml before docker-compose.yml: the second base name is a project of its own.
    const both = tree({ 'compose.yaml': 'services: {}\n', 'docker-compose.yml': 'services: {}\n', 'compose.override.yaml': 'services: {}\n' });
    assert.deepEqual(projectOf(both, 'docker-compose.yml').files.map((file) => path.basename(file.path)), ['docker-compose.yml']);
    assert.deepEqual(projectOf(both, 'compose.yaml').files.map((file) => path.basename(file.path)), ['compose.yaml', 'compose.override.yaml']);
  });

  test('another name is a project of its own; an override without a base too', () => {
    const root = tree({ 'compose.yaml': 'services: {}\n', 'compose.prod.yaml': 'services: {}\n', 'lonely/compose.override.yaml': 'services: {}\n' });
    assert.deepEqual(projectOf(root, 'compose.prod.yaml').files.map((file) => path.basename(file.path)), ['compose.prod.yaml']);
    assert.deepEqual(projectOf(root, 'lonely/compose.override.yaml').files.map((file) => path.basename(file.path)), ['compose.override.yaml']);
  });

  test('COMPOSE_FILE in .env lists the files (and a file it does not list is alone)', () => {
    const root = tree({
      '.env': 'COMPOSE_FILE=compose.yaml:compose.prod.yaml\n',
      'compose.yaml': 'services: {}\n',
      'compose.prod.yaml': 'services: {}\n',
      'compose.override.yaml': 'services: {}\n',
    });
    assert.deepEqual(projectOf(root, 'compose.prod.yaml').files.map((file) => path.basename(file.path)), ['compose.yaml', 'compose.prod.yaml']);
    assert.deepEqual(projectOf(root, 'compose.override.yaml').files.map((file) => path.basename(file.path)), ['compose.override.yaml']);
  });

  test('every file looked for is recorded, found or not (a new override re-analyzes the base)', () => {
    const root = tree({ 'compose.yaml': 'services: {}\n' });
    const read = projectOf(root, 'compose.yaml').read;
    assert.ok(read.has(path.join(root, 'compose.override.yaml')));
    assert.ok(read.has(path.join(root, '.env')));
  });
});

describe('merge rules (compose-spec, compose-go override/)', () => {
  const base = lines(
    'services:',
    '  web:',
    '    image: nginx',
    '    command: ["a", "b"]',
    '    cap_drop: [ALL, NET_RAW]',
    '    environment:',
    '      A: "1"',
    '      B: "2"',
    '    ports: ["8080:80"]',
    '    volumes: ["./a:/data", "/srv:/srv"]',
    '    healthcheck: {test: ["CMD", "a"], interval: 10s}',
    '    logging: {driver: json-file, options: {max-size: 10m}}',
    '    ulimits: {nofile: {soft: 1, hard: 2}, nproc: 10}',
    '    build: ./x',
    '    x-note: {a: 1}',
    '    deploy: {resources: {limits: {memory: 1G}}}',
    '    read_only: true',
    '    dns: [1.1.1.1]',
  );

  test('mappings merge, scalars and commands are replaced, unique lists merge by value and target', () => {
    const root = tree({
      'compose.yaml': base,
      'compose.override.yaml': lines(
        'services:',
        '  web:',
        '    command: ["c"]',
        '    cap_drop: [NET_RAW, SYS_ADMIN]',
        '    environment: ["B=3", "C=4"]',
        '    ports: ["9090:90", "8080:80"]',
        '    volumes: ["./b:/data"]',
        '    healthcheck: {test: ["CMD", "b"]}',
        '    logging: {options: {max-file: "3"}}',
        '    ulimits: {nofile: {soft: 5}}',
        '    build: {target: prod}',
        '    x-note: {b: 2}',
        '    deploy: {replicas: 2, resources: {limits: {cpus: "0.5"}}}',
        '    dns: [8.8.8.8]',
      ),
    });
    assert.deepEqual(mergedService(root, 'compose.override.yaml', 'web'), {
      image: 'nginx',
      command: ['c'],
      cap_drop: ['ALL', 'NET_RAW', 'SYS_ADMIN'],
      environment: { A: '1', B: '3', C: '4' },
      ports: ['8080:80', '9090:90'],
      volumes: ['./b:/data', '/srv:/srv'],
      healthcheck: { test: ['CMD', 'b'], interval: '10s' },
      logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } },
      ulimits: { nofile: { soft: 5, hard: 2 }, nproc: 10 },
      build: { context: path.join(root, 'x'), target: 'prod' },
      'x-note': { b: 2 },
      deploy: { resources: { limits: { memory: '1G', cpus: '0.5' } }, replicas: 2 },
      read_only: true,
      dns: ['1.1.1.1', '8.8.8.8'],
    });
  });

  test('!reset removes a value whatever it says, !override replaces it whole, another logging driver replaces the options', () => {
    const root = tree({
      'compose.yaml': base,
      'compose.override.yaml': lines(
        'services:',
        '  web:',
        '    cap_drop: !reset []',
        '    read_only: !reset true',
        '    environment:',
        '      A: !reset null',
        '    ports: !override ["9090:90"]',
        '    logging: {driver: local}',
        '    deploy: !override {replicas: 1}',
        '    user: !reset "0"',
      ),
    });
    const web = mergedService(root, 'compose.yaml', 'web') as Record<string, unknown>;
    assert.equal(web.cap_drop, undefined);
    assert.equal(web.read_only, undefined);
    assert.equal(web.user, undefined, 'a !reset of a key nobody set removes nothing and adds nothing');
    assert.deepEqual(web.environment, { B: '2' });
    assert.deepEqual(web.ports, ['9090:90']);
    assert.deepEqual(web.logging, { driver: 'local' });
    assert.deepEqual(web.deploy, { replicas: 1 });
  });

  test('a service written in the override only joins the project; networks as a list and a mapping merge by name', () => {
    const root = tree({
      'compose.yaml': lines('services:', '  web:', '    image: nginx', '    networks: [front]'),
      'compose.override.yaml': lines('services:', '  web:', '    networks:', '      back: {aliases: [w]}', '  debug:', '    image: busybox'),
    });
    const project = projectOf(root, 'compose.yaml');
    assert.deepEqual(object(plain(project.services().get('web')!.value)), { image: 'nginx', networks: { front: null, back: { aliases: ['w'] } } });
    assert.equal(path.basename(project.services().get('debug')!.home.path), 'compose.override.yaml');
    assert.equal(path.basename(project.services().get('web')!.home.path), 'compose.yaml');
  });

  test('extends: another file, a chain, and the same file; the extending service wins, paths stay relative to their file', () => {
    const root = tree({
      'compose.yaml': lines(
        'services:',
        '  web:',
        '    extends: {file: lib/base.yaml, service: app}',
        '    image: nginx:1.27',
        '  worker:',
        '    extends: web',
        '    command: ["work"]',
      ),
      'lib/base.yaml': lines('services:', '  app:', '    extends: {file: ../common.yaml, service: hardened}', '    build: ./app', '    image: old'),
      'common.yaml': lines('services:', '  hardened:', '    cap_drop: [ALL]', '    read_only: true'),
    });
    const project = projectOf(root, 'compose.yaml');
    const web = project.services().get('web')!;
    assert.deepEqual(object(plain(web.value)), { cap_drop: ['ALL'], read_only: true, build: path.join(root, 'lib', 'app'), image: 'nginx:1.27' });
    assert.deepEqual(
      web.sources.map((source) => [path.relative(root, source.file.path), source.service, source.how]),
      [
        ['common.yaml', 'hardened', 'extends'],
        [path.join('lib', 'base.yaml'), 'app', 'extends'],
        ['compose.yaml', 'web', 'defines'],
      ],
    );
    assert.deepEqual(object(plain(project.services().get('worker')!.value)), { cap_drop: ['ALL'], read_only: true, build: path.join(root, 'lib', 'app'), image: 'nginx:1.27', command: ['work'] });
    assert.deepEqual(project.problems, []);
  });
});

describe('.env and interpolation', () => {
  test('KEY=value, export, quotes, comments, YAML-like KEY: value and references to keys above', () => {
    const env = parseDotEnv(
      lines('# comment', 'TAG=1.27', 'export MODE=prod # trailing', "LITERAL='$TAG stays'", 'QUOTED="a\\nb ${TAG}"', 'COLON: yes', 'REF=${TAG}-x', 'EMPTY=', 'junk line', 'MULTI="one', 'two"'),
    );
    assert.deepEqual(Object.fromEntries(env.values), {
      TAG: '1.27',
      MODE: 'prod',
      LITERAL: '$TAG stays',
      QUOTED: 'a\nb 1.27',
      COLON: 'yes',
      REF: '1.27-x',
      EMPTY: '',
      MULTI: 'one\ntwo',
    });
  });

  test('secret names and credential-looking values are never handed out', () => {
    const env = parseDotEnv(lines('DB_PASSWORD=hunter2', 'API_TOKEN=abc', 'HOST=ghp_0123456789abcdefghijABCDEFGHIJ0123456789', 'BLOB=Zq8rT2vLw9XyPm4KdN7sJ3hG', 'TAG=1.27'));
    assert.equal(env.lookup('DB_PASSWORD'), undefined);
    assert.equal(env.lookup('API_TOKEN'), undefined);
    assert.equal(env.lookup('HOST'), undefined, 'a GitHub token format');
    assert.equal(env.lookup('BLOB'), undefined, 'a high-entropy literal');
    assert.equal(env.lookup('TAG'), '1.27');
    assert.equal(env.lookup('UNSET'), undefined);
  });

  test('.env values reach the rules: a tag, a privileged switch; a secret value is not echoed in any message', () => {
    const token = 'ghp_0123456789abcdefghijABCDEFGHIJ0123456789';
    const root = tree({
      '.env': lines('TAG=1.27', 'PRIV=true', `GH=${token}`, 'PASSWORD=hunter2hunter2'),
      'compose.yaml': lines('services:', '  web:', '    image: nginx:${TAG}', '    privileged: ${PRIV:-false}', '  app:', '    image: app:${GH}', '    environment:', '      DB_PASSWORD: ${PASSWORD}'),
    });
    const analysis = analyzed(root, 'compose.yaml');
    const privileged = only(analysis.findings, 'CG-C070');
    assert.deepEqual(at(privileged), ['CG-C070@3'], 'PRIV=true from .env makes the service privileged');
    assert.ok(!only(analysis.findings, 'CG-C001').some((finding) => finding.message.includes("'nginx")), 'nginx:1.27 is tagged');
    for (const finding of analysis.findings) {
      assert.ok(!finding.message.includes(token) && !finding.message.includes('hunter2'), finding.message);
      for (const related of finding.related ?? []) assert.ok(!related.message.includes(token), related.message);
    }
    // Without .env the same text reads PRIV as unset: the default, not privileged.
    const alone = tree({ 'compose.yaml': fs.readFileSync(path.join(root, 'compose.yaml'), 'utf8') });
    assert.deepEqual(at(only(analyzed(alone, 'compose.yaml').findings, 'CG-C070')), []);
  });

  test('the variables of the model are those of .env (parseCompose without them: unknown)', () => {
    const model = parseCompose('services:\n  web:\n    image: nginx:${TAG}\n', { variables: (name) => (name === 'TAG' ? '1.27' : undefined) });
    const image = model.services[0].view!.get('image')!;
    assert.equal(model.scalar(image.value)!.interpolated.value, 'nginx:1.27');
    assert.equal(parseCompose('services:\n  web:\n    image: nginx:${TAG}\n').scalar(parseCompose('services:\n  web:\n    image: nginx:${TAG}\n').services[0].view!.get('image')!.value)!.interpolated.known, false);
  });
});

describe('bounds: cycles, missing files and limits give a problem, never a hang', () => {
  const problems = (root: string, name: string) => analyzed(root, name).problems.filter((problem) => problem.source === 'container-guard').map((problem) => [problem.range.start.line, problem.message]);

  test('an included file that does not exist, and one that includes the includer', () => {
    const root = tree({
      'compose.yaml': lines('include:', '  - sub/compose.yaml', '  - path: [lib/a.yaml, lib/missing.yaml]', 'services:', '  web:', '    image: nginx:1.27'),
      'sub/compose.yaml': lines('include:', '  - ../compose.yaml', 'services:', '  sub:', '    image: busybox:1.36'),
      'lib/a.yaml': lines('services:', '  a:', '    image: alpine:3.20'),
    });
    assert.deepEqual(problems(root, 'compose.yaml'), [
      [1, '"sub/compose.yaml" includes "compose.yaml" again, a cycle: it is not followed.'],
      [2, 'The included file "lib/missing.yaml" was not found: Compose stops with an error.'],
    ]);
    assert.equal(analyzed(root, 'compose.yaml').problems.find((problem) => problem.source === 'container-guard')!.severity, 'warning');
  });

  test('an extends file that does not exist, a service it does not define, a service that extends itself', () => {
    const root = tree({
      'compose.yaml': lines(
        'services:',
        '  a:',
        '    extends: {file: nowhere.yaml, service: x}',
        '    image: nginx:1.27',
        '  b:',
        '    extends: {file: other.yaml, service: nope}',
        '    image: nginx:1.27',
        '  c:',
        '    extends: d',
        '    image: nginx:1.27',
        '  d:',
        '    extends: c',
        '    image: nginx:1.27',
      ),
      'other.yaml': lines('services:', '  yes:', '    image: alpine:3.20'),
    });
    assert.deepEqual(problems(root, 'compose.yaml'), [
      [2, 'The file "nowhere.yaml" that service "a" extends was not found: Compose stops with an error.'],
      [5, 'Service "b" extends "nope", which "other.yaml" does not define.'],
      [8, 'Service "c" extends itself (directly or through other services): the cycle is not followed.'],
      [11, 'Service "d" extends itself (directly or through other services): the cycle is not followed.'],
    ]);
  });

  test('includes nested deeper than the limit, and more files than the limit', () => {
    const files: Record<string, string> = { 'compose.yaml': lines('include:', '  - n1/compose.yaml', 'services:', '  web:', '    image: nginx:1.27') };
    for (let i = 1; i <= PROJECT_LIMITS.depth + 2; i++) files[`n${i}/compose.yaml`] = lines('include:', `  - ../n${i + 1}/compose.yaml`, 'services:', `  s${i}:`, '    image: alpine:3.20');
    const deep = tree(files);
    assert.deepEqual(problems(deep, 'compose.yaml'), [[1, `Includes are nested more than ${PROJECT_LIMITS.depth} levels deep below "n1/compose.yaml": the deeper ones are not analyzed.`]]);

    const wide: Record<string, string> = { 'compose.yaml': lines('include:', ...Array.from({ length: PROJECT_LIMITS.files + 5 }, (_, i) => `  - f${i}.yaml`), 'services: {}') };
    for (let i = 0; i < PROJECT_LIMITS.files + 5; i++) wide[`f${i}.yaml`] = lines('services:', `  s${i}:`, '    image: alpine:3.20');
    const root = tree(wide);
    const started = Date.now();
    const found = problems(root, 'compose.yaml');
    assert.ok(Date.now() - started < 5000, 'bounded time');
    assert.equal(found.length, 1);
    assert.match(String(found[0][1]), /^This project is larger than Container Guard reads \(32 files or 2 MB besides this file\)/);
  });
});

describe('absence rules on the merged service (§4.9)', () => {
  test('a measure set in the override is not missing in the base; one set in the base is not missing in the override', () => {
    const root = tree({
      'compose.yaml': lines('services:', '  web:', '    image: nginx:1.27', ...HARDENED.slice(0, 3)),
      'compose.override.yaml': lines('services:', '  web:', '    image: nginx:1.27', ...HARDENED.slice(3), '    ulimits: {nofile: 1024}', '    logging: {options: {max-size: 10m}}', '    healthcheck: {test: ["CMD", "true"]}'),
    });
    assert.deepEqual(at(analyzed(root, 'compose.yaml').findings), ['CG-C101@2']);
    // The override names an image, so it is not a fragment: still no absence finding of the base's service.
    assert.deepEqual(at(analyzed(root, 'compose.override.yaml').findings), ['CG-C101@2']);
  });

  test('the base keeps its absence findings (with their fixes) and names the override; the override repeats none', () => {
    const root = tree({
      'compose.yaml': lines('services:', '  web:', '    image: nginx:1.27', ...HARDENED),
      'compose.override.yaml': lines('services:', '  web:', '    environment: [DEBUG=1]'),
    });
    const base = analyzed(root, 'compose.yaml');
    const c063 = only(base.findings, 'CG-C063')[0];
    assert.deepEqual(c063.range, range(1, 2, 1, 5));
    assert.equal(c063.fixes.length, 1, 'its own fix, in this file');
    assert.deepEqual(c063.related, [
      { uri: URI.file(path.join(root, 'compose.override.yaml')).toString(), range: range(1, 2, 1, 5), message: 'Service "web" is also written in compose.override.yaml.' },
    ]);
    assert.deepEqual(at(analyzed(root, 'compose.override.yaml').findings), []);
  });

  test('!reset in the override: the base reports the missing measure on the service key, without a fix', () => {
    const root = tree({
      'compose.yaml': lines('services:', '  web:', '    image: nginx:1.27', ...HARDENED, '    ulimits: {nofile: 1024}', '    logging: {options: {max-size: 10m}}', '    healthcheck: {test: ["CMD", "true"]}'),
      'compose.override.yaml': lines('services:', '  web:', '    cap_drop: !reset []', '    security_opt: !reset []'),
    });
    const base = analyzed(root, 'compose.yaml');
    assert.deepEqual(at(base.findings), ['CG-C020@1', 'CG-C023@1', 'CG-C101@2']);
    const c020 = only(base.findings, 'CG-C020')[0];
    assert.equal(c020.message, 'Service "web" keeps Docker\'s default capabilities: add "cap_drop: [ALL]" and add back only the capabilities it needs with "cap_add".');
    assert.deepEqual(c020.fixes, []);
    assert.equal(c020.related?.[0].uri, URI.file(path.join(root, 'compose.override.yaml')).toString());
    // Summarized, they are the members of one CG-C100.
    const summary = only(analyzed(root, 'compose.yaml', { summarize: true }).findings, 'CG-C100');
    assert.deepEqual(summary.map((finding) => finding.members), [['CG-C020', 'CG-C023']]);
  });

  test('a weak value of the base that the override sets right is not reported', () => {
    const root = tree({
      'compose.yaml': lines('services:', '  web:', '    image: nginx:1.27', '    read_only: false'),
      'compose.override.yaml': lines('services:', '  web:', '    read_only: true'),
    });
    assert.deepEqual(at(only(analyzed(root, 'compose.yaml').findings, 'CG-C050')), []);
    const alone = tree({ 'compose.yaml': lines('services:', '  web:', '    image: nginx:1.27', '    read_only: false') });
    assert.deepEqual(at(only(analyzed(alone, 'compose.yaml').findings, 'CG-C050')), ['CG-C050@3']);
  });

  test('an ignore comment above the service key in the override silences the base, and is used there', () => {
    const root = tree({
      'compose.yaml': lines('services:', '  web:', '    image: nginx:1.27', ...HARDENED.slice(1)),
      'compose.override.yaml': lines('services:', '  # container-guard ignore=CG-C020 -- capabilities are dropped by the entrypoint', '  web:', '    environment: [DEBUG=1]'),
    });
    assert.deepEqual(at(only(analyzed(root, 'compose.yaml').findings, 'CG-C020')), []);
    assert.deepEqual(at(analyzed(root, 'compose.override.yaml').findings), [], 'no unused-suppression hint in the override');
  });

  test('extends from another file: the base service\'s measures count; same-file extends too', () => {
    const root = tree({
      'compose.yaml': lines('services:', '  web:', '    extends: {file: common.yaml, service: hardened}', '    image: nginx:1.27', '  worker:', '    extends: web'),
      'common.yaml': lines('services:', '  hardened:', ...HARDENED, '    ulimits: {nofile: 1024}', '    logging: {options: {max-size: 10m}}', '    healthcheck: {test: ["CMD", "true"]}'),
    });
    assert.deepEqual(at(analyzed(root, 'compose.yaml').findings), ['CG-C101@3']);
  });

  test('a service only in the override is judged there; a fragment that nothing completes gets nothing', () => {
    const root = tree({
      'compose.yaml': lines('services:', '  web:', '    image: nginx:1.27', ...HARDENED, '    ulimits: {nofile: 1024}', '    logging: {options: {max-size: 10m}}', '    healthcheck: {test: ["CMD", "true"]}'),
      'compose.override.yaml': lines('services:', '  debug:', '    image: busybox:1.36', '  partial:', '    environment: [A=1]'),
    });
    const override = analyzed(root, 'compose.override.yaml').findings;
    assert.ok(at(override).includes('CG-C020@1'));
    assert.ok(!override.some((finding) => finding.range.start.line === 3));
  });

  test('every CG-C100 member is an absence rule', () => {
    for (const meta of allRules.filter((candidate) => candidate.measure)) assert.ok(ABSENCE_RULE_IDS.has(meta.id), meta.id);
  });
});

describe('CG-C110: a risk added by another file of the project', () => {
  test('privileged: true in the override: CG-C070 there, CG-C110 (Error) on the base\'s service key with the written value', () => {
    const root = tree({
      'compose.yaml': lines('services:', '  web:', '    image: nginx:1.27'),
      'compose.override.yaml': lines('services:', '  web:', '    privileged: true'),
    });
    const c110 = only(analyzed(root, 'compose.yaml').findings, 'CG-C110');
    assert.equal(c110.length, 1);
    assert.deepEqual(c110[0].range, range(1, 2, 1, 5));
    assert.equal(c110[0].severity, 'error');
    const override = analyzed(root, 'compose.override.yaml').findings;
    const c070 = only(override, 'CG-C070')[0];
    assert.equal(c110[0].message, `Service "web" gets a risk written in "compose.override.yaml", which CG-C070 reports there: ${c070.message}`);
    const overrideUri = URI.file(path.join(root, 'compose.override.yaml')).toString();
    assert.deepEqual(c110[0].related, [{ uri: overrideUri, range: c070.range, message: `CG-C070: ${c070.message}` }]);
    assert.deepEqual(at(only(override, 'CG-C110')), [], 'the override shows the presence finding itself');
    // The fix is the underlying one, carried out in the override; applied there, both findings go.
    const fix = c110[0].fixes[0];
    assert.equal(fix.title, `${c070.fixes[0].title} in compose.override.yaml`);
    assert.equal(fix.isPreferred, false);
    assert.deepEqual(fix.edits, []);
    assert.equal(fix.otherFiles?.[0].path, path.join(root, 'compose.override.yaml'));
    const fixed = applyEdits(fs.readFileSync(path.join(root, 'compose.override.yaml'), 'utf8'), fix.otherFiles![0].edits);
    fs.writeFileSync(path.join(root, 'compose.override.yaml'), fixed);
    assert.deepEqual(at(only(analyzed(root, 'compose.override.yaml').findings, 'CG-C070')), []);
    assert.deepEqual(at(only(analyzed(root, 'compose.yaml').findings, 'CG-C110')), []);
  });

  test('docker.sock mounted by the override: Error; a host port on all interfaces: Warning; hints give none', () => {
    const root = tree({
      'compose.yaml': lines('services:', '  web:', '    image: nginx:1.27', '  db:', '    image: postgres:16'),
      'compose.override.yaml': lines('services:', '  web:', '    volumes: [/var/run/docker.sock:/var/run/docker.sock]', '    ports: ["8080:80"]', '  db:', '    image: postgres'),
    });
    const c110 = only(analyzed(root, 'compose.yaml').findings, 'CG-C110');
    assert.deepEqual(
      c110.map((finding) => [finding.range.start.line, finding.severity, finding.message.slice(0, finding.message.indexOf(':'))]),
      [
        [1, 'error', 'Service "web" gets a risk written in "compose.override.yaml", which CG-C043 reports there'],
        [1, 'warning', 'Service "web" gets a risk written in "compose.override.yaml", which CG-C041 reports there'],
        [3, 'warning', 'Service "db" gets a risk written in "compose.override.yaml", which CG-C001 reports there'],
      ],
    );
  });

  test('a value that a later file removes or replaces, or that is suppressed where written, gives none', () => {
    const root = tree({
      '.env': 'COMPOSE_FILE=compose.yaml:compose.a.yaml:compose.b.yaml\n',
      'compose.yaml': lines('services:', '  web:', '    image: nginx:1.27'),
      'compose.a.yaml': lines('services:', '  web:', '    privileged: true', '    network_mode: host', '    # container-guard ignore=CG-C071 -- debugging', '    pid: host'),
      'compose.b.yaml': lines('services:', '  web:', '    privileged: false', '    network_mode: !reset null'),
    });
    assert.deepEqual(at(only(analyzed(root, 'compose.yaml').findings, 'CG-C110')), []);
  });

  test('the base of an extends in another file; not for a same-file extends or an anchor', () => {
    const root = tree({
      'compose.yaml': lines(
        'x-risky: &risky',
        '  cap_add: [SYS_ADMIN]',
        'services:',
        '  web:',
        '    extends: {file: base.yaml, service: app}',
        '    image: nginx:1.27',
        '  other:',
        '    <<: *risky',
        '    image: nginx:1.27',
        '  local:',
        '    extends: other',
      ),
      'base.yaml': lines('services:', '  app:', '    network_mode: host'),
    });
    const findings = analyzed(root, 'compose.yaml').findings;
    assert.deepEqual(
      only(findings, 'CG-C110').map((finding) => [finding.range.start.line, finding.message.slice(0, finding.message.indexOf(':'))]),
      [[3, 'Service "web" gets a risk written in "base.yaml", which CG-C040 reports there']],
    );
  });

  test('an include item brings the risks of the files it includes (and what they include)', () => {
    const root = tree({
      'compose.yaml': lines('include:', '  - tools/compose.yaml', 'services:', '  web:', '    image: nginx:1.27'),
      'tools/compose.yaml': lines('include:', '  - deeper.yaml', 'services:', '  tool:', '    image: busybox:1.36', '    privileged: true'),
      'tools/deeper.yaml': lines('services:', '  deep:', '    image: busybox:1.36', '    pid: host'),
    });
    const c110 = only(analyzed(root, 'compose.yaml').findings, 'CG-C110');
    assert.deepEqual(
      c110.map((finding) => [finding.range, finding.severity, finding.message.slice(0, 110)]),
      [
        [range(1, 4, 1, 22), 'error', 'The services included from "tools/compose.yaml" bring a risk written in "tools/compose.yaml", which CG-C070 re'],
        [range(1, 4, 1, 22), 'error', 'The services included from "tools/compose.yaml" bring a risk written in "tools/deeper.yaml", which CG-C071 rep'],
      ],
    );
    assert.equal(c110[1].related?.[0].uri, URI.file(path.join(root, 'tools', 'deeper.yaml')).toString());
  });

  test('the long include form: env_file and project_directory give the included project its own variables', () => {
    const root = tree({
      'compose.yaml': lines(
        'include:',
        '  - path: tools/compose.yaml',
        '    env_file: tools/tools.env',
        '  - path: other/compose.yaml',
        '    project_directory: other',
        'services:',
        '  web:',
        '    image: nginx:1.27',
        '    privileged: ${PRIV:-false}',
      ),
      'tools/compose.yaml': lines('services:', '  tool:', '    image: busybox:1.36', '    privileged: ${PRIV:-false}'),
      'tools/tools.env': 'PRIV=true\n',
      'other/compose.yaml': lines('services:', '  other:', '    image: busybox:1.36', '    network_mode: ${NET:-bridge}'),
      'other/.env': 'NET=host\n',
    });
    const findings = analyzed(root, 'compose.yaml').findings;
    // The included projects' variables are their own: this file's PRIV stays unset.
    assert.deepEqual(at(only(findings, 'CG-C070')), []);
    assert.deepEqual(
      only(findings, 'CG-C110').map((finding) => [finding.range.start.line, finding.message.slice(0, finding.message.indexOf(':'))]),
      [
        [1, 'The services included from "tools/compose.yaml" bring a risk written in "tools/compose.yaml", which CG-C070 reports there'],
        [3, 'The services included from "other/compose.yaml" bring a risk written in "other/compose.yaml", which CG-C040 reports there'],
      ],
    );
  });

  test('an ignore comment for CG-C110 on the receiving service silences it; the rule can be switched off', () => {
    const files = {
      'compose.yaml': lines('services:', '  # container-guard ignore=CG-C110 -- the override is for local debugging only', '  web:', '    image: nginx:1.27'),
      'compose.override.yaml': lines('services:', '  web:', '    privileged: true'),
    };
    assert.deepEqual(at(only(analyzed(tree(files), 'compose.yaml').findings, 'CG-C110')), []);
    const plainBase = { ...files, 'compose.yaml': lines('services:', '  web:', '    image: nginx:1.27') };
    assert.deepEqual(at(only(analyzed(tree(plainBase), 'compose.yaml', { rules: { 'CG-C110': 'off' } }).findings, 'CG-C110')), []);
  });
});

describe('Compose ↔ Dockerfile for build: services', () => {
  const service = (...keys: string[]) => lines('services:', '  api:', ...keys);

  test('CG-C065: a HEALTHCHECK in the shipped chain satisfies it; none, or NONE last, is reported with the Dockerfile named', () => {
    const withCheck = tree({ 'compose.yaml': service('    build: ./app'), 'app/Dockerfile': lines('FROM alpine:3.20', 'HEALTHCHECK CMD wget -q -O- http://localhost/ || exit 1', 'FROM alpine:3.20 AS final', 'CMD ["app"]') });
    // The last stage does not build on the first: its chain has no HEALTHCHECK.
    const c065 = only(analyzed(withCheck, 'compose.yaml').findings, 'CG-C065');
    assert.equal(c065.length, 1);
    assert.equal(
      c065[0].message,
      'Service "api" has no health check and its image, built from app/Dockerfile, defines no HEALTHCHECK in the stage that ships: Docker cannot tell a hung service from a healthy one. Add a "healthcheck" with a probe.',
    );
    const inherited = tree({ 'compose.yaml': service('    build: ./app'), 'app/Dockerfile': lines('FROM alpine:3.20 AS base', 'HEALTHCHECK CMD true', 'FROM base', 'CMD ["app"]') });
    assert.deepEqual(at(only(analyzed(inherited, 'compose.yaml').findings, 'CG-C065')), []);
    const target = tree({ 'compose.yaml': service('    build:', '      context: app', '      target: base'), 'app/Dockerfile': lines('FROM alpine:3.20 AS base', 'HEALTHCHECK CMD true', 'FROM alpine:3.20', 'CMD ["app"]') });
    assert.deepEqual(at(only(analyzed(target, 'compose.yaml').findings, 'CG-C065')), [], 'build.target ships the stage with the check');
    const none = tree({ 'compose.yaml': service('    build: .'), Dockerfile: lines('FROM nginx:1.27', 'HEALTHCHECK NONE') });
    const off = only(analyzed(none, 'compose.yaml').findings, 'CG-C065')[0];
    assert.match(off.message, /its image, built from Dockerfile, turns it off with HEALTHCHECK NONE/);
    assert.deepEqual(off.related, [{ uri: URI.file(path.join(none, 'Dockerfile')).toString(), range: range(1, 12, 1, 16), message: "HEALTHCHECK NONE turns the image's health check off." }]);
  });

  test('CG-C065: dockerfile_inline and a custom dockerfile name are read; an unreadable Dockerfile says nothing', () => {
    const inline = tree({ 'compose.yaml': service('    build:', '      context: .', '      dockerfile_inline: |', '        FROM alpine:3.20', '        HEALTHCHECK CMD true') });
    assert.deepEqual(at(only(analyzed(inline, 'compose.yaml').findings, 'CG-C065')), []);
    const named = tree({ 'compose.yaml': service('    build:', '      context: src', '      dockerfile: ../docker/api.Dockerfile'), 'docker/api.Dockerfile': 'FROM alpine:3.20\n' });
    assert.match(only(analyzed(named, 'compose.yaml').findings, 'CG-C065')[0].message, /built from docker\/api\.Dockerfile/);
    const missing = tree({ 'compose.yaml': service('    build: ./nowhere') });
    assert.deepEqual(at(only(analyzed(missing, 'compose.yaml').findings, 'CG-C065')), []);
    const remote = tree({ 'compose.yaml': service('    build: https://github.com/example/app.git') });
    assert.deepEqual(at(only(analyzed(remote, 'compose.yaml').findings, 'CG-C065')), []);
  });

  test('CG-C113: an image without USER runs as root: Warning on the service key, with the FROM line; the fix parses and clears it', () => {
    const root = tree({ 'compose.yaml': service('    build: ./app', '    read_only: true'), 'app/Dockerfile': lines('FROM alpine:3.20', 'RUN apk add --no-cache curl', 'CMD ["app"]') });
    const [finding] = only(analyzed(root, 'compose.yaml').findings, 'CG-C113');
    assert.equal(finding.message, 'Service "api" is built from app/Dockerfile, whose image runs as root (no USER in the stage that ships), and sets no "user:". Set a non-root "user:" here or a USER in the Dockerfile.');
    assert.equal(finding.severity, 'warning');
    assert.deepEqual(finding.range, range(1, 2, 1, 5));
    assert.deepEqual(finding.related, [{ uri: URI.file(path.join(root, 'app', 'Dockerfile')).toString(), range: range(0, 5, 0, 16), message: "No USER is set in the stage that ships: the image runs as its base image's user, root." }]);
    assert.equal(finding.fixes[0].title, 'Run as "10001:10001"');
    assert.equal(finding.fixes[0].isPreferred, false);
    const fixed = applyEdits(fs.readFileSync(path.join(root, 'compose.yaml'), 'utf8'), finding.fixes[0].edits);
    assert.equal(fixed, service('    build: ./app', '    read_only: true', '    user: "10001:10001"'));
    fs.writeFileSync(path.join(root, 'compose.yaml'), fixed);
    assert.deepEqual(at(only(analyzed(root, 'compose.yaml').findings, 'CG-C113')), []);
    assert.deepEqual(at(only(analyzed(root, 'compose.yaml').findings, 'CG-C010')), []);
  });

  test('CG-C113: last USER root is reported at that line; a non-root USER, a user: on the service or in the override is not', () => {
    const dockerfile = lines('FROM alpine:3.20', 'USER 10001', 'RUN true', 'USER root', 'CMD ["app"]');
    const root = tree({ 'compose.yaml': service('    build: .'), Dockerfile: dockerfile });
    const [finding] = only(analyzed(root, 'compose.yaml').findings, 'CG-C113');
    assert.match(finding.message, /whose image runs as root \(its last USER is root\)/);
    assert.deepEqual(finding.related?.[0].range, range(3, 5, 3, 9));
    assert.deepEqual(at(only(analyzed(tree({ 'compose.yaml': service('    build: .'), Dockerfile: lines('FROM alpine:3.20', 'USER 10001') }), 'compose.yaml').findings, 'CG-C113')), []);
    assert.deepEqual(at(only(analyzed(tree({ 'compose.yaml': service('    build: .', '    user: "1000"'), Dockerfile: dockerfile }), 'compose.yaml').findings, 'CG-C113')), []);
    const viaOverride = tree({ 'compose.yaml': service('    build: .'), 'compose.override.yaml': service('    user: "1000"'), Dockerfile: dockerfile });
    assert.deepEqual(at(only(analyzed(viaOverride, 'compose.yaml').findings, 'CG-C113')), []);
    // user: root is CG-C010's finding, not C113's.
    assert.deepEqual(at(only(analyzed(tree({ 'compose.yaml': service('    build: .', '    user: root'), Dockerfile: dockerfile }), 'compose.yaml').findings, 'CG-C113')), []);
  });

  test('CG-C113: build.target picks the stage; an image that drops privileges is Info with no fix; an unresolved base counts as root', () => {
    const stages = lines('FROM alpine:3.20 AS debug', 'CMD ["sh"]', 'FROM alpine:3.20', 'USER 10001', 'CMD ["app"]');
    assert.deepEqual(at(only(analyzed(tree({ 'compose.yaml': service('    build: {context: ., target: debug}'), Dockerfile: stages }), 'compose.yaml').findings, 'CG-C113')), ['CG-C113@1']);
    assert.deepEqual(at(only(analyzed(tree({ 'compose.yaml': service('    build: .'), Dockerfile: stages }), 'compose.yaml').findings, 'CG-C113')), []);
    const gosu = tree({ 'compose.yaml': service('    build: .'), Dockerfile: lines('FROM debian:12', 'RUN apt-get install -y gosu', 'ENTRYPOINT ["docker-entrypoint.sh"]') });
    const [drop] = only(analyzed(gosu, 'compose.yaml').findings, 'CG-C113');
    assert.equal(drop.severity, 'info');
    assert.deepEqual(drop.fixes, []);
    assert.match(drop.message, /which looks intended: it installs gosu/);
    // An unresolved base image is not known to run as another user: root, as CG-D020 reads it.
    assert.deepEqual(at(only(analyzed(tree({ 'compose.yaml': service('    build: .'), Dockerfile: lines('ARG BASE', 'FROM ${BASE}') }), 'compose.yaml').findings, 'CG-C113')), ['CG-C113@1']);
  });

  test('CG-C107: the ARG that receives the secret is related information; the finding stands without one', () => {
    const root = tree({ 'compose.yaml': service('    build:', '      context: .', '      args:', '        NPM_TOKEN: ${NPM_TOKEN}'), Dockerfile: lines('FROM node:22', 'ARG NPM_TOKEN', 'RUN npm ci') });
    const [finding] = only(analyzed(root, 'compose.yaml').findings, 'CG-C107');
    assert.deepEqual(finding.related, [
      { uri: URI.file(path.join(root, 'Dockerfile')).toString(), range: range(1, 4, 1, 13), message: 'Dockerfile declares ARG NPM_TOKEN here: the value the build passes is visible to every later step and in the image history.' },
    ]);
    const undeclared = tree({ 'compose.yaml': service('    build:', '      context: .', '      args:', '        NPM_TOKEN: ${NPM_TOKEN}'), Dockerfile: lines('FROM node:22', 'RUN npm ci') });
    const [still] = only(analyzed(undeclared, 'compose.yaml').findings, 'CG-C107');
    assert.equal(still.related, undefined);
  });
});

describe('the CLI and the editor see one project', () => {
  test('defaults (summaries on) over a base and an override: one C100 in the base, C110 for the override\'s risk', () => {
    const root = tree({
      'compose.yaml': lines('services:', '  web:', '    image: nginx:1.27', '    cap_drop: [ALL]'),
      'compose.override.yaml': lines('services:', '  web:', '    security_opt: [no-new-privileges:true]', '    cap_add: [SYS_ADMIN]'),
    });
    const base = analyzed(root, 'compose.yaml', { summarize: null as unknown as boolean });
    assert.deepEqual(at(base.findings), ['CG-C110@1', 'CG-C100@1', 'CG-C101@2']);
    const summary = only(base.findings, 'CG-C100')[0];
    assert.ok(!summary.members!.includes('CG-C020') && !summary.members!.includes('CG-C023'), 'measures of either file count');
    assert.deepEqual(at(analyzed(root, 'compose.override.yaml', { summarize: null as unknown as boolean }).findings), ['CG-C021@3']);
    assert.equal(defaultSettings.summarize, null);
  });
});
