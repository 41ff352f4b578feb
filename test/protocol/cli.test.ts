// CLI tests against the built entry point `node dist/cli.js` (or the bundle named by CG_CLI), with SARIF
// validated against the official schema (test/fixtures/sarif, vendored from OASIS; see its README).
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';

/** The repository root: found from the working directory, so tests compiled anywhere (--outDir) work. */
function findRepoRoot(): string {
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'server', 'src', 'cli.ts'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(__dirname, '..', '..', '..');
  }
}
const repoRoot = findRepoRoot();
const cli = process.env.CG_CLI ? path.resolve(process.env.CG_CLI) : path.join(repoRoot, 'dist', 'cli.js');
const version = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

function run(args: string[], cwd: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const temporary: string[] = [];
after(() => {
  for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder with these files (a name ending in `/` is a folder); removed after the suite. */
function workspace(files: Record<string, string | Buffer>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cg-cli-')));
  temporary.push(dir);
  for (const [name, content] of Object.entries(files)) {
    const full = path.join(dir, name);
    if (name.endsWith('/')) {
      fs.mkdirSync(full, { recursive: true });
      continue;
    }
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }
  return dir;
}

/** stderr is exactly these lines: one per error, never a stack trace or a Node warning. */
function assertStderrLines(stderr: string, expected: (string | RegExp)[]): void {
  const lines = stderr.split('\n').filter((line) => line !== '');
  assert.equal(lines.length, expected.length, stderr);
  expected.forEach((pattern, index) => (typeof pattern === 'string' ? assert.equal(lines[index], pattern) : assert.match(lines[index], pattern)));
  assert.doesNotMatch(stderr, /\n\s+at |Warning/);
}

const insecureDockerfile = 'FROM alpine:3.20\nADD app.sh /app.sh\nUSER root\nCMD ["/app.sh"]\n';
const insecureCompose = 'services:\n  web:\n    image: nginx:1.27\n    privileged: true\n    cap_drop: [ALL]\n    security_opt: [no-new-privileges:true]\n';
const brokenCompose = 'services: [oops\n';
const typoDockerfile = 'FORM ubuntu:24.04\nRUN echo hi\n';

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validateSarif = ajv.compile(JSON.parse(fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8')));

function sarifOf(stdout: string) {
  const sarif = JSON.parse(stdout);
  assert.ok(validateSarif(sarif), JSON.stringify(validateSarif.errors, null, 2));
  return sarif as { runs: { tool: { driver: { version: string; rules: { id: string; helpUri: string; defaultConfiguration: { level: string } }[] } }; results: { ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }[]; fixes?: unknown[] }[] }[] };
}

describe('container-guard CLI', () => {
  test('json: exact shape, relative paths, 1-based line/column, exit 1 on an error finding', () => {
    const dir = workspace({ 'Dockerfile': insecureDockerfile, 'deploy/compose.yaml': insecureCompose, 'notes.yaml': 'privileged: true\n' });
    const { code, stdout, stderr } = run(['check', '.', '--format', 'json'], dir);
    assert.equal(stderr, '');
    assert.equal(code, 1);
    const report = JSON.parse(stdout);
    assert.deepEqual(Object.keys(report), ['version', 'files', 'summary']);
    assert.equal(report.version, 1);
    assert.deepEqual(report.files.map((f: { path: string; kind: string }) => [f.path, f.kind]), [['deploy/compose.yaml', 'compose'], ['Dockerfile', 'dockerfile']]);
    const add = report.files[1].findings.find((f: { code: string }) => f.code === 'CG-D060');
    assert.deepEqual(add, {
      code: 'CG-D060',
      severity: 'warning',
      message: add.message,
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } },
      line: 2,
      column: 1,
      fixable: true,
    });
    assert.deepEqual(Object.keys(report.summary), ['files', 'findings', 'bySeverity']);
    assert.equal(report.summary.files, 2);
    const all = [...report.files[0].findings, ...report.files[1].findings] as { severity: 'error' | 'warning' | 'info' | 'hint' }[];
    assert.equal(report.summary.findings, all.length);
    assert.deepEqual(report.summary.bySeverity, {
      error: all.filter((f) => f.severity === 'error').length,
      warning: all.filter((f) => f.severity === 'warning').length,
      info: all.filter((f) => f.severity === 'info').length,
      hint: 0,
    });
  });

  test('sarif: valid against the official 2.1.0 schema, every rule listed with helpUri, fixes attached', () => {
    const dir = workspace({ 'Dockerfile': insecureDockerfile, 'compose.yaml': insecureCompose });
    const { code, stdout } = run(['check', '--format', 'sarif'], dir);
    assert.equal(code, 1);
    const sarif = sarifOf(stdout);
    assert.equal(sarif.runs[0].tool.driver.version, version);
    const rules = sarif.runs[0].tool.driver.rules;
    assert.ok(rules.some((r) => r.id === 'CG-D020') && rules.some((r) => r.id === 'CG-C070') && rules.some((r) => r.id === 'CG-SYNTAX'));
    for (const rule of rules) assert.equal(rule.helpUri, `https://github.com/container-guard/container-guard/blob/main/docs/rules/${rule.id}.md`);
    const privileged = sarif.runs[0].results.find((r) => r.ruleId === 'CG-C070')!;
    assert.equal(privileged.level, 'error');
    assert.equal(rules[privileged.ruleIndex].id, 'CG-C070');
    assert.equal(privileged.locations[0].physicalLocation.artifactLocation.uri, 'compose.yaml');
    assert.equal(privileged.fixes!.length, 1);
  });

  test('a file that does not parse is a CG-SYNTAX finding in text, json and sarif, counted by --fail-on', () => {
    const binary = Buffer.from([0x46, 0x52, 0x4f, 0x4d, 0x00, 0x01, 0x02, 0xff, 0x0a]);
    const dir = workspace({ 'compose.yaml': brokenCompose, 'Dockerfile': typoDockerfile, 'tools/Dockerfile': binary });
    const yamlMessage = 'Flow sequence in block collection must be sufficiently indented and end with a ]';
    const binaryMessage = 'Binary content: the file has NUL bytes or is not valid UTF-8, so it was not analyzed.';

    const text = run(['check'], dir);
    assert.equal(text.code, 1);
    assert.equal(text.stderr, '');
    assert.equal(
      text.stdout,
      [
        `compose.yaml:2:1: error CG-SYNTAX ${yamlMessage}`,
        'Dockerfile:1:1: error CG-SYNTAX No source image provided with `FROM`',
        'Dockerfile:1:1: error CG-SYNTAX Unknown instruction: FORM',
        `tools/Dockerfile:1:1: error CG-SYNTAX ${binaryMessage}`,
        '4 findings in 3 files',
        '',
      ].join('\n'),
    );

    const json = JSON.parse(run(['check', '--format', 'json'], dir).stdout);
    assert.deepEqual(json.files[1], {
      path: 'Dockerfile',
      kind: 'dockerfile',
      findings: [
        { code: 'CG-SYNTAX', severity: 'error', message: 'No source image provided with `FROM`', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } }, line: 1, column: 1, fixable: false },
        { code: 'CG-SYNTAX', severity: 'error', message: 'Unknown instruction: FORM', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } }, line: 1, column: 1, fixable: false },
      ],
    });
    assert.deepEqual(json.files[0].findings.map((f: { code: string; message: string }) => [f.code, f.message]), [['CG-SYNTAX', yamlMessage]]);
    assert.deepEqual(json.summary, { files: 3, findings: 4, bySeverity: { error: 4, warning: 0, info: 0, hint: 0 } });

    const sarifRun = run(['check', '--format', 'sarif'], dir);
    assert.equal(sarifRun.code, 1);
    const sarif = sarifOf(sarifRun.stdout);
    const rules = sarif.runs[0].tool.driver.rules;
    assert.deepEqual(
      sarif.runs[0].results.map((r) => [r.ruleId, rules[r.ruleIndex].id, r.level, r.locations[0].physicalLocation.artifactLocation.uri, r.message.text, r.fixes]),
      [
        ['CG-SYNTAX', 'CG-SYNTAX', 'error', 'compose.yaml', yamlMessage, undefined],
        ['CG-SYNTAX', 'CG-SYNTAX', 'error', 'Dockerfile', 'No source image provided with `FROM`', undefined],
        ['CG-SYNTAX', 'CG-SYNTAX', 'error', 'Dockerfile', 'Unknown instruction: FORM', undefined],
        ['CG-SYNTAX', 'CG-SYNTAX', 'error', 'tools/Dockerfile', binaryMessage, undefined],
      ],
    );
    assert.equal(rules.find((rule) => rule.id === 'CG-SYNTAX')!.defaultConfiguration.level, 'error');

    assert.equal(run(['check', '--fail-on', 'none'], dir).code, 0);
    assert.equal(run(['check', 'compose.yaml'], dir).code, 1, 'one broken file alone fails the check');
  });

  test('--fix applies the preferred fixes in place, says what changed, then reports on the fixed files', () => {
    const dir = workspace({ 'Dockerfile': 'FROM alpine:3.20\nADD app.sh /app.sh\nUSER 10001\nCMD ["/app.sh"]\n', 'broken/Dockerfile': 'FROM alpine:3.20\nADD app.sh /app.sh\nFORM x\n' });
    const { code, stdout, stderr } = run(['check', '--fix', '--fail-on', 'warning'], dir);
    assert.equal(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), 'FROM alpine:3.20\nCOPY app.sh /app.sh\nUSER 10001\nCMD ["/app.sh"]\n');
    assert.equal(fs.readFileSync(path.join(dir, 'broken', 'Dockerfile'), 'utf8'), 'FROM alpine:3.20\nADD app.sh /app.sh\nFORM x\n', 'a file that does not parse is not changed');
    assertStderrLines(stderr, ['fixed Dockerfile:2:1: CG-D060 Replace ADD with COPY']);
    assert.doesNotMatch(stdout, /^Dockerfile:/m, 'the fixed file has no finding left');
    assert.match(stdout, /^broken\/Dockerfile:3:1: error CG-SYNTAX Unknown instruction: FORM$/m);
    assert.equal(code, 1, 'exits as check would on the fixed files: the broken one fails');
    fs.rmSync(path.join(dir, 'broken'), { recursive: true });
    const again = run(['check', '--fix', '--fail-on', 'warning'], dir);
    assert.deepEqual([again.code, again.stdout, again.stderr], [0, '0 findings in 1 file\n', '']);
  });

  test('--fail-on and hints: thresholds decide the exit code; hints only with --include-hints, never in SARIF', () => {
    const dir = workspace({ 'Dockerfile': 'FROM alpine:3.20\nADD app.sh /app.sh\nUSER 10001\n' });
    assert.equal(run(['check'], dir).code, 0, 'a warning does not reach the default threshold (error)');
    assert.equal(run(['check', '--fail-on', 'warning'], dir).code, 1);
    assert.equal(run(['check', '--fail-on=none'], dir).code, 0);
    const hint = /^Dockerfile:1:6: hint CG-D003 /m;
    assert.doesNotMatch(run(['check'], dir).stdout, hint);
    assert.match(run(['check', '--include-hints'], dir).stdout, hint);
    const json = JSON.parse(run(['check', '--include-hints', '--format', 'json'], dir).stdout);
    assert.equal(json.summary.bySeverity.hint, 1);
    assert.ok(!JSON.parse(run(['check', '--format', 'json'], dir).stdout).files[0].findings.some((f: { severity: string }) => f.severity === 'hint'));
    const sarif = sarifOf(run(['check', '--include-hints', '--format', 'sarif'], dir).stdout);
    assert.ok(!sarif.runs[0].results.some((r) => r.ruleId === 'CG-D003'));
  });

  test('--kind analyzes named files whatever their names; in folders it takes only that kind', () => {
    const dir = workspace({ 'deploy/stack.yml': insecureCompose, 'build/app.df': insecureDockerfile, 'Dockerfile': insecureDockerfile, 'compose.yaml': insecureCompose });
    const unnamed = run(['check', 'deploy/stack.yml'], dir);
    assert.equal(unnamed.code, 2);
    assertStderrLines(unnamed.stderr, ['container-guard: deploy/stack.yml: not a Dockerfile or Compose file name (use --kind dockerfile|compose)']);
    const compose = JSON.parse(run(['check', 'deploy/stack.yml', '--kind', 'compose', '--format', 'json'], dir).stdout);
    assert.deepEqual(compose.files.map((f: { path: string; kind: string }) => [f.path, f.kind]), [['deploy/stack.yml', 'compose']]);
    assert.ok(compose.files[0].findings.some((f: { code: string; line: number }) => f.code === 'CG-C070' && f.line === 4));
    const dockerfile = JSON.parse(run(['check', '--kind=dockerfile', 'build/app.df', '.', '--format', 'json'], dir).stdout);
    assert.deepEqual(dockerfile.files.map((f: { path: string; kind: string }) => [f.path, f.kind]), [['build/app.df', 'dockerfile'], ['Dockerfile', 'dockerfile']]);
    const onlyCompose = run(['check', '--kind', 'compose', 'build'], dir);
    assert.equal(onlyCompose.code, 2);
    assertStderrLines(onlyCompose.stderr, ['container-guard: build: no Compose file found']);
  });

  test('--help prints the full usage with options, exit codes and examples; --version the package version', () => {
    const dir = workspace({});
    for (const args of [['--help'], ['check', '--help'], ['-h']]) {
      const help = run(args, dir);
      assert.equal(help.code, 0);
      assert.equal(help.stderr, '');
      assert.match(help.stdout, /^Usage: container-guard check \[paths…\] \[options\]\n/);
      for (const option of ['--format text|json|sarif', '--fail-on error|warning|info|none', '--config FILE', '--kind dockerfile|compose', '--include-hints', '--fix', '--help', '--version']) {
        assert.ok(help.stdout.includes(option), option);
      }
      assert.match(help.stdout, /\nExit codes:\n {2}0 .+\n {2}1 .+\n {2}2 /);
      assert.match(help.stdout, /\nExamples:\n {2}container-guard check\n/);
    }
    const shown = run(['--version'], dir);
    assert.deepEqual([shown.code, shown.stdout, shown.stderr], [0, `${version}\n`, '']);
    assert.match(version, /^\d+\.\d+\.\d+/);
  });

  test('output closed early (| head -1) ends quietly', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i++) files[`svc${String(i).padStart(3, '0')}/Dockerfile`] = insecureDockerfile;
    const dir = workspace(files);
    const script = `"$0" "$1" check . | head -1; echo "status=\${PIPESTATUS[0]}"`;
    const result = spawnSync('bash', ['-c', script, process.execPath, cli], { cwd: dir, encoding: 'utf8' });
    assert.equal(result.stderr, '');
    const lines = result.stdout.split('\n');
    assert.match(lines[0], /^svc000\/Dockerfile:\d+:\d+: \w+ CG-/);
    assert.deepEqual(lines.slice(1), ['status=1', ''], 'the exit code of the check (an error finding)');
  });

  test('configuration: .container-guard.yaml rules and ignorePaths; malformed config → stderr line, findings still printed, exit 2', () => {
    const dir = workspace({ 'Dockerfile': insecureDockerfile, 'vendor/Dockerfile': insecureDockerfile, '.container-guard.yaml': 'rules:\n  CG-D021: off\nignorePaths:\n  - vendor/\n' });
    const quiet = JSON.parse(run(['check', '--format', 'json'], dir).stdout);
    assert.deepEqual(quiet.files.map((f: { path: string }) => f.path), ['Dockerfile']);
    assert.ok(!quiet.files[0].findings.some((f: { code: string }) => f.code === 'CG-D021'));

    fs.writeFileSync(path.join(dir, '.container-guard.yaml'), 'rules: [oops\n');
    const broken = run(['check', '--format', 'json'], dir);
    assert.equal(broken.code, 2);
    assertStderrLines(broken.stderr, [/^container-guard: \.container-guard\.yaml:2: Invalid configuration \(.+\); using defaults\.$/]);
    const files = JSON.parse(broken.stdout).files as { path: string; findings: { code: string }[] }[];
    assert.deepEqual(files.map((f) => f.path), ['Dockerfile', 'vendor/Dockerfile'], 'defaults: no ignorePaths');
    assert.ok(files[0].findings.some((f) => f.code === 'CG-D021'), 'defaults: CG-D021 is on');
  });

  test('config at several levels: searched up to .git or the working folder; the nearest wins whole', () => {
    const dir = workspace({
      '.container-guard.yaml': 'rules:\n  CG-D021: off\n',
      'project/Dockerfile': insecureDockerfile,
      'project/svc/.container-guard.yaml': 'rules:\n  CG-D060: off\n',
      'project/svc/Dockerfile': insecureDockerfile,
    });
    const codes = (cwd: string, target: string) => {
      const result = run(['check', target, '--format', 'json'], cwd);
      assert.equal(result.stderr, '');
      return (JSON.parse(result.stdout).files as { path: string; findings: { code: string }[] }[]).map((f) => [f.path, ['CG-D021', 'CG-D060'].filter((code) => f.findings.some((finding) => finding.code === code))]);
    };
    const project = path.join(dir, 'project');
    assert.deepEqual(codes(project, '.'), [['Dockerfile', ['CG-D021', 'CG-D060']], ['svc/Dockerfile', ['CG-D021']]], 'the config above the working folder is not used; the nearest wins whole');
    assert.deepEqual(codes(dir, 'project'), [['project/Dockerfile', ['CG-D060']], ['project/svc/Dockerfile', ['CG-D021']]], 'from the parent, its config applies');
    fs.mkdirSync(path.join(project, '.git'));
    assert.deepEqual(codes(dir, 'project'), [['project/Dockerfile', ['CG-D021', 'CG-D060']], ['project/svc/Dockerfile', ['CG-D021']]], 'the search stops at the folder with .git');
  });

  test('usage, I/O and config errors: one line naming the culprit, exit 2, no stack trace', () => {
    const dir = workspace({ 'Dockerfile': insecureDockerfile, 'bad.yaml': 'profile: paranoid\n', 'docs/readme.md': '# x\n', 'conf/': '' });
    for (const [args, line] of [
      [['check', '--format', 'xml'], "container-guard: --format: unknown value 'xml' (expected text, json, sarif) (see container-guard --help)"],
      [['check', '--fail-on', 'fatal'], "container-guard: --fail-on: unknown value 'fatal' (expected error, warning, info, none) (see container-guard --help)"],
      [['check', '--kind', 'yaml'], "container-guard: --kind: unknown value 'yaml' (expected dockerfile, compose) (see container-guard --help)"],
      [['check', '--format'], 'container-guard: option --format needs a value (see container-guard --help)'],
      [['check', '--bogus'], "container-guard: unknown option '--bogus' (see container-guard --help)"],
      [['lint'], "container-guard: unknown command 'lint' (expected check) (see container-guard --help)"],
      [[], 'container-guard: missing command: container-guard check [paths…] (see container-guard --help)'],
      [['check', 'missing-dir'], 'container-guard: missing-dir: no such file or directory'],
      [['check', 'docs'], 'container-guard: docs: no Dockerfile or Compose file found'],
      [['check', 'docs/readme.md'], 'container-guard: docs/readme.md: not a Dockerfile or Compose file name (use --kind dockerfile|compose)'],
      [['check', '--config', 'nope.yaml'], 'container-guard: --config nope.yaml: no such file'],
      [['check', '--config', 'conf'], 'container-guard: --config conf: not a file'],
      [['check', '--config', 'bad.yaml'], 'container-guard: --config bad.yaml:1: `profile` must be `baseline` or `strict`; using defaults.'],
    ] as [string[], string][]) {
      const result = run(args, dir);
      assert.equal(result.code, 2, args.join(' '));
      assertStderrLines(result.stderr, [line]);
    }
    const empty = workspace({ 'README.md': '# nothing here\n' });
    const nothing = run(['check'], empty);
    assert.equal(nothing.code, 2);
    assertStderrLines(nothing.stderr, ['container-guard: .: no Dockerfile or Compose file found']);
  });

  test('several threads give the output of one thread, byte for byte: formats, order, stderr lines, exit codes', () => {
    // Every kind of outcome, many times over, so each thread meets every kind: findings, syntax
    // errors, binary content, files a config ignores, config problems reported once, Compose build targets.
    const files: Record<string, string | Buffer> = {
      'bad/.container-guard.yaml': 'rules: [oops\n',
      'bad/strict/.container-guard.yaml': 'profile: paranoid\n',
      '.container-guard.yaml': 'rules:\n  CG-D021: off\nignorePaths:\n  - vendor/\n',
    };
    for (let i = 0; i < 12; i++) {
      files[`svc${i}/Dockerfile`] = `${insecureDockerfile}# ${i}\n`;
      files[`svc${i}/compose.yaml`] = `${insecureCompose}  built:\n    build:\n      context: .\n      target: app\n`;
      files[`broken${i}/docker-compose.yml`] = brokenCompose;
      files[`typo${i}/Dockerfile`] = typoDockerfile;
      files[`vendor/v${i}/Dockerfile`] = insecureDockerfile;
      files[`bad/b${i}/compose.yaml`] = insecureCompose;
      files[`bad/strict/h${i}.dockerfile`] = insecureDockerfile;
    }
    files['binary/Dockerfile'] = Buffer.from([0x46, 0x52, 0x00, 0x4d]);
    const dir = workspace(files);
    for (const args of [['check', '--format', 'json', '--include-hints'], ['check', '--format', 'sarif'], ['check', '--fail-on', 'warning']]) {
      const one = run(args, dir, { CONTAINER_GUARD_THREADS: '1' });
      assert.equal(one.code, 2, 'the malformed configs are errors');
      assert.equal(one.stderr.split('\n').filter((line) => line !== '').length, 2, one.stderr);
      for (const threads of ['2', '3']) {
        const several = run(args, dir, { CONTAINER_GUARD_THREADS: threads });
        assert.equal(several.stdout, one.stdout, `${args.join(' ')} with ${threads} threads`);
        assert.equal(several.stderr, one.stderr);
        assert.equal(several.code, one.code);
      }
    }
  });
});
