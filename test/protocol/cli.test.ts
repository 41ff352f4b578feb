// CLI tests against the built entry point `node dist/cli.js`, with SARIF validated against the
// official schema (test/fixtures/sarif, vendored from OASIS; see its README).
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { repoRoot } from './lsp-client';

const cli = path.join(repoRoot, 'dist', 'cli.js');

function run(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function workspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-cli-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const insecureDockerfile = 'FROM alpine:3.20\nADD app.sh /app.sh\nUSER root\nCMD ["/app.sh"]\n';
const insecureCompose = 'services:\n  web:\n    image: nginx:1.27\n    privileged: true\n    cap_drop: [ALL]\n    security_opt: [no-new-privileges:true]\n';

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validateSarif = ajv.compile(JSON.parse(fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8')));

describe('container-guard CLI', () => {
  test('json: exact shape, relative paths, 1-based line/column, exit 1 on an error finding', () => {
    const dir = workspace({ 'Dockerfile': insecureDockerfile, 'deploy/compose.yaml': insecureCompose, 'notes.yaml': 'privileged: true\n' });
    const { code, stdout, stderr } = run(['check', '.', '--format', 'json'], dir);
    assert.equal(stderr, '');
    assert.equal(code, 1);
    const report = JSON.parse(stdout);
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
    assert.deepEqual(report.summary.files, 2);
    assert.equal(report.summary.findings, report.files[0].findings.length + report.files[1].findings.length);
  });

  test('sarif: valid against the official 2.1.0 schema, every rule listed with helpUri, fixes attached', () => {
    const dir = workspace({ 'Dockerfile': insecureDockerfile, 'compose.yaml': insecureCompose });
    const { code, stdout } = run(['check', '--format', 'sarif'], dir);
    assert.equal(code, 1);
    const sarif = JSON.parse(stdout);
    assert.ok(validateSarif(JSON.parse(stdout)), JSON.stringify(validateSarif.errors, null, 2));
    const rules = sarif.runs[0].tool.driver.rules as { id: string; helpUri: string }[];
    assert.ok(rules.some((r) => r.id === 'CG-D020') && rules.some((r) => r.id === 'CG-C070'));
    for (const rule of rules) assert.equal(rule.helpUri, `https://github.com/container-guard/container-guard/blob/main/docs/rules/${rule.id}.md`);
    const privileged = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'CG-C070');
    assert.equal(privileged.level, 'error');
    assert.equal(privileged.locations[0].physicalLocation.artifactLocation.uri, 'compose.yaml');
    assert.equal(privileged.fixes.length, 1);
  });

  test('--fix applies the preferred fixes in place, then reports on the fixed files', () => {
    const dir = workspace({ 'Dockerfile': 'FROM alpine:3.20\nADD app.sh /app.sh\nUSER 10001\nCMD ["/app.sh"]\n' });
    const { code, stdout, stderr } = run(['check', '--fix'], dir);
    assert.equal(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), 'FROM alpine:3.20\nCOPY app.sh /app.sh\nUSER 10001\nCMD ["/app.sh"]\n');
    assert.match(stderr, /fixed Dockerfile/);
    assert.equal(code, 0, stdout);
  });

  test('--fail-on and hints: thresholds decide the exit code', () => {
    const dir = workspace({ 'Dockerfile': 'FROM alpine:3.20\nADD app.sh /app.sh\nUSER 10001\n' });
    assert.equal(run(['check'], dir).code, 0, 'a warning does not reach the default threshold (error)');
    assert.equal(run(['check', '--fail-on', 'warning'], dir).code, 1);
    assert.equal(run(['check', '--fail-on=none'], dir).code, 0);
  });

  test('configuration: .container-guard.yaml rules and ignorePaths; malformed config → stderr line, findings still printed, exit 2', () => {
    const dir = workspace({ 'Dockerfile': insecureDockerfile, 'vendor/Dockerfile': insecureDockerfile, '.container-guard.yaml': 'rules:\n  CG-D021: off\nignorePaths:\n  - vendor/\n' });
    const quiet = JSON.parse(run(['check', '--format', 'json'], dir).stdout);
    assert.deepEqual(quiet.files.map((f: { path: string }) => f.path), ['Dockerfile']);
    assert.ok(!quiet.files[0].findings.some((f: { code: string }) => f.code === 'CG-D021'));

    fs.writeFileSync(path.join(dir, '.container-guard.yaml'), 'rules: [oops\n');
    const broken = run(['check', '--format', 'json'], dir);
    assert.equal(broken.code, 2);
    assert.equal(broken.stderr.trim().split('\n').length, 1);
    assert.match(broken.stderr, /^container-guard: \.container-guard\.yaml:\d+: Invalid configuration/);
    assert.ok(JSON.parse(broken.stdout).files.length >= 1, 'findings computed with defaults are still printed');
  });

  test('usage and I/O errors: one line naming the culprit, exit 2, no stack trace', () => {
    const dir = workspace({});
    for (const [args, pattern] of [
      [['check', '--format', 'xml'], /--format: unknown format 'xml'/],
      [['check', '--bogus'], /unknown option '--bogus'/],
      [['check', 'missing-dir'], /missing-dir: no such file or directory/],
      [['check', '--config', 'nope.yaml'], /--config nope\.yaml: no such file/],
    ] as [string[], RegExp][]) {
      const result = run(args, dir);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, pattern);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    }
  });
});
