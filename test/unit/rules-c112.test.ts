// Unit tests of CG-C112 (secret files that git would commit) and the git readers it uses: the
// repository root, `.gitignore` matching with git's precedence, and the index read with isomorphic-git.
// Each test builds a real repository in a temporary folder with isomorphic-git (init, add, commit) and
// removes it afterwards; nothing runs a git binary.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as git from 'isomorphic-git';
import { analyze } from '../../server/src/engine/engine';
import { parseCompose } from '../../server/src/engine/compose/model';
import { GitIndexCache, gitCapability, loadTrackedFiles } from '../../server/src/engine/git-index';
import { findRepositoryRoot, gitignoreLineFor, isGitIgnored } from '../../server/src/engine/gitignore';
import { applyEdits } from '../../server/src/engine/text';
import type { Finding, GitCapability, RuleContext } from '../../server/src/engine/types';
import { composeRules } from '../../server/src/rules/compose/index';
import { rule as C112 } from '../../server/src/rules/compose/C112-committed-secret-file';
import { runRule } from '../../server/src/engine/engine';
import { lines, range } from './kit';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A temporary repository with these files (paths relative to its root), removed after the test. */
async function repository(files: Record<string, string>, options: { commit?: string[]; init?: boolean } = {}): Promise<string> {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cg-c112-')));
  made.push(dir);
  if (options.init !== false) await git.init({ fs, dir });
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  if (options.commit?.length) {
    for (const file of options.commit) await git.add({ fs, dir, filepath: file });
    await git.commit({ fs, dir, message: 'test', author: { name: 'Test', email: 'test@example.com' } });
  }
  return dir;
}

function readFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function check(dir: string, git?: GitCapability, composeFile = 'compose.yaml'): Finding[] {
  const file = path.join(dir, composeFile);
  const context: RuleContext = { profile: 'baseline', filePath: file, readFile, git };
  return runRule(C112, parseCompose(fs.readFileSync(file, 'utf8')), context);
}

/** Carries out a fix's other-file edits on disk. */
function applyOnDisk(finding: Finding): void {
  for (const edit of finding.fixes[0].otherFiles ?? []) {
    const before = edit.create ? '' : fs.readFileSync(edit.path, 'utf8');
    fs.writeFileSync(edit.path, applyEdits(before, edit.edits));
  }
}

const SECRET_ENV = 'DB_PASSWORD=Zx8kLq2mNv7pRt4w\n';
const compose = (...service: string[]) => lines('services:', '  api:', '    image: example/api:1.4', ...service);

describe('CG-C112 metadata', () => {
  it('is a Compose Warning with a fix, registered after CG-C111', () => {
    assert.deepEqual([C112.meta.severity, C112.meta.kind, C112.meta.fixable], ['warning', 'compose', true]);
    const ids = composeRules.map((rule) => rule.meta.id);
    assert.equal(ids[ids.indexOf('CG-C111') + 1], 'CG-C112');
  });
});

describe('CG-C112 env_file', () => {
  it('reports an env file with secrets that no .gitignore excludes, and adds it to .gitignore', async () => {
    const dir = await repository({ 'compose.yaml': compose('    env_file: .env'), '.env': SECRET_ENV });
    const [finding, ...rest] = check(dir);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, range(3, 14, 3, 18));
    assert.equal(finding.message, 'env_file ".env" holds secrets, and no .gitignore excludes it: "git add ." would commit it with the repository. Add it to .gitignore.');
    const [fix] = finding.fixes;
    assert.deepEqual([fix.title, fix.isPreferred, fix.edits, fix.otherFiles?.[0].path, fix.otherFiles?.[0].create], ['Add /.env to .gitignore', false, [], path.join(dir, '.gitignore'), true]);
    applyOnDisk(finding);
    assert.equal(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8'), '/.env\n');
    assert.deepEqual(check(dir), []);
  });

  it('extends the nearest .gitignore, and reads the list and long forms', async () => {
    const dir = await repository({
      'deploy/compose.yaml': compose('    env_file:', '      - ./config/app.env', '      - path: ./secret.env', '        required: false'),
      'deploy/config/app.env': 'TZ=UTC\nLOG_LEVEL=info\n',
      'deploy/secret.env': 'export API_TOKEN="ghp_abcdefghijklmnopqrstuvwxyz0123456789"\n',
      'deploy/.gitignore': 'node_modules',
      '.gitignore': '*.log\n',
    });
    const [finding, ...rest] = check(dir, undefined, 'deploy/compose.yaml');
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, range(5, 14, 5, 26));
    assert.equal(finding.fixes[0].title, 'Add /secret.env to deploy/.gitignore');
    applyOnDisk(finding);
    assert.equal(fs.readFileSync(path.join(dir, 'deploy/.gitignore'), 'utf8'), 'node_modules\n/secret.env\n');
    assert.deepEqual(check(dir, undefined, 'deploy/compose.yaml'), []);
  });

  it('does not report ignored files, plain settings, templates, variables, or a missing file not named .env', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ '.env': SECRET_ENV, '.gitignore': '.env\n' }, '    env_file: .env'],
      [{ '.env': SECRET_ENV, '.gitignore': '*.env\n.env*\n' }, '    env_file: [.env]'],
      [{ 'app.env': 'TZ=UTC\nPASSWORD_FILE=/run/secrets/db\n' }, '    env_file: app.env'],
      [{ '.env.example': SECRET_ENV }, '    env_file: .env.example'],
      [{}, '    env_file: ${ENV_FILE}'],
      [{}, '    env_file: config.env'],
      [{ 'config/.env': SECRET_ENV, '.gitignore': 'config/\n', 'config/.gitignore': '!.env\n' }, '    env_file: config/.env'],
    ];
    for (const [files, service] of cases) {
      const dir = await repository({ 'compose.yaml': compose(service), ...files });
      assert.deepEqual(check(dir), [], service + JSON.stringify(files));
    }
  });

  it('reports a missing env file named like .env, and an un-ignoring exception', async () => {
    const missing = await repository({ 'compose.yaml': compose('    env_file: .env.production') });
    assert.equal(check(missing).length, 1);
    const reincluded = await repository({ 'compose.yaml': compose('    env_file: prod.env'), 'prod.env': SECRET_ENV, '.gitignore': '*.env\n!prod.env\n' });
    assert.equal(check(reincluded).length, 1);
  });

  it('reports a tracked file even when .gitignore lists it, without a .gitignore fix', async () => {
    const dir = await repository({ 'compose.yaml': compose('    env_file: .env'), '.env': SECRET_ENV }, { commit: ['.env'] });
    fs.writeFileSync(path.join(dir, '.gitignore'), '.env\n');
    const capability = gitCapability(dir, await loadTrackedFiles(dir));
    const [finding] = check(dir, capability);
    assert.equal(
      finding.message,
      'env_file ".env" holds secrets, and git tracks it: it is committed with the repository (a .gitignore entry does not untrack it). Remove it from the index (git rm --cached .env), ignore it and rotate what it held.',
    );
    assert.deepEqual(finding.fixes, []);
    // Without the index only .gitignore is known: the file counts as ignored.
    assert.deepEqual(check(dir), []);
  });
});

describe('CG-C112 secrets files and mounted key files', () => {
  it('reports a secrets file whether or not it exists, and a bind-mounted private key', async () => {
    const text = lines(
      'services:',
      '  web:',
      '    image: example/web:2.0',
      '    volumes:',
      '      - ./certs/server.key:/etc/ssl/private/server.key:ro',
      '      - ./certs/ca.pem:/etc/ssl/certs/ca.pem:ro',
      '      - type: bind',
      '        source: ./keys/id_ed25519',
      '        target: /root/.ssh/id_ed25519',
      'secrets:',
      '  db_password:',
      '    file: ./secrets/db_password.txt',
      '  api_key:',
      '    environment: API_KEY',
    );
    const dir = await repository({ 'compose.yaml': text, 'certs/server.key': 'k', 'certs/ca.pem': 'c' });
    const findings = check(dir);
    assert.deepEqual(findings.map((f) => f.range), [range(4, 8, 4, 57), range(7, 16, 7, 33), range(11, 10, 11, 35)]);
    assert.equal(findings[0].message, '"./certs/server.key" is a credential file mounted into the container, and no .gitignore excludes it: "git add ." would commit it with the repository. Add it to .gitignore.');
    assert.equal(findings[2].message, 'The secrets file "./secrets/db_password.txt" holds a Compose secret, and no .gitignore excludes it: "git add ." would commit it with the repository. Add it to .gitignore.');
    applyOnDisk(findings[2]);
    assert.equal(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8'), '/secrets/db_password.txt\n');
    assert.equal(check(dir).length, 2);
  });

  it('reports a value written in an anchor once, with each receiving service', async () => {
    const text = lines('x-env: &env', '  env_file: .env', 'services:', '  a:', '    image: x:1', '    <<: *env', '  b:', '    image: y:1', '    <<: *env');
    const dir = await repository({ 'compose.yaml': text, '.env': SECRET_ENV });
    const [finding, ...rest] = check(dir);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, range(1, 12, 1, 16));
    assert.equal(finding.related?.length, 2);
  });
});

describe('CG-C112 outside a repository and without a file', () => {
  it('says nothing without .git, without a path, and for a path outside the repository', async () => {
    const plain = await repository({ 'compose.yaml': compose('    env_file: .env'), '.env': SECRET_ENV }, { init: false });
    assert.deepEqual(check(plain), []);
    assert.deepEqual(runRule(C112, parseCompose(compose('    env_file: .env')), { profile: 'baseline' }), []);
    const dir = await repository({ 'compose.yaml': compose('    env_file: ../../elsewhere/.env') });
    assert.deepEqual(check(dir), []);
  });

  it('is published by the engine at Warning when a file path is given', async () => {
    const dir = await repository({ 'compose.yaml': compose('    env_file: .env'), '.env': SECRET_ENV });
    const file = path.join(dir, 'compose.yaml');
    const findings = analyze(fs.readFileSync(file, 'utf8'), { kind: 'compose', filePath: file, readFile }).findings.filter((f) => f.ruleId === 'CG-C112');
    assert.deepEqual(findings.map((f) => f.severity), ['warning']);
  });
});

describe('git readers', () => {
  it('finds the repository root from a nested folder, also for a worktree .git file', async () => {
    const dir = await repository({ 'a/b/c.txt': 'x' });
    assert.equal(findRepositoryRoot(path.join(dir, 'a/b'), readFile), dir);
    const worktree = await repository({ '.git': 'gitdir: /elsewhere/.git/worktrees/w\n', 'x/y': '' }, { init: false });
    assert.equal(findRepositoryRoot(path.join(worktree, 'x'), readFile), worktree);
    const none = await repository({ 'x/y': '' }, { init: false });
    assert.equal(findRepositoryRoot(path.join(none, 'x'), (file) => (file.startsWith(none) ? readFile(file) : undefined)), undefined);
  });

  it('matches .gitignore files with git precedence, info/exclude included', async () => {
    const dir = await repository({
      '.gitignore': '*.secret\nbuild/\n!keep.secret\n',
      'sub/.gitignore': 'keep.secret\n/local.txt\n',
      'sub/deeper/x': '',
    });
    fs.writeFileSync(path.join(dir, '.git/info/exclude'), 'mine.txt\n');
    const ignored = (file: string) => isGitIgnored(dir, path.join(dir, file), readFile);
    assert.equal(ignored('a.secret'), true);
    assert.equal(ignored('keep.secret'), false);
    assert.equal(ignored('sub/keep.secret'), true);
    assert.equal(ignored('sub/local.txt'), true);
    assert.equal(ignored('sub/deeper/local.txt'), false);
    assert.equal(ignored('build/out/x.js'), true);
    assert.equal(ignored('mine.txt'), true);
    assert.equal(ignored('plain.txt'), false);
    assert.equal(ignored('.git/config'), false);
    assert.equal(isGitIgnored(dir, '/elsewhere/a.secret', readFile), false);
  });

  it('writes anchored, escaped .gitignore lines', () => {
    assert.equal(gitignoreLineFor('/r/.gitignore', '/r/deploy/.env'), '/deploy/.env');
    assert.equal(gitignoreLineFor('/r/sub/.gitignore', '/r/sub/a[1]*.env'), '/a\\[1\\]\\*.env');
  });

  it('reads the index with isomorphic-git once per repository, until invalidated', async () => {
    const dir = await repository({ 'tracked.env': 'A=1', 'new.env': 'B=2' }, { commit: ['tracked.env'] });
    const cache = new GitIndexCache();
    const capability = await cache.capabilityFor(path.join(dir, 'tracked.env'));
    assert.equal(capability?.root, dir);
    assert.equal(capability?.isTracked(path.join(dir, 'tracked.env')), true);
    assert.equal(capability?.isTracked(path.join(dir, 'new.env')), false);
    assert.equal(capability?.isTracked('/elsewhere/x'), false);
    await git.add({ fs, dir, filepath: 'new.env' });
    assert.equal((await cache.capabilityFor(path.join(dir, 'new.env')))?.isTracked(path.join(dir, 'new.env')), false);
    cache.invalidate(dir);
    assert.equal((await cache.capabilityFor(path.join(dir, 'new.env')))?.isTracked(path.join(dir, 'new.env')), true);
    const outside = await repository({ 'x.env': '' }, { init: false });
    assert.equal(await new GitIndexCache((file) => (file.startsWith(outside) ? readFile(file) : undefined)).capabilityFor(path.join(outside, 'x.env')), undefined);
    assert.equal(gitCapability(dir, undefined).isTracked(path.join(dir, 'tracked.env')), undefined);
  });
});
