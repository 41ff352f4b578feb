import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { assertRange, codeOf, describe, exampleUri, freshCopy, open, SOURCE, textAt, waitForCodes, waitForDiagnostics, withCode } from './helpers';

const { Error: E, Warning: W, Information: I } = vscode.DiagnosticSeverity;

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
  'CG-C040': [12, E],   // network_mode: host
};

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
    const ds = await waitForCodes(doc.uri, [...Object.keys(COMPOSE), 'CG-C020', 'CG-C023']);
    console.log(`    compose.yaml diagnostics:\n    ${describe(ds)}`);
    checkCommon(ds);
    for (const [code, [line, severity]] of Object.entries(COMPOSE)) {
      const found = withCode(ds, code);
      assert.strictEqual(found.length, 1, `${code} should be reported once; got:\n    ${describe(found)}`);
      assert.strictEqual(found[0].range.start.line, line, `line of ${code}`);
      assert.strictEqual(found[0].severity, severity, `severity of ${code}`);
    }
    // cap_drop / no-new-privileges are missing on both services (web: line 2, cache: line 10)
    for (const code of ['CG-C020', 'CG-C023']) {
      const found = withCode(ds, code);
      assert.deepStrictEqual(found.map((d) => d.range.start.line).sort((a, b) => a - b), [2, 10], `lines of ${code}`);
      for (const d of found) assert.strictEqual(d.severity, W, `severity of ${code}`);
    }
    assertRange(withCode(ds, 'CG-C070')[0], [6, 16, 6, 20], 'CG-C070 (the value true of privileged: true)');
    assert.match(textAt(doc, withCode(ds, 'CG-C043')[0].range), /docker\.sock/);
    assert.match(textAt(doc, withCode(ds, 'CG-C040')[0].range), /host/);
  });
});
