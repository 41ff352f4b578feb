import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { EXTENSION_ID, exampleUri, open, waitForDiagnostics, WAIT_MS } from './helpers';

suite('activation', () => {
  test('the extension is installed and activates when a Dockerfile opens', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} not found`);
    const doc = await open(exampleUri('Dockerfile'));
    assert.strictEqual(doc.languageId, 'dockerfile');
    // activation is asynchronous: the first diagnostic from our server shows it ran
    await waitForDiagnostics(doc.uri, (ds) => ds.length > 0, 'the first container-guard diagnostic');
    assert.strictEqual(ext.isActive, true, 'extension should be active after a Dockerfile opened');
  });

  test('compose.yaml gets the contributed language id "dockercompose"', async () => {
    const doc = await open(exampleUri('compose.yaml'));
    assert.strictEqual(doc.languageId, 'dockercompose');
    await waitForDiagnostics(doc.uri, (ds) => ds.length > 0, 'diagnostics on compose.yaml', WAIT_MS);
  });

  test('the commands are registered', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const c of ['containerGuard.restartServer', 'containerGuard.showOutput', 'containerGuard.harden', 'containerGuard.hardenService', 'containerGuard.hardenWorkspace']) {
      assert.ok(all.includes(c), `command ${c} is not registered`);
    }
    await vscode.commands.executeCommand('containerGuard.showOutput');   // must not throw
  });
});
