// The generic engine: file kinds, settings, suppressions (ours and other tools'), configuration
// files, fix combination and fix-all.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { allRules, analyze, foreignIdIndex } from '../../server/src/engine/engine';
import { kindFromFileName, kindOfDocument } from '../../server/src/engine/file-kind';
import { normalizeSettings } from '../../server/src/engine/settings';
import { parseContainerGuardConfig, parseHadolintConfig } from '../../server/src/engine/config';
import { globToRegExp, isIgnoredPath, resolveConfig, withFileConfig } from '../../server/src/engine/config-files';
import { fixAllEdits, fixUntilStable, minimalEdit } from '../../server/src/engine/fix-all';
import { ignoreFileFix, ignoreLineFix } from '../../server/src/engine/suppression';
import { applyEdits } from '../../server/src/engine/text';
import { parseDockerfile, type DockerfileModel } from '../../server/src/engine/dockerfile/model';
import { commandsOf } from '../../server/src/engine/dockerfile/shell';

/** Settings with every rule off except `ruleIds`: these tests are about the engine, not the rule set. */
function only(...ruleIds: string[]) {
  const rules = Object.fromEntries(allRules.filter((rule) => !ruleIds.includes(rule.id)).map((rule) => [rule.id, 'off']));
  return normalizeSettings({ rules, summarize: false });
}
/** The rules of the first twelve-rule release: what the suppression and fix tests below exercise. */
const firstRules = only('CG-D001', 'CG-D002', 'CG-D020', 'CG-D021', 'CG-D060', 'CG-D073', 'CG-C020', 'CG-C023', 'CG-C040', 'CG-C041', 'CG-C043', 'CG-C070');

const ids = (text: string, kind: 'dockerfile' | 'compose' = 'dockerfile', settings = firstRules) =>
  analyze(text, { kind, settings }).findings.map((f) => f.ruleId);

describe('file kinds', () => {
  test('Dockerfile and Compose names from DESIGN.md, with / and \\ separators', () => {
    for (const name of ['Dockerfile', 'Containerfile', 'api.dockerfile', 'x.containerfile', 'Dockerfile.dev', 'Containerfile.prod', 'C:\\src\\app\\Dockerfile', 'file:///w/Dockerfile']) {
      assert.equal(kindFromFileName(name), 'dockerfile', name);
    }
    for (const name of ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml', 'compose.override.yaml', 'docker-compose.prod.yml', 'file:///w/docker-compose.dev.yaml', 'docker-compose-v3.yml', 'compose-dev.yaml', 'C:\\w\\docker-compose-mariadb-redis.yml']) {
      assert.equal(kindFromFileName(name), 'compose', name);
    }
    for (const name of ['config.yaml', 'values.yml', 'Dockerfilex', 'my-compose.yaml', 'compose.json', 'composer.yaml', 'docker-composer.yml']) assert.equal(kindFromFileName(name), undefined, name);
  });

  test('language ids: yaml only when the name is a Compose name', () => {
    assert.equal(kindOfDocument('file:///w/compose.yaml', 'yaml'), 'compose');
    assert.equal(kindOfDocument('file:///w/config.yaml', 'yaml'), undefined);
    assert.equal(kindOfDocument('untitled:Untitled-1', 'dockerfile'), 'dockerfile');
    assert.equal(kindOfDocument('file:///w/stack.yml', 'dockercompose'), 'compose');
  });
});

describe('settings', () => {
  test('null means defaults; malformed values are ignored; severities normalized', () => {
    assert.deepEqual(normalizeSettings(null).rules, {});
    const settings = normalizeSettings({ profile: 'strict', rules: { 'cg-d060': 'ERROR', 'CG-D073': 'loud', 'CG-D020': 3 } });
    assert.equal(settings.profile, 'strict');
    assert.deepEqual(settings.rules, { 'CG-D060': 'error' });
    assert.equal(normalizeSettings({ profile: 'paranoid' }).profile, 'baseline');
  });

  test('profile strict raises CG-D020 to error; a rule setting wins over the profile', () => {
    const text = 'FROM debian:12\nCMD ["bash"]\n';
    const severity = (raw: unknown) => analyze(text, { kind: 'dockerfile', settings: normalizeSettings(raw) }).findings.find((f) => f.ruleId === 'CG-D020')?.severity;
    assert.equal(severity(null), 'warning');
    assert.equal(severity({ profile: 'strict' }), 'error');
    assert.equal(severity({ profile: 'strict', rules: { 'CG-D020': 'info' } }), 'info');
    assert.equal(severity({ rules: { 'CG-D020': 'off' } }), undefined);
  });
});

describe('suppression comments', () => {
  const base = 'FROM alpine:3.20\nUSER 10001\n';

  test('ours: the line above the instruction, several ids, a reason; other rules still fire', () => {
    assert.deepEqual(ids(base + 'ADD a /a\n'), ['CG-D060']);
    assert.deepEqual(ids(base + '# container-guard ignore=CG-D060 -- vendored file\nADD a /a\n'), []);
    assert.deepEqual(ids(base + '# container-guard ignore=CG-D073,CG-D060\nADD a /a\n'), []);
    assert.deepEqual(ids(base + '# container-guard ignore=CG-D073\nADD a /a\n'), ['CG-D060']);
    assert.deepEqual(ids(base + '# container-guard ignore=CG-D060\nRUN true\nADD a /a\n'), ['CG-D060'], 'only the next instruction');
  });

  test('ours: global ignore anywhere in the file', () => {
    assert.deepEqual(ids(base + 'ADD a /a\nADD b /b\n# container-guard global ignore=CG-D060\n'), []);
  });

  test('hadolint, BuildKit check=skip, KICS and Checkov pragmas map to our rules', () => {
    assert.deepEqual(ids(base + '# hadolint ignore=DL3020\nADD a /a\n'), []);
    assert.deepEqual(ids('# hadolint global ignore=DL3020\n' + base + 'ADD a /a\n'), []);
    assert.deepEqual(ids('# check=skip=JSONArgsRecommended\n' + base + 'CMD node a.js\n'), []);
    assert.deepEqual(ids(base + 'RUN true\n# check=skip=JSONArgsRecommended\nCMD node a.js\n'), [], 'check= directly above an instruction skips it there');
    assert.deepEqual(ids(base + '# kics-scan ignore-line\nADD a /a\n'), []);
    assert.deepEqual(ids('# kics-scan disable=9513a694-aa0d-41d8-be61-3271e056f36b\n' + base + 'ADD a /a\n'), []);
    assert.deepEqual(ids('#checkov:skip=CKV_DOCKER_3:runs as root on purpose\nFROM debian:12\nCMD ["bash"]\n'), []);
  });

  test('in Compose, the comment goes above the key or list item', () => {
    const text = 'services:\n  web:\n    image: nginx:1.27\n    cap_drop: [ALL]\n    security_opt: [no-new-privileges:true]\n    # container-guard ignore=CG-C070 -- needs the GPU driver\n    privileged: true\n';
    assert.deepEqual(ids(text, 'compose'), []);
    assert.deepEqual(ids(text.replace('CG-C070', 'CG-C040'), 'compose'), ['CG-C070']);
  });

  test('ignore actions insert the comment (indented like the statement, file eol) and clear the finding', () => {
    const text = 'services:\r\n  web:\r\n    image: nginx:1.27\r\n    cap_drop: [ALL]\r\n    security_opt: [no-new-privileges:true]\r\n    privileged: true\r\n';
    const analysis = analyze(text, { kind: 'compose', settings: firstRules });
    const finding = analysis.findings.find((f) => f.ruleId === 'CG-C070')!;
    const fixed = applyEdits(text, ignoreLineFix(analysis.model, finding).edits);
    assert.match(fixed, /\r\n    # container-guard ignore=CG-C070\r\n    privileged: true/);
    assert.deepEqual(ids(fixed, 'compose'), []);
    const global = applyEdits(text, ignoreFileFix(analysis.model, 'CG-C070').edits);
    assert.ok(global.startsWith('# container-guard global ignore=CG-C070\r\nservices:'));
    assert.deepEqual(ids(global, 'compose'), []);
  });

  test('ignore for this line appends to an existing comment; ignore in file goes below parser directives', () => {
    const text = '# syntax=docker/dockerfile:1\nFROM alpine:3.20\nUSER 1\n# container-guard ignore=CG-D073\nADD a /a\n';
    const analysis = analyze(text, { kind: 'dockerfile', settings: firstRules });
    const add = analysis.findings.find((f) => f.ruleId === 'CG-D060')!;
    assert.equal(applyEdits(text, ignoreLineFix(analysis.model, add).edits), text.replace('ignore=CG-D073', 'ignore=CG-D073,CG-D060'));
    assert.equal(applyEdits(text, ignoreFileFix(analysis.model, 'CG-D060').edits), text.replace('dockerfile:1\n', 'dockerfile:1\n# container-guard global ignore=CG-D060\n'));
  });
});

describe('configuration files', () => {
  test('.container-guard.yaml: valid keys', () => {
    const { config, problem } = parseContainerGuardConfig('profile: strict\nrules:\n  cg-d073: off\n  CG-C041: error\ntrustedRegistries: [ghcr.io]\nignorePaths:\n  - vendor/\n');
    assert.equal(problem, undefined);
    assert.deepEqual(config, { profile: 'strict', rules: { 'CG-D073': 'off', 'CG-C041': 'error' }, trustedRegistries: ['ghcr.io'], ignorePaths: ['vendor/'] });
    assert.deepEqual(parseContainerGuardConfig('').config, { rules: {}, ignorePaths: [] });
  });

  test('.container-guard.yaml: one clear problem with a range, and defaults', () => {
    const cases: [string, RegExp, number][] = [
      ['profile: paranoid\n', /`profile` must be `baseline` or `strict`/, 0],
      ['rules:\n  CG-D073: loud\n', /"CG-D073: loud" is not a rule id/, 1],
      ['rules: [oops\n', /Invalid configuration/, 1],
      ['colour: blue\n', /Unknown configuration key `colour`/, 0],
      ['- a\n- b\n', /must be a mapping/, 0],
    ];
    for (const [text, message, line] of cases) {
      const { config, problem } = parseContainerGuardConfig(text);
      assert.ok(problem, text);
      assert.match(problem.message, message);
      assert.equal(problem.range.start.line, line, text);
      assert.deepEqual(config, { rules: {}, ignorePaths: [] });
    }
  });

  test('an alias bomb in a config file is cheap and harmless', () => {
    let text = 'a: &a [x, x, x, x, x, x, x, x, x]\n';
    for (const name of 'bcdefghi') text += `${name}: &${name} [${Array(9).fill('*' + String.fromCharCode(name.charCodeAt(0) - 1)).join(', ')}]\n`;
    const started = Date.now();
    const { problem } = parseContainerGuardConfig(text);
    assert.ok(Date.now() - started < 500);
    assert.match(problem!.message, /Unknown configuration key/);
  });

  test('.hadolint.yaml: ignored and override map to our rules', () => {
    const { config } = parseHadolintConfig('ignored: [DL3020]\noverride:\n  error: [DL3025]\n  style: [DL3006]\ntrustedRegistries: [docker.io]\n', foreignIdIndex);
    assert.deepEqual(config.rules, { 'CG-D060': 'off', 'CG-D073': 'error', 'CG-D001': 'hint' });
    assert.deepEqual(config.trustedRegistries, ['docker.io']);
  });

  test('nearest ancestor config, layered over .hadolint.yaml, decides severities and ignorePaths', (t) => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-config-'));
    t.after(() => fs.rmSync(root, { recursive: true, force: true }));
    fs.mkdirSync(path.join(root, 'svc', 'vendor'), { recursive: true });
    fs.writeFileSync(path.join(root, '.hadolint.yaml'), 'ignored: [DL3020, DL3025]\n');
    fs.writeFileSync(path.join(root, 'svc', '.container-guard.yaml'), 'rules:\n  CG-D073: error\nignorePaths: [vendor/]\n');
    const resolved = resolveConfig(path.join(root, 'svc', 'Dockerfile'), foreignIdIndex, root);
    assert.deepEqual(resolved.config.rules, { 'CG-D060': 'off', 'CG-D073': 'error' });
    assert.equal(isIgnoredPath(path.join(root, 'svc', 'vendor', 'Dockerfile'), resolved), true);
    assert.equal(isIgnoredPath(path.join(root, 'svc', 'Dockerfile'), resolved), false);
    const settings = withFileConfig(normalizeSettings({ rules: { 'CG-D073': 'off', 'CG-D020': 'info' } }), resolved.config);
    assert.deepEqual(settings.rules, { 'CG-D073': 'error', 'CG-D020': 'info', 'CG-D060': 'off' });
  });

  test('gitignore-style globs', () => {
    assert.ok(globToRegExp('vendor/').test('a/vendor/Dockerfile'));
    assert.ok(globToRegExp('*.dev').test('x/Dockerfile.dev'));
    assert.ok(!globToRegExp('/build').test('src/build/Dockerfile'));
    assert.ok(globToRegExp('**/testdata/**').test('a/b/testdata/c/compose.yaml'));
    assert.ok(!globToRegExp('test?').test('tests2/Dockerfile'));
  });
});

describe('fix combination', () => {
  test('fix-all applies every preferred fix at once without overlaps, and the result is clean', () => {
    const text = 'FROM alpine:3.20\nADD a /a\nADD b /b\nCMD node server.js\n';
    const analysis = analyze(text, { kind: 'dockerfile', settings: firstRules });
    const fixed = applyEdits(text, fixAllEdits(analysis));
    assert.equal(fixed, 'FROM alpine:3.20\nCOPY a /a\nCOPY b /b\nCMD ["node", "server.js"]\n');
    // Adding a USER changes who the process runs as: a quick fix, never fix-all (catalogue §6.4).
    assert.deepEqual(ids(fixed), ['CG-D020']);
    assert.deepEqual(fixAllEdits(analyze(fixed, { kind: 'dockerfile', settings: firstRules })), [], 'a second fix-all changes nothing');
  });

  test('fixUntilStable converges and minimalEdit covers only the changed middle', () => {
    const text = 'services:\n  web:\n    image: nginx:1.27\n    privileged: true\n';
    // Every finding's first fix (as the wizard applies chosen measures): removing privileged is not preferred.
    const fixed = fixUntilStable(text, (t) => analyze(t, { kind: 'compose', settings: firstRules }), (a) => a.findings, false);
    assert.deepEqual(ids(fixed, 'compose'), []);
    const edit = minimalEdit(text, fixed)!;
    assert.equal(applyEdits(text, [edit]), fixed);
    assert.ok(edit.range.start.line >= 2, 'the unchanged head is not rewritten');
    assert.equal(minimalEdit(text, text), undefined);
  });

  test('minimalEdit never splits a CRLF pair', () => {
    const before = 'a\r\nb\r\n';
    const after = 'a\r\nx\r\nb\r\n';
    const edit = minimalEdit(before, after)!;
    assert.equal(applyEdits(before, [edit]), after);
  });
});

describe('Dockerfile analysis while typing (previous version)', () => {
  const base = [
    '# syntax=docker/dockerfile:1',
    'FROM alpine:3.20 AS build',
    'RUN apk add curl && curl -k https://example.com/install.sh | sh',
    'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
    'RUN apt-get update && apt-get install -y git \\',
    '    && pip install requests --trusted-host pypi.org',
    'ONBUILD RUN wget --no-check-certificate https://example.com/x',
    'FROM build',
    'ENV PIP_INDEX_URL=http://mirror.example.com/simple',
    'RUN <<EOF',
    'apt-get install -y vim',
    'EOF',
    'RUN export GIT_SSL_NO_VERIFY=1 && git clone https://example.com/r.git',
    '',
  ].join('\n');
  /** Texts as they are typed: characters inserted in the middle, a line added, an escape directive, a RUN changed. */
  const versions = [
    base,
    base.replace('install -y git', 'install -y gitx'),
    base.replace('install -y git', 'install -y gitxy'),
    base.replace('FROM build\n', 'FROM build\nUSER app\n'),
    base.replace('FROM build\n', 'FROM build\nUSER app\n').replace('\n', '\n# a comment\n'),
    '# escape=`\n' + base,
    base.replace('SHELL ["/bin/bash", "-o", "pipefail", "-c"]', 'SHELL ["pwsh", "-c"]'),
    base,
  ];

  test('gives exactly what a fresh analysis gives, version after version', () => {
    let previous = analyze(versions[0], { kind: 'dockerfile' });
    for (const text of versions.slice(1).concat(versions.slice().reverse())) {
      const typed = analyze(text, { kind: 'dockerfile', previous });
      const fresh = analyze(text, { kind: 'dockerfile' });
      assert.deepEqual(typed.findings, fresh.findings);
      assert.deepEqual(typed.problems, fresh.problems);
      previous = typed;
    }
  });

  test('reuses the commands of a RUN whose text and position did not change, for its new instruction', () => {
    const previous = parseDockerfile(versions[0]);
    const next = parseDockerfile(versions[1], { previous });
    const firstRun = (model: DockerfileModel) => model.instructions.find((i) => i.keyword === 'RUN')!;
    const before = commandsOf(previous, firstRun(previous));
    const after = commandsOf(next, firstRun(next));
    assert.equal(after[0].argv[0], before[0].argv[0]);
    assert.equal(after[0].instruction, firstRun(next));
    // The edited RUN is read again.
    const editedRun = (model: DockerfileModel) => model.instructions.filter((i) => i.keyword === 'RUN')[1];
    assert.notEqual(commandsOf(next, editedRun(next))[0].argv[0], commandsOf(previous, editedRun(previous))[0].argv[0]);
  });
});
