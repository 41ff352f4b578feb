import * as assert from 'node:assert';
import * as vscode from 'vscode';
import {
  assertRange, codeOf, dataOf, describe, exampleUri, freshCopy, open, SOURCE, summaries, textAt, waitForCodes, waitForDiagnostics, withCode,
} from './helpers';

const { Error: E, Warning: W, Information: I, Hint: H } = vscode.DiagnosticSeverity;

/** Expected findings on the unmodified examples: rule id → [0-based line, default severity]. */
const DOCKERFILE: Record<string, [number, vscode.DiagnosticSeverity]> = {
  'CG-D002': [1, W],    // FROM node:latest
  'CG-D020': [6, W],    // no USER in the final stage (FROM node:22-bookworm-slim)
  'CG-D060': [8, W],    // ADD of local files
  'CG-D073': [11, I],   // CMD node server.js (shell form)
};
const COMPOSE: Record<string, [number, vscode.DiagnosticSeverity]> = {
  'CG-C041': [5, W],    // - "3000:3000"
  'CG-C070': [6, E],    // privileged: true
  'CG-C043': [8, E],    // /var/run/docker.sock
  'CG-C101': [11, H],   // image: redis:7.4-alpine has no digest: a Hint in baseline (catalogue §6.2)
  'CG-C040': [12, E],   // network_mode: host
};

/** The members of a CG-C100 summary (catalogue §6.1): with `summarize` on (baseline) none publishes on its own. */
const SUMMARY_MEMBERS = ['CG-C020', 'CG-C023', 'CG-C050', 'CG-C060', 'CG-C061', 'CG-C062', 'CG-C063', 'CG-C064', 'CG-C065', 'CG-C108'];
/** The summary's first labels, in the catalogue's order; both example services lack all three. */
const FIRST_LABELS = 'no cap_drop ALL, no no-new-privileges, writable root filesystem';

function checkCommon(ds: vscode.Diagnostic[]) {
  for (const d of ds) {
    assert.strictEqual(d.source, SOURCE);
    assert.match(codeOf(d) ?? '', /^CG-[DC]\d{3}$/, `code of ${describe([d])}`);
    assert.ok(d.message.trim().length > 0, `empty message on ${codeOf(d)}`);
    // codeDescription.href arrives as code.target: the rule's documentation page
    const target = typeof d.code === 'object' ? d.code.target : undefined;
    assert.ok(target, `${codeOf(d)} has no codeDescription.href`);
    assert.ok(target.toString(true).toUpperCase().includes(codeOf(d)!), `${codeOf(d)} docs link ${target.toString(true)} should name the rule`);
    assert.ok(!d.range.isEmpty, `${codeOf(d)} has an empty range`);
  }
}

suite('diagnostics on the examples', () => {
  test('Dockerfile: expected rule ids, lines, severities, source and docs links', async () => {
    const doc = await open(exampleUri('Dockerfile'));
    const ds = await waitForCodes(doc.uri, Object.keys(DOCKERFILE));
    console.log(`    Dockerfile diagnostics:\n    ${describe(ds)}`);
    checkCommon(ds);
    for (const [code, [line, severity]] of Object.entries(DOCKERFILE)) {
      const found = withCode(ds, code);
      assert.strictEqual(found.length, 1, `${code} should be reported once; got:\n    ${describe(found)}`);
      assert.strictEqual(found[0].range.start.line, line, `line of ${code}`);
      assert.strictEqual(found[0].severity, severity, `severity of ${code}`);
    }
  });

  test('Dockerfile: ranges cover the smallest meaningful token', async () => {
    const doc = await open(exampleUri('Dockerfile'));
    const ds = await waitForCodes(doc.uri, Object.keys(DOCKERFILE));
    const one = (code: string) => withCode(ds, code)[0];
    assert.match(textAt(doc, one('CG-D002').range), /latest/, 'CG-D002 should sit on the image reference');
    assert.ok(!textAt(doc, one('CG-D002').range).includes('FROM'), 'CG-D002 should not cover the FROM keyword');
    assertRange(one('CG-D020'), [6, 5, 6, 26], 'CG-D020 (the final stage image node:22-bookworm-slim)');
    assertRange(one('CG-D060'), [8, 0, 8, 3], 'CG-D060 (the ADD keyword)');
    assert.strictEqual(textAt(doc, one('CG-D060').range), 'ADD');
    assert.match(textAt(doc, one('CG-D073').range), /node server\.js/, 'CG-D073 should cover the shell-form command');
  });

  test('Dockerfile: one risk, one finding: the floating tag is only CG-D002; the digest hint sits on the other image', async () => {
    const doc = await open(exampleUri('Dockerfile'));
    const ds = await waitForCodes(doc.uri, [...Object.keys(DOCKERFILE), 'CG-D003']);
    const d003 = withCode(ds, 'CG-D003');
    assert.strictEqual(d003.length, 1, `CG-D003 only on node:22-bookworm-slim, not on node:latest (CG-D002 says it):\n    ${describe(d003)}`);
    assertRange(d003[0], [6, 5, 6, 26], 'CG-D003 (node:22-bookworm-slim)');
    assert.strictEqual(d003[0].severity, H, 'a tag without a digest is a Hint in baseline');
  });

  test('a Dockerfile opened later gets the same findings as the first one (first publish after didOpen)', async () => {
    const first = await open(exampleUri('Dockerfile'));
    const key = (ds: vscode.Diagnostic[]) => ds.map((d) => `${codeOf(d)} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`).sort();
    const expected = key(await waitForCodes(first.uri, Object.keys(DOCKERFILE)));
    for (const label of ['second-dockerfile', 'third-dockerfile']) {
      const doc = await open(freshCopy('Dockerfile', label));
      const ds = await waitForDiagnostics(doc.uri, (x) => x.length > 0, 'the first diagnostics');
      assert.deepStrictEqual(key(ds), expected, `first publish for ${label}:\n    ${describe(ds)}`);
    }
  });

  test('compose.yaml: expected rule ids, lines, severities, source and docs links', async () => {
    const doc = await open(exampleUri('compose.yaml'));
    const ds = await waitForCodes(doc.uri, [...Object.keys(COMPOSE), 'CG-C100']);
    console.log(`    compose.yaml diagnostics:\n    ${describe(ds)}`);
    checkCommon(ds);
    for (const [code, [line, severity]] of Object.entries(COMPOSE)) {
      const found = withCode(ds, code);
      assert.strictEqual(found.length, 1, `${code} should be reported once; got:\n    ${describe(found)}`);
      assert.strictEqual(found[0].range.start.line, line, `line of ${code}`);
      assert.strictEqual(found[0].severity, severity, `severity of ${code}`);
    }
    assertRange(withCode(ds, 'CG-C070')[0], [6, 16, 6, 20], 'CG-C070 (the value true of privileged: true)');
    assert.match(textAt(doc, withCode(ds, 'CG-C043')[0].range), /docker\.sock/);
    assert.match(textAt(doc, withCode(ds, 'CG-C040')[0].range), /host/);
    assert.strictEqual(textAt(doc, withCode(ds, 'CG-C101')[0].range), 'redis:7.4-alpine');
    // CG-C022 is off by default (CG-C023 says the same, with a fix)
    assert.strictEqual(withCode(ds, 'CG-C022').length, 0, `CG-C022 is off by default:\n    ${describe(withCode(ds, 'CG-C022'))}`);
  });

  test('compose.yaml: one CG-C100 summary per service, on the service key, naming what is missing', async () => {
    const doc = await open(exampleUri('compose.yaml'));
    const ds = await waitForCodes(doc.uri, ['CG-C100']);
    const individually = ds.filter((d) => SUMMARY_MEMBERS.includes(codeOf(d)!));
    assert.strictEqual(individually.length, 0, `summarized rules must not publish on their own:\n    ${describe(individually)}`);
    const byService = summaries(ds);
    assert.deepStrictEqual([...byService.keys()].sort(), ['cache', 'web'], `one summary per service:\n    ${describe(withCode(ds, 'CG-C100'))}`);
    const keys: Record<string, [number, number, number, number]> = { web: [2, 2, 2, 5], cache: [10, 2, 10, 7] };
    for (const [service, range] of Object.entries(keys)) {
      const d = byService.get(service)!;
      assertRange(d, range, `CG-C100 of "${service}" (the service key)`);
      assert.strictEqual(textAt(doc, d.range), service);
      assert.strictEqual(d.severity, I, `CG-C100 of "${service}" is Info`);
      const members = dataOf(d)?.members ?? [];
      for (const m of ['CG-C020', 'CG-C023', 'CG-C050', 'CG-C060', 'CG-C061', 'CG-C062', 'CG-C108']) {
        assert.ok(members.includes(m), `${m} is missing on "${service}" and should be a member; members: ${members.join(', ')}`);
      }
      assert.ok(members.every((m) => SUMMARY_MEMBERS.includes(m)), `only summarizable rules are members: ${members.join(', ')}`);
      // Every member here has a label (the C064 restart branch would not; neither service has restart:).
      assert.strictEqual(d.message, `Service "${service}" is not hardened: ${FIRST_LABELS}, +${members.length - 3} more`, `message of the "${service}" summary`);
    }
    // cache (a registry image, no healthcheck:) also lacks a health check.
    assert.ok(dataOf(byService.get('cache')!)?.members?.includes('CG-C065'), 'cache has no health check');
  });
});
