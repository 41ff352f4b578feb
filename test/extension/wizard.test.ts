import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { codesOf, freshCopy, open, ours, waitForCodes, waitForGone } from './helpers';

suite('hardening wizard', () => {
  test('containerGuard.harden with chosen measures applies them together and their findings disappear', async () => {
    const uri = freshCopy('compose.yaml', 'wizard');
    const doc = await open(uri);
    await vscode.window.showTextDocument(doc);
    await waitForCodes(uri, ['CG-C020', 'CG-C023', 'CG-C041', 'CG-C070']);
    const applied = await vscode.commands.executeCommand<boolean>('containerGuard.harden', { measureIds: ['CG-C020', 'CG-C023', 'CG-C070'], preview: false });
    assert.strictEqual(applied, true);
    await waitForGone(uri, ['CG-C020', 'CG-C023', 'CG-C070']);
    assert.ok(codesOf(ours(uri)).includes('CG-C041'), 'measures that were not chosen stay');
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
