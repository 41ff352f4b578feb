// CG-C107 (catalogue §3.2 G-C07): secret-named build arguments, moved to build secrets.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCompose } from '../../server/src/engine/compose/model';
import { analyze, runRule } from '../../server/src/engine/engine';
import { applyEdits } from '../../server/src/engine/text';
import type { Finding } from '../../server/src/engine/types';
import { composeRules } from '../../server/src/rules/compose';
import { rule as C107 } from '../../server/src/rules/compose/C107-secret-build-arg';

const lines = (...l: string[]) => l.join('\n') + '\n';
const r = (sl: number, sc: number, el: number, ec: number) => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });
const check = (text: string): Finding[] => runRule(C107, parseCompose(text), { profile: 'baseline' });

/** Applies the finding's move; the result parses, has no C107 finding for that name, and offers no fix for it. */
function moved(text: string, finding: Finding, name: string): string {
  assert.equal(finding.fixes.length, 1);
  assert.equal(finding.fixes[0].isPreferred, false);
  const out = applyEdits(text, finding.fixes[0].edits);
  assert.deepEqual(parseCompose(out).problems.filter((p) => p.severity === 'error'), [], out);
  assert.ok(!check(out).some((f) => f.message.includes(`"${name}"`)), out);
  return out;
}

describe('CG-C107 secret passed as a build argument', () => {
  it('is registered as a fixable Warning without equivalents', () => {
    assert.equal(composeRules.filter((rule) => rule.meta.id === 'CG-C107').length, 1);
    assert.equal(C107.meta.severity, 'warning');
    assert.deepEqual(C107.meta.equivalents, []);
    assert.equal(C107.meta.fixable, true);
  });

  it('reports an interpolated secret arg on its key and moves it to build.secrets + top-level secrets', () => {
    const text = lines('services:', '  web:', '    build:', '      context: .', '      args:', '        NPM_TOKEN: ${NPM_TOKEN}', '        VERSION: "1"');
    const [finding, ...rest] = check(text);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, r(5, 8, 5, 17));
    assert.equal(
      finding.message,
      'Build argument "NPM_TOKEN" of service "web" names a secret: build arguments are recorded in the image history and the build provenance, whatever their value. Pass it with "build.secrets" and read it in the Dockerfile with "RUN --mount=type=secret,id=npm_token".',
    );
    assert.equal(finding.fixes[0].title, 'Move NPM_TOKEN to a build secret (build.secrets)');
    assert.equal(
      moved(text, finding, 'NPM_TOKEN'),
      lines('services:', '  web:', '    build:', '      secrets:', '        - npm_token', '      context: .', '      args:', '        VERSION: "1"', 'secrets:', '  npm_token:', '    environment: NPM_TOKEN'),
    );
  });

  it('list form: key-only entries move; a literal value is reported without a fix (C030 also reports it)', () => {
    const text = lines('services:', '  web:', '    build:', '      context: .', '      args:', '        - GITHUB_TOKEN', '        - DB_PASSWORD=hunter2', 'secrets:', '  other:', '    file: ./x');
    const found = check(text);
    assert.deepEqual(found.map((f) => f.range), [r(5, 10, 5, 22), r(6, 10, 6, 21)]);
    assert.deepEqual(found[1].fixes, []);
    assert.equal(
      moved(text, found[0], 'GITHUB_TOKEN'),
      lines('services:', '  web:', '    build:', '      secrets:', '        - github_token', '      context: .', '      args:', '        - DB_PASSWORD=hunter2', 'secrets:', '  other:', '    file: ./x', '  github_token: {environment: GITHUB_TOKEN}'),
    );
    const all = analyze(text, { kind: 'compose' }).findings.map((f) => f.ruleId);
    assert.ok(all.includes('CG-C030'));
  });

  it('flow style: appends to an existing build.secrets list', () => {
    const text = lines('services:', '  web:', '    build:', '      context: .', '      secrets: [a]', '      args: {API_KEY: $API_KEY}', 'secrets:', '  a:', '    file: ./a');
    const [finding] = check(text);
    assert.deepEqual(finding.range, r(5, 13, 5, 20));
    assert.equal(
      moved(text, finding, 'API_KEY'),
      lines('services:', '  web:', '    build:', '      context: .', '      secrets: [a, api_key]', '      args: {}', 'secrets:', '  a:', '    file: ./a', '  api_key: {environment: API_KEY}'),
    );
  });

  it('reports whatever the value; ignores non-secret names and services without build args', () => {
    for (const value of ['', '""', 'literal', '${X:-default}']) {
      assert.equal(check(lines('services:', '  web:', '    build:', '      args:', `        SECRET_KEY: ${value}`)).length, 1, value);
    }
    for (const name of ['VERSION', 'PUBLIC_KEY', 'TOKEN_URL', 'PASSWORD_FILE', 'NODE_ENV']) {
      assert.deepEqual(check(lines('services:', '  web:', '    build:', '      args:', `        ${name}: x`)), [], name);
    }
    assert.deepEqual(check(lines('services:', '  web:', '    build: .', '    environment:', '      DB_PASSWORD: ${DB_PASSWORD}')), []);
  });

  it('an arg from an anchor is reported once there, without the move', () => {
    const text = lines('x-args: &args', '  NPM_TOKEN: ${NPM_TOKEN}', 'services:', '  a:', '    build:', '      context: .', '      args: *args', '  b:', '    build:', '      context: .', '      args: *args');
    const [finding, ...rest] = check(text);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, r(1, 2, 1, 11));
    assert.match(finding.message, /of services "a", "b"/);
    assert.deepEqual(finding.fixes, []);
  });

  it('is suppressed by our ignore comment', () => {
    const text = lines('services:', '  web:', '    build:', '      args:', '        # container-guard ignore=CG-C107', '        NPM_TOKEN: ${NPM_TOKEN}');
    assert.deepEqual(analyze(text, { kind: 'compose' }).findings.filter((f) => f.ruleId === 'CG-C107'), []);
    assert.equal(analyze(text.replace('container-guard ignore=CG-C107', 'x'), { kind: 'compose' }).findings.filter((f) => f.ruleId === 'CG-C107')[0].severity, 'warning');
  });
});
