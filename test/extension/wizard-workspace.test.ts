import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { exampleUri, waitForGone } from './helpers';

// Runs last: it edits every Dockerfile and Compose file of the test workspace.
suite('hardening wizard for the workspace', () => {
  test('containerGuard.hardenWorkspace applies the chosen measures to every file that has them', async () => {
    const applied = await vscode.commands.executeCommand<boolean>('containerGuard.hardenWorkspace', { measureIds: ['CG-C070', 'CG-D060'], preview: false });
    assert.strictEqual(applied, true);
    const compose = await vscode.workspace.openTextDocument(exampleUri('compose.yaml'));
    const dockerfile = await vscode.workspace.openTextDocument(exampleUri('Dockerfile'));
    assert.doesNotMatch(compose.getText(), /privileged/);
    assert.match(dockerfile.getText(), /^COPY server\.js package\.json \.\/$/m);
    assert.match(compose.getText(), /docker\.sock/, 'measures that were not chosen are left alone');
    await waitForGone(compose.uri, ['CG-C070']);
    await waitForGone(dockerfile.uri, ['CG-D060']);
  });
});
