// The per-file entry point (settings + project config + build target + ignorePaths + analysis) and the
// one config search rule: upward from the file's folder, stopping at the first folder with `.git`,
// else at the root given; the nearest `.container-guard.yaml` wins whole.
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveConfig, searchStop } from '../../server/src/engine/config-files';
import { foreignIdIndex } from '../../server/src/engine/engine';
import { analyzeFile, binaryContentFinding, decodeText, fileContext, syntaxFindings } from '../../server/src/engine/file-analysis';
import { defaultSettings, normalizeSettings } from '../../server/src/engine/settings';
import { range } from './kit';

const temporary: string[] = [];
after(() => {
  for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder with these files (a name ending in `/` is a folder); removed after the suite. */
function tree(files: Record<string, string>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cg-file-analysis-')));
  temporary.push(root);
  for (const [name, text] of Object.entries(files)) {
    const full = path.join(root, name);
    if (name.endsWith('/')) {
      fs.mkdirSync(full, { recursive: true });
      continue;
    }
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, text);
  }
  return root;
}

const insecure = 'FROM alpine:3.20\nADD app.sh /app.sh\nUSER root\nCMD ["/app.sh"]\n';
const ids = (findings: { ruleId: string }[]) => findings.map((finding) => finding.ruleId);

describe('config search', () => {
  test('searchStop: the first folder with .git (folder or file), else the root, else undefined', () => {
    const root = tree({ 'repo/.git/': '', 'repo/svc/app/': '', 'worktree/.git': 'gitdir: /elsewhere\n', 'worktree/a/': '', 'plain/a/b/': '' });
    assert.equal(searchStop(path.join(root, 'repo', 'svc', 'app'), root), path.join(root, 'repo'));
    assert.equal(searchStop(path.join(root, 'repo'), root), path.join(root, 'repo'), 'the start folder itself');
    assert.equal(searchStop(path.join(root, 'worktree', 'a'), root), path.join(root, 'worktree'), 'a .git file (worktree, submodule)');
    assert.equal(searchStop(path.join(root, 'plain', 'a', 'b'), root), root);
    assert.equal(searchStop(path.join(root, 'plain', 'a', 'b'), path.join(root, 'plain', 'a')), path.join(root, 'plain', 'a'));
    assert.equal(searchStop(path.join(root, 'plain', 'a', 'b'), path.join(root, 'repo')), searchStop(root, undefined), 'a root that is not above the folder never stops the search');
  });

  test('a config above the root (no .git) is not used; one inside the root is', () => {
    const root = tree({ '.container-guard.yaml': 'rules:\n  CG-D021: off\n', 'project/svc/Dockerfile': insecure });
    const file = path.join(root, 'project', 'svc', 'Dockerfile');
    assert.deepEqual(resolveConfig(file, foreignIdIndex, path.join(root, 'project')).config.rules, {});
    assert.deepEqual(resolveConfig(file, foreignIdIndex, root).config.rules, { 'CG-D021': 'off' });
  });

  test('the search stops at the folder with .git, even below the root', () => {
    const root = tree({ '.container-guard.yaml': 'rules:\n  CG-D021: off\n', '.hadolint.yaml': 'ignored: [DL3020]\n', 'project/.git/': '', 'project/Dockerfile': insecure });
    const resolved = resolveConfig(path.join(root, 'project', 'Dockerfile'), foreignIdIndex, root);
    assert.deepEqual(resolved.config.rules, {}, 'neither .container-guard.yaml nor .hadolint.yaml above .git');
    assert.equal(resolved.baseDir, undefined);
    assert.equal(resolved.stopDir, path.join(root, 'project'));
    fs.writeFileSync(path.join(root, 'project', '.hadolint.yaml'), 'ignored: [DL3020]\n');
    assert.deepEqual(resolveConfig(path.join(root, 'project', 'Dockerfile'), foreignIdIndex, root).config.rules, { 'CG-D060': 'off' }, '.hadolint.yaml is found the same way');
  });

  test('the nearest .container-guard.yaml wins whole: levels are not merged', () => {
    const root = tree({
      '.container-guard.yaml': 'profile: strict\nrules:\n  CG-D021: off\nignorePaths: [svc/vendor/]\n',
      'svc/.container-guard.yaml': 'rules:\n  CG-D060: error\n',
      'svc/Dockerfile': insecure,
    });
    const resolved = resolveConfig(path.join(root, 'svc', 'Dockerfile'), foreignIdIndex, root);
    assert.deepEqual(resolved.config, { rules: { 'CG-D060': 'error' }, ignorePaths: [] });
    assert.equal(resolved.baseDir, path.join(root, 'svc'));
  });

  test('a malformed config: one problem naming the file, defaults used', () => {
    const root = tree({ '.container-guard.yaml': 'rules: [oops\n', 'Dockerfile': insecure });
    const resolved = resolveConfig(path.join(root, 'Dockerfile'), foreignIdIndex, root);
    assert.deepEqual(resolved.config, { rules: {}, ignorePaths: [] });
    assert.equal(resolved.problems.length, 1);
    assert.equal(resolved.problems[0].file, path.join(root, '.container-guard.yaml'));
    assert.match(resolved.problems[0].problem.message, /^Invalid configuration \(.+\); using defaults\.$/);
  });

  test('an explicit config path replaces the search', () => {
    const root = tree({ '.container-guard.yaml': 'rules:\n  CG-D021: off\n', 'ci/policy.yaml': 'rules:\n  CG-D060: off\n', 'Dockerfile': insecure });
    const resolved = resolveConfig(path.join(root, 'Dockerfile'), foreignIdIndex, root, path.join(root, 'ci', 'policy.yaml'));
    assert.deepEqual(resolved.config.rules, { 'CG-D060': 'off' });
    assert.equal(resolved.baseDir, path.join(root, 'ci'));
  });
});

describe('analyzeFile', () => {
  test('editor settings with the project config on top; the analysis uses them', () => {
    const root = tree({ '.container-guard.yaml': 'rules:\n  CG-D021: off\n', 'Dockerfile': insecure });
    const editor = normalizeSettings({ rules: { 'CG-D021': 'error', 'CG-D060': 'error' } });
    const result = analyzeFile({ path: path.join(root, 'Dockerfile'), text: insecure, settings: editor, root })!;
    assert.equal(result.kind, 'dockerfile');
    assert.deepEqual(result.settings.rules, { 'CG-D021': 'off', 'CG-D060': 'error' });
    assert.deepEqual(result.configProblems, []);
    assert.equal(result.ignored, false);
    assert.ok(!ids(result.analysis.findings).includes('CG-D021'));
    const add = result.analysis.findings.find((finding) => finding.ruleId === 'CG-D060')!;
    assert.equal(add.severity, 'error');
    assert.deepEqual(add.range, range(1, 0, 1, 3));
  });

  test('analyze(text) re-analyzes a changed text with the same settings and build target', () => {
    const root = tree({ '.container-guard.yaml': 'rules:\n  CG-D060: error\n', 'Dockerfile': insecure });
    const result = analyzeFile({ path: path.join(root, 'Dockerfile'), text: insecure, settings: defaultSettings, root })!;
    const changed = result.analyze('FROM alpine:3.20\nADD a.sh /a.sh\nADD b.sh /b.sh\nUSER 10001\n');
    assert.deepEqual(
      changed.findings.filter((finding) => finding.ruleId === 'CG-D060').map((finding) => [finding.severity, finding.range.start.line]),
      [['error', 1], ['error', 2]],
    );
  });

  test('a Dockerfile gets the build target of the Compose file that builds it, read through readText', () => {
    const text = 'FROM alpine:3.20 AS debug\nUSER root\nCMD ["sh"]\n\nFROM alpine:3.20\nUSER 10001\nCMD ["app"]\n';
    const root = tree({ 'compose.yaml': 'services:\n  api:\n    build: api\n', 'api/Dockerfile': text });
    const file = path.join(root, 'api', 'Dockerfile');
    const onDisk = analyzeFile({ path: file, text, settings: defaultSettings, root })!;
    assert.equal(onDisk.buildTarget, undefined);
    assert.ok(!ids(onDisk.analysis.findings).includes('CG-D021'));
    const unsaved = 'services:\n  api:\n    build:\n      context: api\n      target: debug\n';
    const readText = (other: string) => (other === path.join(root, 'compose.yaml') ? unsaved : undefined);
    const edited = analyzeFile({ path: file, text, settings: defaultSettings, root, readText })!;
    assert.equal(edited.buildTarget, 'debug');
    assert.deepEqual(edited.analysis.findings.filter((finding) => finding.ruleId === 'CG-D021').map((finding) => finding.range), [range(1, 5, 1, 9)]);
  });

  test('Compose files above the folder with .git do not decide the build target', () => {
    const text = 'FROM alpine:3.20 AS debug\nUSER root\n\nFROM alpine:3.20\nUSER 10001\n';
    const root = tree({ 'compose.yaml': 'services:\n  api:\n    build:\n      context: repo/api\n      target: debug\n', 'repo/.git/': '', 'repo/api/Dockerfile': text });
    assert.equal(fileContext({ path: path.join(root, 'repo', 'api', 'Dockerfile'), settings: defaultSettings, root })!.buildTarget, undefined);
    fs.rmSync(path.join(root, 'repo', '.git'), { recursive: true });
    assert.equal(fileContext({ path: path.join(root, 'repo', 'api', 'Dockerfile'), settings: defaultSettings, root })!.buildTarget, 'debug');
  });

  test('ignorePaths, config problems, the kind from the name or as given, no path', () => {
    const root = tree({ '.container-guard.yaml': 'ignorePaths: [vendor/]\n', 'vendor/Dockerfile': insecure, 'deploy/stack.yml': '' });
    assert.equal(fileContext({ path: path.join(root, 'vendor', 'Dockerfile'), settings: defaultSettings, root })!.ignored, true);
    assert.equal(fileContext({ path: path.join(root, 'deploy', 'stack.yml'), settings: defaultSettings, root }), undefined, 'not a recognised name');
    const forced = analyzeFile({ path: path.join(root, 'deploy', 'stack.yml'), kind: 'compose', text: 'services:\n  web:\n    image: nginx:1.27\n    privileged: true\n', settings: defaultSettings, root })!;
    assert.equal(forced.kind, 'compose');
    assert.ok(ids(forced.analysis.findings).includes('CG-C070'));
    const untitled = analyzeFile({ path: undefined, kind: 'dockerfile', text: insecure, settings: normalizeSettings({ rules: { 'CG-D060': 'off' } }) })!;
    assert.deepEqual([untitled.ignored, untitled.buildTarget, untitled.configProblems], [false, undefined, []]);
    assert.ok(!ids(untitled.analysis.findings).includes('CG-D060'));
    fs.writeFileSync(path.join(root, '.container-guard.yaml'), 'profile: paranoid\n');
    const broken = fileContext({ path: path.join(root, 'vendor', 'Dockerfile'), settings: defaultSettings, root })!;
    assert.equal(broken.ignored, false, 'a malformed config falls back to defaults (no ignorePaths)');
    assert.deepEqual(broken.configProblems.map((problem) => [problem.file, problem.problem.message]), [[path.join(root, '.container-guard.yaml'), '`profile` must be `baseline` or `strict`; using defaults.']]);
  });
});

describe('CG-SYNTAX', () => {
  test('an unknown Dockerfile instruction is a CG-SYNTAX error with the validator message and range', () => {
    const analysis = analyzeFile({ path: undefined, kind: 'dockerfile', text: 'FROM alpine:3.20\nFORM ubuntu\n', settings: defaultSettings })!.analysis;
    assert.deepEqual(
      syntaxFindings(analysis).map((finding) => [finding.ruleId, finding.severity, finding.message, finding.range, finding.fixes]),
      [['CG-SYNTAX', 'error', 'Unknown instruction: FORM', range(1, 0, 1, 4), []]],
    );
  });

  test('YAML errors of a Compose file are CG-SYNTAX errors; YAML warnings and valid files give none', () => {
    const analysis = analyzeFile({ path: undefined, kind: 'compose', text: 'services: [oops\n', settings: defaultSettings })!.analysis;
    const findings = syntaxFindings(analysis);
    assert.deepEqual(findings.map((finding) => [finding.ruleId, finding.severity, finding.range.start]), [['CG-SYNTAX', 'error', { line: 1, character: 0 }]]);
    assert.match(findings[0].message, /^Flow sequence in block collection must be sufficiently indented and end with a \]/);
    const valid = analyzeFile({ path: undefined, kind: 'compose', text: 'services:\n  web:\n    image: nginx:1.27\n', settings: defaultSettings })!.analysis;
    assert.deepEqual(syntaxFindings(valid), []);
    const unknownTag = analyzeFile({ path: undefined, kind: 'compose', text: 'services:\n  web:\n    image: !custom nginx:1.27\n', settings: defaultSettings })!.analysis;
    assert.deepEqual(unknownTag.problems.map((problem) => [problem.source, problem.severity]), [['container-guard-yaml', 'warning']]);
    assert.deepEqual(syntaxFindings(unknownTag), [], 'a YAML warning is not CG-SYNTAX');
  });

  test('binary content: NUL bytes or invalid UTF-8 are not text', () => {
    assert.equal(decodeText(Buffer.from('FROM alpine:3.20\n')), 'FROM alpine:3.20\n');
    assert.equal(decodeText(Buffer.from('\ufeffFROM x\n')), '\ufeffFROM x\n', 'a BOM is kept, as the editor keeps it');
    assert.equal(decodeText(Buffer.from([0x46, 0x52, 0x00, 0x4d])), undefined);
    assert.equal(decodeText(Buffer.from([0x46, 0xff, 0xfe, 0x4d])), undefined);
    const finding = binaryContentFinding();
    assert.deepEqual([finding.ruleId, finding.severity, finding.range], ['CG-SYNTAX', 'error', range(0, 0, 0, 0)]);
    assert.match(finding.message, /^Binary content/);
  });
});

test('fix rounds analyze without the syntax validator: the findings are the same, the syntax problem is not recomputed', () => {
  const text = 'FROM alpine:3.20\nFORM ubuntu\nADD a /a\n';
  const context = fileContext({ path: undefined, kind: 'dockerfile', settings: defaultSettings })!;
  const full = context.analyze(text);
  const round = context.analyze(text, undefined, { validate: false });
  assert.ok(full.problems.some((p) => /FORM/.test(p.message)));
  assert.deepEqual(round.problems.filter((p) => /FORM/.test(p.message)), []);
  assert.deepEqual(round.findings.map((f) => f.ruleId), full.findings.map((f) => f.ruleId));
});

