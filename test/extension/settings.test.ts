import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { describe, exampleUri, open, setSetting, summaries, waitForCodes, waitForDiagnostics, withCode } from './helpers';

const { Error: E, Warning: W, Hint: H } = vscode.DiagnosticSeverity;
/** Lines of the example services' keys (web, cache). */
const SERVICE_LINES = [2, 10];
const linesOf = (ds: vscode.Diagnostic[], code: string) => withCode(ds, code).map((d) => d.range.start.line).sort((a, b) => a - b);

suite('settings', () => {
  const restores: (() => Promise<void>)[] = [];
  teardown(async () => {
    while (restores.length) await restores.pop()!();
  });

  test('containerGuard.rules: "error" raises CG-D060, "off" removes it, restoring brings it back', async () => {
    const doc = await open(exampleUri('Dockerfile'));
    const sev = (ds: vscode.Diagnostic[], code: string) => withCode(ds, code)[0]?.severity;
    await waitForDiagnostics(doc.uri, (ds) => sev(ds, 'CG-D060') === W, 'CG-D060 as a warning');

    restores.push(await setSetting('rules', { 'CG-D060': 'error' }));
    await waitForDiagnostics(doc.uri, (ds) => sev(ds, 'CG-D060') === E, 'CG-D060 as an error');

    await setSetting('rules', { 'CG-D060': 'off' });
    const off = await waitForDiagnostics(doc.uri, (ds) => withCode(ds, 'CG-D060').length === 0 && ds.length > 0, 'CG-D060 switched off');
    assert.ok(withCode(off, 'CG-D020').length === 1, 'other rules are unaffected');

    await restores.pop()!();
    await waitForDiagnostics(doc.uri, (ds) => sev(ds, 'CG-D060') === W, 'CG-D060 back to a warning after the setting is restored');
  });

  test('containerGuard.profile "strict" raises CG-D020 to an error', async () => {
    const doc = await open(exampleUri('Dockerfile'));
    await waitForCodes(doc.uri, ['CG-D020']);
    assert.strictEqual(withCode(vscode.languages.getDiagnostics(doc.uri), 'CG-D020')[0].severity, W);
    restores.push(await setSetting('profile', 'strict'));
    await waitForDiagnostics(doc.uri, (ds) => withCode(ds, 'CG-D020')[0]?.severity === E, 'CG-D020 as an error under strict');
    await restores.pop()!();
    await waitForDiagnostics(doc.uri, (ds) => withCode(ds, 'CG-D020')[0]?.severity === W, 'CG-D020 back to a warning under baseline');
  });

  test('containerGuard.summarize false: the members of CG-C100 publish on their own; restoring brings the summaries back', async () => {
    const doc = await open(exampleUri('compose.yaml'));
    await waitForDiagnostics(doc.uri, (ds) => summaries(ds).size === 2, 'the two CG-C100 summaries');
    restores.push(await setSetting('summarize', false));
    const off = await waitForDiagnostics(doc.uri, (ds) => withCode(ds, 'CG-C100').length === 0 && withCode(ds, 'CG-C020').length === 2,
      'CG-C100 gone and CG-C020 on both services');
    for (const code of ['CG-C020', 'CG-C023', 'CG-C050']) {
      assert.deepStrictEqual(linesOf(off, code), SERVICE_LINES, `${code} on each service key:\n    ${describe(withCode(off, code))}`);
    }
    for (const d of [...withCode(off, 'CG-C020'), ...withCode(off, 'CG-C023')]) assert.strictEqual(d.severity, W, describe([d]));
    assert.strictEqual(withCode(off, 'CG-C022').length, 0, 'CG-C022 stays off (CG-C023 says the same)');
    await restores.pop()!();
    const back = await waitForDiagnostics(doc.uri, (ds) => summaries(ds).size === 2 && withCode(ds, 'CG-C020').length === 0, 'the summaries back');
    assert.deepStrictEqual(linesOf(back, 'CG-C100'), SERVICE_LINES);
  });

  test('containerGuard.profile "strict": no summaries, and a tag without a digest is a Warning instead of a Hint', async () => {
    const doc = await open(exampleUri('compose.yaml'));
    const before = await waitForCodes(doc.uri, ['CG-C101', 'CG-C100']);
    assert.strictEqual(withCode(before, 'CG-C101')[0].severity, H, 'CG-C101 is a Hint in baseline');
    restores.push(await setSetting('profile', 'strict'));
    const strict = await waitForDiagnostics(doc.uri, (ds) => withCode(ds, 'CG-C101')[0]?.severity === W && withCode(ds, 'CG-C100').length === 0,
      'CG-C101 as a Warning and no CG-C100 under strict');
    assert.deepStrictEqual(linesOf(strict, 'CG-C020'), SERVICE_LINES, `summarize follows the profile (off in strict):\n    ${describe(strict)}`);
    await restores.pop()!();
    await waitForDiagnostics(doc.uri, (ds) => withCode(ds, 'CG-C101')[0]?.severity === H && summaries(ds).size === 2, 'back to baseline');
  });
});
