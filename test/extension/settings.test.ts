import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { exampleUri, open, setSetting, waitForCodes, waitForDiagnostics, withCode } from './helpers';

const { Error: E, Warning: W } = vscode.DiagnosticSeverity;

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
});
