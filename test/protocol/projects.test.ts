// Compose projects over the protocol (docs/projects.md): two open files of one project — edit the override
// and the base file's diagnostics change; open texts win over the disk; `.env` and a built Dockerfile
// re-analyze the Compose file that reads them; CG-C110's fix and the wizard edit the file where the fix
// belongs. And the CLI gives the same merged answer for a folder with compose.yaml and an override.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Diagnostic, WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { LspTestClient, codes, repoRoot } from './lsp-client';

const temporary: string[] = [];
after(() => {
  for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder with these files; removed after the suite. */
function folder(files: Record<string, string>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cg-proto-project-')));
  temporary.push(root);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return root;
}

const uriOf = (root: string, name: string) => URI.file(path.join(root, name)).toString();
const members = (diagnostics: Diagnostic[]) => (diagnostics.find((d) => d.code === 'CG-C100')?.data as { members: string[] } | undefined)?.members;
const base = 'services:\n  web:\n    image: nginx:1.27\n';
const override = 'services:\n  web:\n    environment: [DEBUG=1]\n';

describe('two open files of one Compose project', () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start();
  });
  after(async () => {
    await client.stop();
  });

  test('editing the override changes the base file\'s diagnostics; closing it goes back to the disk', async () => {
    const root = folder({ 'compose.yaml': base, 'compose.override.yaml': override });
    const baseUri = uriOf(root, 'compose.yaml');
    const overrideUri = uriOf(root, 'compose.override.yaml');
    const opened = await client.open(baseUri, base, 'dockercompose');
    assert.deepEqual(codes(opened), ['CG-C100', 'CG-C101']);
    assert.ok(members(opened)!.includes('CG-C020'));
    // The override is a partial fragment: nothing is missing from it.
    assert.deepEqual(codes(await client.open(overrideUri, override, 'dockercompose')), []);

    // Unsaved text in the override: the base sees it (privileged → CG-C110; cap_drop no longer missing).
    let from = client.published.length;
    const typed = await client.change(overrideUri, [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: '    privileged: true\n    cap_drop: [ALL]\n' }]);
    assert.deepEqual(codes(typed), ['CG-C070']);
    const after = await client.until(() => client.published.slice(from).find((p) => p.uri === baseUri)?.diagnostics, 'the base re-published');
    assert.deepEqual(codes(after), ['CG-C100', 'CG-C101', 'CG-C110']);
    assert.ok(!members(after)!.includes('CG-C020'), 'cap_drop: [ALL] in the override counts');
    const c110 = after.find((d) => d.code === 'CG-C110')!;
    assert.equal(c110.severity, 1);
    assert.deepEqual(c110.range, { start: { line: 1, character: 2 }, end: { line: 1, character: 5 } });
    assert.equal(c110.relatedInformation?.[0].location.uri, overrideUri);
    assert.deepEqual(c110.relatedInformation?.[0].location.range, { start: { line: 2, character: 16 }, end: { line: 2, character: 20 } });
    assert.equal(fs.readFileSync(path.join(root, 'compose.override.yaml'), 'utf8'), override, 'nothing was written to the disk');

    // Its quick fix edits the override, not the base.
    const actions = await client.codeActions(baseUri, c110.range, [c110]);
    const fix = actions.find((action) => action.title.endsWith(' in compose.override.yaml'));
    assert.ok(fix, actions.map((action) => action.title).join(', '));
    assert.deepEqual(Object.keys(fix.edit?.changes ?? {}), [overrideUri]);

    // Closing the override drops its unsaved text: the base reads the disk again.
    from = client.published.length;
    await client.close(overrideUri);
    const reverted = await client.until(() => client.published.slice(from).find((p) => p.uri === baseUri)?.diagnostics, 'the base re-published after close');
    assert.deepEqual(codes(reverted), ['CG-C100', 'CG-C101']);
    assert.ok(members(reverted)!.includes('CG-C020'));
  });

  test('a change on disk to .env, reported by didChangeWatchedFiles, re-analyzes the Compose file', async () => {
    const text = 'services:\n  web:\n    image: nginx:1.27\n    privileged: ${PRIV:-false}\n';
    const root = folder({ 'compose.yaml': text });
    const uri = uriOf(root, 'compose.yaml');
    assert.ok(!codes(await client.open(uri, text, 'dockercompose')).includes('CG-C070'));
    fs.writeFileSync(path.join(root, '.env'), 'PRIV=true\n');
    const from = client.published.length;
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(root, '.env'), type: 1 }] });
    const after = await client.until(() => client.published.slice(from).find((p) => p.uri === uri)?.diagnostics, 're-published');
    assert.ok(codes(after).includes('CG-C070'));
  });

  test('typing in the built Dockerfile re-analyzes the Compose file (CG-C113, CG-C065)', async () => {
    const compose = 'services:\n  api:\n    build: .\n';
    const dockerfile = 'FROM alpine:3.20\nCMD ["app"]\n';
    const root = folder({ 'compose.yaml': compose, Dockerfile: dockerfile });
    const composeUri = uriOf(root, 'compose.yaml');
    const dockerfileUri = uriOf(root, 'Dockerfile');
    const first = await client.open(composeUri, compose, 'dockercompose');
    assert.ok(codes(first).includes('CG-C113'));
    assert.ok(members(first)!.includes('CG-C065'));
    await client.open(dockerfileUri, dockerfile);
    const from = client.published.length;
    await client.change(dockerfileUri, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'USER 10001\nHEALTHCHECK CMD ["app", "--ping"]\n' }]);
    const after = await client.until(() => client.published.slice(from).find((p) => p.uri === composeUri)?.diagnostics, 'the Compose file re-published');
    assert.ok(!codes(after).includes('CG-C113'));
    assert.ok(!members(after)!.includes('CG-C065'));
  });

  test('the wizard hardens the file where each measure belongs: CG-C110 edits the override', async () => {
    const root = folder({ 'compose.yaml': base, 'compose.override.yaml': 'services:\n  web:\n    privileged: true\n' });
    const baseUri = uriOf(root, 'compose.yaml');
    await client.open(baseUri, base, 'dockercompose');
    const measures = (await client.connection.sendRequest('containerGuard/listHardenings', { textDocument: { uri: baseUri } })) as { id: string }[];
    assert.ok(measures.some((measure) => measure.id === 'CG-C110'));
    const edit = (await client.connection.sendRequest('containerGuard/harden', { textDocument: { uri: baseUri }, measureIds: ['CG-C110', 'CG-C020'] })) as WorkspaceEdit;
    const overrideUri = uriOf(root, 'compose.override.yaml');
    assert.deepEqual(Object.keys(edit.changes ?? {}).sort(), [baseUri, overrideUri].sort());
    // CG-C070's own fix in the override: its only key goes, the service's mapping stays valid.
    assert.deepEqual(edit.changes![overrideUri], [{ range: { start: { line: 2, character: 4 }, end: { line: 2, character: 20 } }, newText: '{}' }]);
    assert.match(edit.changes![baseUri][0].newText, /cap_drop:/);
  });
});

describe('the CLI over a folder with compose.yaml and an override', () => {
  const cli = process.env.CG_CLI ? path.resolve(process.env.CG_CLI) : path.join(repoRoot, 'dist', 'cli.js');

  test('gives the merged answer: measures of either file count, the override\'s risk shows in the base as CG-C110', () => {
    const root = folder({
      'compose.yaml': 'services:\n  web:\n    image: nginx:1.27\n    cap_drop: [ALL]\n',
      'compose.override.yaml': 'services:\n  web:\n    security_opt: [no-new-privileges:true]\n    privileged: true\n',
    });
    const result = spawnSync(process.execPath, [cli, 'check', '--format', 'json', '--include-hints', '.'], { cwd: root, encoding: 'utf8' });
    assert.equal(result.status, 1, result.stderr);
    const report = JSON.parse(result.stdout) as { files: { path: string; findings: { code: string; line: number; severity: string; message: string }[] }[] };
    const byFile = Object.fromEntries(report.files.map((file) => [file.path, file.findings.map((finding) => `${finding.code}@${finding.line}`)]));
    assert.deepEqual(byFile, {
      'compose.override.yaml': ['CG-C070@4'],
      'compose.yaml': ['CG-C110@2', 'CG-C100@2', 'CG-C101@3'],
    });
    const summary = report.files.find((file) => file.path === 'compose.yaml')!.findings.find((finding) => finding.code === 'CG-C100')!;
    assert.doesNotMatch(summary.message, /cap_drop|no-new-privileges/);
    assert.equal(report.files.find((file) => file.path === 'compose.yaml')!.findings.find((finding) => finding.code === 'CG-C110')!.severity, 'error');
  });
});
