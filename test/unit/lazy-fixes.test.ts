// Fixes built when first read (issue 17): the measure rules' absence findings and CG-C100 summaries of a
// Compose file carry fixes that are built only when a code action, fix-all, the wizard or the CLI reads
// them, and never from a tree the next version has taken over.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/engine/engine';
import { applyEdits } from '../../server/src/engine/text';
import { copyFinding, withLazyFixes } from '../../server/src/engine/lazy-fixes';
import type { Finding, Fix } from '../../server/src/engine/types';

const compose = ['services:', '  web:', '    image: nginx:1.27', '    environment:', '      LOG_LEVEL: info', '  db:', '    image: postgres:16', ''].join('\n');
const isLazy = (finding: Finding) => typeof Object.getOwnPropertyDescriptor(finding, 'fixes')?.get === 'function';

describe('lazy fixes', () => {
  it('are not built by the analysis, and are the right edits when read', () => {
    const analysis = analyze(compose, { kind: 'compose', settings: undefined });
    const summaries = analysis.findings.filter((finding) => finding.ruleId === 'CG-C100');
    assert.deepEqual(summaries.map((finding) => finding.service), ['web', 'db']);
    assert.ok(summaries.every(isLazy), 'the published summaries still hold their fixes unbuilt');
    const memory = summaries[0].fixes.find((fix) => /memory/i.test(fix.title) || /limits/i.test(fix.title));
    assert.ok(memory, summaries[0].fixes.map((fix) => fix.title).join(', '));
    const fixed = applyEdits(compose, memory.edits);
    assert.match(fixed, /^ {2}web:\n(?: {4}.*\n)*? {4}deploy:\n {6}resources:\n {8}limits:\n/m);
    const after = analyze(fixed, { kind: 'compose' });
    assert.ok(!after.findings.some((finding) => finding.service === 'web' && finding.members?.includes('CG-C060')), 'the memory limit is no longer missing in web');
  });

  it('come out empty once the next version took the tree over, and stay as read before', () => {
    const first = analyze(compose, { kind: 'compose' });
    const [web, db] = first.findings.filter((finding) => finding.ruleId === 'CG-C100');
    const readBefore = web.fixes;
    assert.ok(readBefore.length > 0);
    analyze(compose.replace('LOG_LEVEL: info', 'LOG_LEVEL: infox'), { kind: 'compose', previous: first });
    assert.deepEqual(db.fixes, [], 'built from a tree that has moved on: none rather than wrong ones');
    assert.equal(web.fixes, readBefore);
  });

  it('are kept unbuilt by copies, and built once', () => {
    let builds = 0;
    const fixes: Fix[] = [{ title: 'x', edits: [], isPreferred: false }];
    const finding = withLazyFixes({ message: 'm', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, ruleId: 'CG-X' }, () => (builds++, fixes), () => true);
    const copy = copyFinding(finding, { severity: 'info' as const });
    assert.equal(builds, 0);
    assert.equal(copy.severity, 'info');
    assert.equal(copy.fixes, fixes);
    assert.equal(finding.fixes, fixes);
    assert.equal(builds, 1);
    const replaced = copyFinding(finding, { fixes: [] as Fix[] });
    assert.deepEqual(replaced.fixes, []);
    assert.deepEqual({ ...copy }, { message: 'm', range: finding.range, ruleId: 'CG-X', fixes, severity: 'info' });
  });
});
