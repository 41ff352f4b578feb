// Every registered rule is complete: catalogue-shaped id, valid severities, equivalents, a docs
// page that names it, and README's rule table lists it (scripts/rules-table.mjs keeps that in sync).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allRules } from '../../server/src/engine/engine';

/** The repository root: found from the working directory, so tests compiled anywhere (--outDir) work. */
function findRepoRoot(): string {
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'docs', 'rules')) && fs.existsSync(path.join(dir, 'README.md'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(__dirname, '..', '..', '..');
  }
}
const repoRoot = findRepoRoot();
const severities = ['error', 'warning', 'info', 'hint', 'off'];

/** Ids that are not catalogue rows: the engine's own check of ignore comments (catalogue §6.3). */
const specialIds = ['CG-UNUSED-IGNORE'];
/** Ids that read both file kinds: the engine's own check, and CG-D032 ("also applies to Compose files"). */
const bothKinds = ['CG-D032', 'CG-UNUSED-IGNORE'];

test('rule ids are unique, catalogue-shaped, and match their file kind', () => {
  const ids = allRules.map((rule) => rule.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const rule of allRules) {
    if (!specialIds.includes(rule.id)) assert.match(rule.id, /^CG-[DC]\d{3}$/);
    const kind = bothKinds.includes(rule.id) ? 'any' : rule.id.startsWith('CG-D') ? 'dockerfile' : 'compose';
    assert.equal(rule.kind, kind, rule.id);
    assert.ok(severities.includes(rule.severity), rule.id);
    if (rule.strictSeverity) assert.ok(severities.includes(rule.strictSeverity), rule.id);
    assert.ok(rule.title.length > 0 && rule.description.length > 20, rule.id);
  }
});

test('every rule has a documentation page that names it', () => {
  for (const rule of allRules) {
    const page = path.join(repoRoot, 'docs', 'rules', `${rule.id}.md`);
    assert.ok(fs.existsSync(page), `missing ${page}`);
    assert.match(fs.readFileSync(page, 'utf8'), new RegExp(`^# ${rule.id}\\b`), rule.id);
  }
});

test("README's rule table lists every rule (npm run docs:rules regenerates it)", () => {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('<!-- rules:start -->'), readme.indexOf('<!-- rules:end -->'));
  for (const rule of allRules) assert.ok(table.includes(`[${rule.id}](docs/rules/${rule.id}.md)`), `${rule.id} is not in README`);
  const listed = [...table.matchAll(/\[(CG-[DC]\d{3}|CG-UNUSED-IGNORE)\]/g)].map((match) => match[1]);
  assert.deepEqual([...listed].sort(), allRules.map((rule) => rule.id).sort());
});

test('no rule module imports another rule module (shared predicates live in engine modules)', () => {
  const offenders: string[] = [];
  for (const kind of ['dockerfile', 'compose']) {
    const dir = path.join(repoRoot, 'server', 'src', 'rules', kind);
    for (const name of fs.readdirSync(dir).filter((file) => /^[CD]\d{3}-.*\.ts$/.test(file))) {
      const source = fs.readFileSync(path.join(dir, name), 'utf8');
      for (const match of source.matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
        if (/(^|\/)[CD]\d{3}-[^/]+$/.test(match[1])) offenders.push(`${kind}/${name} imports ${match[1]}`);
      }
    }
  }
  assert.deepEqual(offenders, []);
});
