import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { codesOf, dataOf, describe, freshCopy, open, ours, summaries, waitForCodes, waitForDiagnostics, waitForGone } from './helpers';

suite('hardening wizard', () => {
  test('containerGuard.harden with chosen measures applies them together and their findings disappear', async () => {
    const uri = freshCopy('compose.yaml', 'wizard');
    const doc = await open(uri);
    await vscode.window.showTextDocument(doc);
    // cap_drop and no-new-privileges are members of the CG-C100 summaries (summarize is on in baseline)
    await waitForCodes(uri, ['CG-C100', 'CG-C041', 'CG-C070']);
    const applied = await vscode.commands.executeCommand<boolean>('containerGuard.harden', { measureIds: ['CG-C020', 'CG-C023', 'CG-C070'], preview: false });
    assert.strictEqual(applied, true);
    await waitForGone(uri, ['CG-C070']);
    const chosenLeft = (ds: vscode.Diagnostic[]) => [...summaries(ds).values()].some((d) => dataOf(d)?.members?.some((m) => m === 'CG-C020' || m === 'CG-C023'));
    const after = await waitForDiagnostics(uri, (ds) => summaries(ds).size === 2 && !chosenLeft(ds), 'CG-C020 and CG-C023 to leave both summaries');
    for (const [service, d] of summaries(after)) {
      assert.ok(d.message.startsWith(`Service "${service}" is not hardened: writable root filesystem, no memory limit, no CPU limit`), `${service}: ${d.message}`);
    }
    assert.ok(codesOf(ours(uri)).includes('CG-C041'), `measures that were not chosen stay:\n    ${describe(after)}`);
    const text = doc.getText();
    assert.doesNotMatch(text, /privileged/);
    assert.strictEqual((text.match(/cap_drop:\n\s+- ALL/g) ?? []).length, 2, text);
    assert.strictEqual((text.match(/- no-new-privileges:true/g) ?? []).length, 2, text);
  });

  test('containerGuard.harden with nothing to do says so and changes nothing', async () => {
    const uri = freshCopy('Dockerfile', 'wizard-clean');
    const doc = await open(uri);
    await vscode.window.showTextDocument(doc);
    await waitForCodes(uri, ['CG-D060']);
    const before = doc.getText();
    const applied = await vscode.commands.executeCommand<boolean>('containerGuard.harden', { measureIds: ['CG-C070'], preview: false });
    assert.strictEqual(applied, false);
    assert.strictEqual(doc.getText(), before);
  });
});
