// Property: on hostile Compose and Dockerfile text (odd indents, tabs, CRLF and lone CR, U+2028/U+2029,
// flow and block mixes, comments between keys, anchors and merge keys, quotes, a BOM …), every fix the
// engine offers — with summaries on (the CG-C100 per-measure fixes) and off — applies, leaves text with
// no parse or model problem it did not have, and removes what it fixes; or it is not offered. The
// generators and the checker are in fixes-property-kit.ts. Bounded runs, fixed seed: fast and repeatable.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyEdits } from '../../server/src/engine/text';
import { analyze } from '../../server/src/engine/engine';
import { parseCompose } from '../../server/src/engine/compose/model';
import { defaultSettings, type EngineSettings } from '../../server/src/engine/settings';
import { composeSeeds, composeText, dockerfileSeeds, dockerfileText, fixFailures, mutateCompose, mutateDockerfile } from './fixes-property-kit';

const runs = 25;
const seed = 20260417;

describe('fixes on hostile text', () => {
  test('the seeds themselves: every fix is right', () => {
    for (const text of composeSeeds) assert.deepEqual(fixFailures(text, 'compose'), []);
    for (const text of dockerfileSeeds) assert.deepEqual(fixFailures(text, 'dockerfile'), []);
  });

  test('Compose: every offered fix parses and removes its finding', () => {
    fc.assert(
      fc.property(composeText, (text) => {
        assert.deepEqual(fixFailures(text, 'compose'), []);
      }),
      { numRuns: runs, seed, endOnFailure: true },
    );
  });

  test('Dockerfile: every offered fix parses and removes its finding', () => {
    fc.assert(
      fc.property(dockerfileText, (text) => {
        assert.deepEqual(fixFailures(text, 'dockerfile'), []);
      }),
      { numRuns: runs, seed, endOnFailure: true },
    );
  });
});

// The bug classes the property found, each pinned by one small example.
describe('fixes on hostile text: regressions', () => {
  test('a BOM stays the first character: a top-level key inserted at the start of the file goes after it', () => {
    const text = '\ufeff# stack\nservices:\n  api:\n    image: example/api:1.2\n';
    const analysis = analyze(text, { kind: 'compose', settings: withNetworks });
    const networks = analysis.findings.find((finding) => finding.ruleId === 'CG-C044');
    assert.ok(networks, 'CG-C044 is reported');
    const fixed = applyEdits(text, networks.fixes[0].edits);
    assert.equal(fixed, '\ufeffnetworks:\n  internal: {}\n# stack\nservices:\n  api:\n    image: example/api:1.2\n    networks:\n      - internal\n');
    assert.deepEqual(parseCompose(fixed).problems, []);
  });

  test('a BOM takes no column: keys inserted into a mapping that starts the file are not indented by it', () => {
    const text = mutateCompose('services:\n  api:\n    image: example/api:1.2\n', { kind: 'bom', at: 0, n: 0 });
    assert.deepEqual(fixFailures(text, 'compose'), []);
    const analysis = analyze(text, { kind: 'compose', settings: withNetworks });
    const networks = analysis.findings.find((finding) => finding.ruleId === 'CG-C044');
    assert.ok(networks);
    assert.equal(applyEdits(text, networks.fixes[0].edits), '\ufeffnetworks:\n  internal: {}\nservices:\n  api:\n    image: example/api:1.2\n    networks:\n      - internal\n');
  });

  test('removing the only item of a sequence written at its key\'s column leaves `[]` right of that column', () => {
    const text = 'services:\n  app:\n    image: nginx:1.27\n    cap_add:\n    - ALL\n';
    const capAdd = analyze(text, { kind: 'compose' }).findings.find((finding) => finding.ruleId === 'CG-C021');
    assert.ok(capAdd?.fixes[0], 'CG-C021 offers to remove ALL');
    const fixed = applyEdits(text, capAdd.fixes[0].edits);
    assert.equal(fixed, 'services:\n  app:\n    image: nginx:1.27\n    cap_add:\n     []\n');
    assert.deepEqual(parseCompose(fixed).problems, []);
    assert.deepEqual(fixFailures(text, 'compose'), []);
    // A comment line between the key and the item, holding a U+2028 (which `.` in a RegExp does not match).
    const commented = 'services:\n  app:\n    image: nginx:1.27\n    cap_add:\n# a\u2028b\n    - ALL\n';
    const again = analyze(commented, { kind: 'compose' }).findings.find((finding) => finding.ruleId === 'CG-C021');
    assert.ok(again?.fixes[0]);
    assert.equal(applyEdits(commented, again.fixes[0].edits), 'services:\n  app:\n    image: nginx:1.27\n    cap_add:\n# a\u2028b\n     []\n');
    assert.deepEqual(fixFailures(commented, 'compose'), []);
  });

  test('a stray U+FEFF at the start of a later comment line stays before any content', () => {
    const text = '# stack\n\ufeff# services below\nservices:\n  api:\n    image: example/api:1.2\n';
    const networks = analyze(text, { kind: 'compose', settings: withNetworks }).findings.find((finding) => finding.ruleId === 'CG-C044');
    assert.ok(networks?.fixes[0]);
    assert.equal(applyEdits(text, networks.fixes[0].edits), '# stack\n\ufeff# services below\nnetworks:\n  internal: {}\nservices:\n  api:\n    image: example/api:1.2\n    networks:\n      - internal\n');
    assert.deepEqual(fixFailures(text, 'compose'), []);
  });

  test('a service whose block holds the first YAML error is not analyzed (its keys are not all known)', () => {
    // The tab-indented line belongs to `api`'s block: `healthcheck` and what follows are unreadable.
    const text = 'services:\n  api:\n    image: example/api:1.2\n    healthcheck:\n\t    disable: true\n    cap_drop: [ALL]\n  web:\n    image: nginx:1.27\n';
    assert.deepEqual(parseCompose(text).services.map((service) => service.name), []);
    const before = 'services:\n  web:\n    image: nginx:1.27\n  api:\n    image: example/api:1.2\n    healthcheck:\n\t    disable: true\n';
    assert.deepEqual(parseCompose(before).services.map((service) => service.name), ['web']);
    assert.deepEqual(fixFailures(text, 'compose'), []);
    assert.deepEqual(fixFailures(before, 'compose'), []);
  });

  test('no line is appended after a here-document without its delimiter line (it would join the body)', () => {
    // `EOF ` with a trailing blank does not end the here-document: it runs to the end of the file.
    const text = 'FROM alpine:3.20\nRUN <<EOF\necho hi\nEOF \nUSER app\n';
    const analysis = analyze(text, { kind: 'dockerfile' });
    const missingUser = analysis.findings.find((finding) => finding.ruleId === 'CG-D020');
    assert.ok(missingUser, 'the USER inside the body does not count');
    assert.deepEqual(missingUser.fixes, []);
    assert.deepEqual(fixFailures(text, 'dockerfile'), []);
  });

  test('the syntax directive goes below an escape directive, which keeps the first line (lone CR line endings)', () => {
    const text = mutateDockerfile(
      mutateDockerfile('FROM debian:12\nRUN apt-get install -y \\\n    curl\nRUN aws configure set aws_secret_access_key Zk8s9dLq2Xv7Pm3Nw4Rt6Yb1\n', { kind: 'escape-directive', at: 0, n: 0 }),
      { kind: 'cr', at: 0, n: 0 },
    );
    const login = analyze(text, { kind: 'dockerfile' }).findings.find((finding) => finding.ruleId === 'CG-D034');
    assert.ok(login?.fixes[0], 'CG-D034 offers the build-secret fix');
    assert.match(applyEdits(text, login.fixes[0].edits), /^# escape=`\r# syntax=docker\/dockerfile:1\rFROM debian:12\r/);
    assert.deepEqual(fixFailures(text, 'dockerfile'), []);
  });
});

/** CG-C044 (no networks) is off by default; its fix inserts a top-level key. */
const withNetworks: EngineSettings = { ...defaultSettings, summarize: false, rules: { 'CG-C044': 'warning' } };
