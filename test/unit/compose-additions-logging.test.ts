// CG-C108 (catalogue §3.2 G-C08): json-file logging without rotation.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCompose } from '../../server/src/engine/compose/model';
import { analyze, runRule } from '../../server/src/engine/engine';
import { applyEdits } from '../../server/src/engine/text';
import { defaultSettings } from '../../server/src/engine/settings';
import type { Finding } from '../../server/src/engine/types';
import { composeRules } from '../../server/src/rules/compose';
import { rule as C108 } from '../../server/src/rules/compose/C108-log-rotation';

const lines = (...l: string[]) => l.join('\n') + '\n';
const r = (sl: number, sc: number, el: number, ec: number) => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });
const check = (text: string): Finding[] => runRule(C108, parseCompose(text), { profile: 'baseline' });

/** Applies the finding's only fix; the result parses, no longer has a C108 finding, and offers no further fix. */
function fixed(text: string, finding: Finding): string {
  assert.equal(finding.fixes.length, 1);
  assert.equal(finding.fixes[0].isPreferred, false);
  const out = applyEdits(text, finding.fixes[0].edits);
  assert.deepEqual(parseCompose(out).problems.filter((p) => p.severity === 'error'), [], out);
  assert.deepEqual(check(out), [], out);
  return out;
}

describe('CG-C108 no log rotation', () => {
  it('is registered with the catalogue severity and no equivalents', () => {
    assert.equal(composeRules.filter((rule) => rule.meta.id === 'CG-C108').length, 1);
    assert.equal(C108.meta.severity, 'info');
    assert.equal(C108.meta.strictSeverity, undefined);
    assert.deepEqual(C108.meta.equivalents, []);
    assert.equal(C108.meta.fixable, true);
  });

  it("reports a service without logging (Docker's default json-file) on its key and inserts rotation", () => {
    const text = lines('services:', '  web:', '    image: nginx:1.27', '    ports:', '      - "80:80"');
    const [finding, ...rest] = check(text);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, r(1, 2, 1, 5));
    assert.equal(
      finding.message,
      'Service "web" logs with the json-file driver (Docker\'s default) and no "max-size": its log file grows without limit, so a chatty or hostile process can fill the host disk. Set logging.options.max-size (and max-file).',
    );
    assert.equal(finding.fixes[0].title, 'Add log rotation (max-size: "10m", max-file: "3")');
    assert.equal(
      fixed(text, finding),
      lines('services:', '  web:', '    image: nginx:1.27', '    logging:', '      options:', '        max-size: "10m"', '        max-file: "3"', '    ports:', '      - "80:80"'),
    );
  });

  it('max-file alone does not rotate: adds only max-size next to it', () => {
    const text = lines('services:', '  web:', '    logging:', '      driver: json-file', '      options:', '        max-file: "5"');
    const [finding] = check(text);
    assert.match(finding.message, /logs with the json-file driver and no "max-size"/);
    assert.equal(finding.fixes[0].title, 'Add log rotation (max-size: "10m")');
    assert.equal(fixed(text, finding), lines('services:', '  web:', '    logging:', '      driver: json-file', '      options:', '        max-size: "10m"', '        max-file: "5"'));
  });

  it('fills an empty logging key or an empty max-size in place', () => {
    const empty = lines('services:', '  web:', '    image: nginx:1.27', '    logging:');
    assert.equal(fixed(empty, check(empty)[0]), lines('services:', '  web:', '    image: nginx:1.27', '    logging: {options: {max-size: "10m", max-file: "3"}}'));
    const size = lines('services:', '  web:', '    logging:', '      options:', '        max-size: ""');
    assert.equal(fixed(size, check(size)[0]), lines('services:', '  web:', '    logging:', '      options:', '        max-size: "10m"'));
  });

  it('reports "max-size: -1" on the value, once for an anchor', () => {
    const text = lines('x-log: &log', '  logging:', '    options:', '      max-size: -1', 'services:', '  a:', '    <<: *log', '  b:', '    <<: *log');
    const [finding, ...rest] = check(text);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, r(3, 16, 3, 18));
    assert.match(finding.message, /^"max-size: -1" turns off log rotation for services "a", "b"/);
    assert.equal(finding.related?.length, 2);
    assert.equal(finding.fixes[0].title, 'Set max-size to "10m" in the anchor (affects 2 services)');
    assert.equal(fixed(text, finding), text.replace('max-size: -1', 'max-size: "10m"'));
  });

  it('leaves rotated, local, other drivers and variables alone', () => {
    const cases = [
      ['    logging:', '      options:', '        max-size: 10m'],
      ['    logging:', '      driver: local'],
      ['    logging:', '      driver: syslog'],
      ['    logging:', '      driver: none'],
      ['    logging:', '      driver: ${LOG_DRIVER}'],
      ['    logging:', '      options:', '        max-size: ${LOG_SIZE}'],
      ['    logging:', '      driver: ${D:-fluentd}'],
    ];
    for (const extra of cases) assert.deepEqual(check(lines('services:', '  web:', '    image: nginx:1.27', ...extra)), [], extra.join(' '));
    // Through a merge key: rotation from an anchor counts.
    assert.deepEqual(check(lines('x-log: &log', '  logging: {options: {max-size: 10m}}', 'services:', '  web:', '    <<: *log')), []);
  });

  it('offers no fix when the logging mapping comes from an anchor (a key of its own would replace it)', () => {
    const text = lines('x-log: &log', '  logging:', '    driver: json-file', 'services:', '  web:', '    <<: *log', '    image: nginx:1.27');
    const [finding] = check(text);
    assert.deepEqual(finding.range, r(4, 2, 4, 5));
    assert.deepEqual(finding.fixes, []);
  });

  it('is an Info through the engine, suppressed by our ignore comment', () => {
    const text = lines('services:', '  web:', '    image: nginx:1.27');
    assert.deepEqual(analyze(text, { kind: 'compose', settings: { ...defaultSettings, summarize: false } }).findings.filter((f) => f.ruleId === 'CG-C108').map((f) => f.severity), ['info']);
    const ignored = lines('services:', '  # container-guard ignore=CG-C108 -- the daemon rotates logs', '  web:', '    image: nginx:1.27');
    assert.deepEqual(analyze(ignored, { kind: 'compose' }).findings.filter((f) => f.ruleId === 'CG-C108'), []);
  });
});
