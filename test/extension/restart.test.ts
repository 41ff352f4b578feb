import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { codesOf, describe, exampleUri, open, ours, freshCopy, setSetting, waitForCodes, waitForGone, WAIT_MS, workspaceRoot } from './helpers';

suite('language server restart', () => {
  test('containerGuard.restartServer: diagnostics are cleared by the old server and come back from the new one', async () => {
    const df = await open(exampleUri('Dockerfile'));
    const compose = await open(exampleUri('compose.yaml'));
    await waitForCodes(df.uri, ['CG-D020', 'CG-D060']);
    await waitForCodes(compose.uri, ['CG-C070']);
    const before = { df: codesOf(ours(df.uri)), compose: codesOf(ours(compose.uri)) };

    // Follow the diagnostics of both files through the restart: empty (the client drops its
    // collection when the old server stops), then the same findings again from the new server.
    const seen = { df: [] as number[], compose: [] as number[] };
    let resolveBack!: () => void;
    const back = new Promise<void>((r) => { resolveBack = r; });
    const returned = (k: 'df' | 'compose', uri: vscode.Uri) =>
      seen[k].includes(0) && codesOf(ours(uri)).join() === before[k].join();
    const sub = vscode.languages.onDidChangeDiagnostics(() => {
      seen.df.push(ours(df.uri).length);
      seen.compose.push(ours(compose.uri).length);
      if (returned('df', df.uri) && returned('compose', compose.uri)) resolveBack();
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      await vscode.commands.executeCommand('containerGuard.restartServer');
      await Promise.race([back, new Promise((_, rej) => {
        timer = setTimeout(() => rej(new Error(`diagnostics did not come back within ${WAIT_MS} ms of the restart; ` +
          `counts seen: ${JSON.stringify(seen)}; now:\n    ${describe(ours(df.uri))}\n    ${describe(ours(compose.uri))}`)), WAIT_MS);
      })]);
    } finally {
      sub.dispose();
      if (timer) clearTimeout(timer);
    }
    assert.deepStrictEqual(codesOf(ours(df.uri)), before.df);
    assert.deepStrictEqual(codesOf(ours(compose.uri)), before.compose);
  });

  test('the restarted server still answers: an edit is re-analyzed', async () => {
    const doc = await open(exampleUri('Dockerfile'));
    const editor = await vscode.window.showTextDocument(doc);
    // change CMD to exec form by hand: CG-D073 must go; then put the original text back
    const line = doc.lineAt(11);
    assert.strictEqual(line.text, 'CMD node server.js');
    assert.ok(await editor.edit((e) => e.replace(line.range, 'CMD ["node", "server.js"]')));
    const after = await waitForGone(doc.uri, ['CG-D073']);
    assert.ok(after.length > 0, 'the other findings stay');
    assert.ok(await editor.edit((e) => e.replace(doc.lineAt(11).range, 'CMD node server.js')));
    await waitForCodes(doc.uri, ['CG-D073']);
    assert.ok(await doc.save());
  });
});

suite('language server crash', () => {
  test('the client restarts a crashed server and diagnostics come back', async () => {
    const df = await open(exampleUri('Dockerfile'));
    await waitForCodes(df.uri, ['CG-D060']);
    const api = vscode.extensions.getExtension('container-guard.container-guard')!.exports as { client(): unknown };
    // The server's child process, as vscode-languageclient keeps it (not public API; only for this test).
    const serverProcess = (api.client() as { _serverProcess?: { pid?: number; kill(signal?: string): boolean } })._serverProcess;
    assert.ok(serverProcess?.pid, 'the language server runs as a child process');
    const oldPid = serverProcess.pid;
    serverProcess.kill('SIGKILL');
    const pid = () => (api.client() as { _serverProcess?: { pid?: number } })._serverProcess?.pid;
    const deadline = Date.now() + WAIT_MS;
    while (!(pid() && pid() !== oldPid)) {
      if (Date.now() > deadline) assert.fail('the client did not start a new server after the crash');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // A document opened now can only be analyzed by the new server.
    const fresh = await open(freshCopy('Dockerfile', 'after-crash'));
    await waitForCodes(fresh.uri, ['CG-D060', 'CG-D020']);
  });
});

suite('workspace scan', () => {
  test('containerGuard.scanWorkspace analyzes a Compose file that is not open in any editor', async () => {
    const dir = path.join(workspaceRoot(), 'scan-case');
    fs.mkdirSync(dir, { recursive: true });
    const file = vscode.Uri.file(path.join(dir, 'docker-compose.scan.yml'));
    fs.writeFileSync(file.fsPath, 'services:\n  scanned:\n    image: busybox:1.37\n    pid: host\n    privileged: true\n');
    const restore = await setSetting('scanWorkspace', true);
    try {
      await waitForCodes(file, ['CG-C070']);
      assert.ok(!vscode.window.visibleTextEditors.some((editor) => editor.document.uri.toString() === file.toString()));
    } finally {
      await restore();
    }
  });
});
