// Protocol tests: the built server over a real LSP connection (stdio), as any client sees it.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CodeAction, Diagnostic, Hover, InitializeResult, SemanticTokens, WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { LspTestClient, codes, repoRoot } from './lsp-client';

const exampleDockerfile = fs.readFileSync(path.join(repoRoot, 'examples', 'Dockerfile'), 'utf8');
const exampleCompose = fs.readFileSync(path.join(repoRoot, 'examples', 'compose.yaml'), 'utf8');
/** A base image pinned to a digest, so tests about other rules are not about CG-D003. */
const ALPINE = `alpine:3.20@sha256:${'0123456789abcdef'.repeat(4)}`;

function finding(diagnostics: Diagnostic[], code: string): Diagnostic {
  const found = diagnostics.find((d) => d.code === code);
  assert.ok(found, `expected a ${code} diagnostic, got ${codes(diagnostics).join(', ')}`);
  return found;
}

describe('language server over stdio', () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start();
  });
  after(async () => {
    await client.stop();
  });

  test('initialize announces incremental sync, code actions, commands and Dockerfile features', async () => {
    const probe = new LspTestClient();
    try {
      const result = (await probe.connection.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} })) as InitializeResult;
      const caps = result.capabilities;
      assert.deepEqual(caps.textDocumentSync, { openClose: true, change: 2, save: { includeText: false } });
      // Resolved lazily: "Pin to current digest" asks the registry only when picked (test/protocol/pinning.test.ts).
      assert.deepEqual(caps.codeActionProvider, { codeActionKinds: ['quickfix', 'source.fixAll.container-guard'], resolveProvider: true });
      assert.deepEqual(caps.executeCommandProvider, { commands: ['containerGuard.applyFixAll', 'containerGuard.showDocumentation', 'containerGuard.pinDigest'] });
      assert.equal(caps.hoverProvider, true);
      assert.equal(caps.documentFormattingProvider, true);
      assert.ok(caps.semanticTokensProvider && 'legend' in caps.semanticTokensProvider);
      assert.equal(result.serverInfo?.name, 'container-guard');
    } finally {
      await probe.stop();
    }
  });

  test('opening the example Dockerfile publishes its findings once, with source, code, docs link and data', async () => {
    const uri = 'file:///work/example/Dockerfile';
    const diagnostics = await client.open(uri, exampleDockerfile);
    // One risk, one finding: `node:latest` is CG-D002 only; the tagged image lacks a digest (a Hint in baseline).
    assert.deepEqual(codes(diagnostics), ['CG-D002', 'CG-D003', 'CG-D020', 'CG-D060', 'CG-D073', 'CG-D074']);
    assert.equal(finding(diagnostics, 'CG-D003').severity, 4);
    for (const diagnostic of diagnostics.filter((d) => d.source === 'container-guard')) {
      assert.equal(diagnostic.codeDescription?.href, `https://github.com/container-guard/container-guard/blob/main/docs/rules/${diagnostic.code}.md`);
      assert.equal((diagnostic.data as { ruleId: string }).ruleId, diagnostic.code);
    }
    // ADD is on line 9 (0-based 8); the finding covers exactly the keyword.
    assert.deepEqual(finding(diagnostics, 'CG-D060').range, { start: { line: 8, character: 0 }, end: { line: 8, character: 3 } });
    assert.equal(finding(diagnostics, 'CG-D060').severity, 2);
    assert.equal(client.published.filter((p) => p.uri === uri).length, 1);
    await client.close(uri);
  });

  test('a quick fix applied over the protocol removes its diagnostic; ignore and docs actions come with it', async () => {
    const uri = 'file:///work/fix/Dockerfile';
    const diagnostics = await client.open(uri, exampleDockerfile);
    const add = finding(diagnostics, 'CG-D060');
    const actions = await client.codeActions(uri, add.range, [add]);
    assert.deepEqual(
      actions.map((a) => a.title),
      ['Replace ADD with COPY', 'Ignore CG-D060 for this line', 'Ignore CG-D060 in this file', 'Show documentation for CG-D060'],
    );
    assert.equal(actions[0].isPreferred, true);
    // A plain LSP client gets the server's documentation command (window/showDocument).
    assert.equal(actions[3].command?.command, 'containerGuard.showDocumentation');
    assert.deepEqual(actions[3].command?.arguments, ['CG-D060', 'https://github.com/container-guard/container-guard/blob/main/docs/rules/CG-D060.md']);
    const after = await client.applyEdit(uri, actions[0].edit);
    assert.match(client.text(uri), /^COPY server\.js package\.json \.\/$/m);
    assert.ok(!codes(after).includes('CG-D060'));
    // The ignore action silences the rule for that instruction only.
    const cmd = finding(after, 'CG-D073');
    const ignore = (await client.codeActions(uri, cmd.range, [cmd])).find((a) => a.title === 'Ignore CG-D073 for this line');
    const ignored = await client.applyEdit(uri, ignore?.edit);
    assert.match(client.text(uri), /# container-guard ignore=CG-D073\nCMD node server\.js/);
    assert.ok(!codes(ignored).includes('CG-D073'));
    await client.close(uri);
  });

  test('"Ignore in this file" adds a global comment that silences every finding of that rule', async () => {
    const uri = 'file:///work/global/Dockerfile';
    const text = `FROM ${ALPINE}\nADD a.txt /a\nADD b.txt /b\nUSER 10001\n`;
    const diagnostics = await client.open(uri, text);
    assert.deepEqual(codes(diagnostics), ['CG-D060', 'CG-D060']);
    const action = (await client.codeActions(uri, diagnostics[0].range, [diagnostics[0]])).find((a) => a.title === 'Ignore CG-D060 in this file');
    const after = await client.applyEdit(uri, action?.edit);
    assert.equal(client.text(uri), '# container-guard global ignore=CG-D060\n' + text);
    assert.deepEqual(codes(after), []);
    await client.close(uri);
  });

  test('a diagnostic from an older version gets the actions of its finding now; gone, stale or foreign data gets none', async () => {
    const uri = 'file:///work/stale/Dockerfile';
    const diagnostics = await client.open(uri, `FROM ${ALPINE}\nADD a /a\nUSER 1000\n`);
    const add = finding(diagnostics, 'CG-D060');
    // A line typed above the finding: the old diagnostic (version 1, line 1) still gets its fix, for line 2.
    await client.change(uri, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '# edit\n' }], false);
    const stale = await client.codeActions(uri, add.range, [add]);
    assert.deepEqual(stale.map((a) => a.title), ['Replace ADD with COPY', 'Ignore CG-D060 for this line', 'Ignore CG-D060 in this file', 'Show documentation for CG-D060']);
    assert.deepEqual(stale[0].edit?.changes?.[uri], [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 3 } }, newText: 'COPY' }]);
    assert.deepEqual(stale[1].edit?.changes?.[uri], [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, newText: '# container-guard ignore=CG-D060\n' }]);
    // Once the finding is gone, the old diagnostic gets nothing.
    await client.change(uri, [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 3 } }, text: 'COPY' }]);
    assert.deepEqual(await client.codeActions(uri, add.range, [add]), [], 'the finding no longer exists');
    const foreign = { ...add, data: { containerGuard: 1, uri: 'file:///elsewhere/Dockerfile', version: 2, ruleId: 'CG-D060', key: 'x' } };
    assert.deepEqual(await client.codeActions(uri, add.range, [foreign]), []);
    const malformed = { ...add, data: { containerGuard: 1, uri, version: 2, ruleId: 'CG-D060' } };
    assert.deepEqual(await client.codeActions(uri, add.range, [malformed]), []);
    assert.deepEqual(await client.codeActions('file:///never/opened/Dockerfile', add.range, [add]), []);
    const hover = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///never/Dockerfile' }, position: { line: 99, character: 99 } });
    assert.equal(hover, null);
    const past = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 500, character: 3 } });
    assert.equal(past, null);
    // A change for a URI that was never opened is ignored; the server keeps answering.
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: 'file:///ghost/Dockerfile', version: 5 }, contentChanges: [{ text: 'FROM x' }] });
    assert.deepEqual(await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri: 'file:///ghost/Dockerfile' } }), []);
    assert.ok(!client.published.some((p) => p.uri === 'file:///ghost/Dockerfile'));
    await client.close(uri);
  });

  test('didClose clears diagnostics and nothing is published for the document afterwards', async () => {
    const uri = 'file:///work/close/Dockerfile';
    await client.open(uri, 'FROM alpine\n');
    const from = client.published.length;
    await client.close(uri);
    const cleared = await client.diagnostics(uri, undefined, from);
    assert.deepEqual(cleared, []);
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 9 }, contentChanges: [{ text: 'FROM x\n' }] });
    // A request round-trip later, still nothing new for that URI.
    await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
    assert.equal(client.published.slice(from).filter((p) => p.uri === uri).length, 1);
  });

  test('every change is followed by a publish for the newest version, and versions never go back', async () => {
    const uri = 'file:///work/typing/Dockerfile';
    await client.open(uri, '');
    const typed = `FROM ${ALPINE}\nRUN echo hi\nUSER root\n`;
    let line = 0;
    let character = 0;
    for (const ch of typed) {
      await client.change(uri, [{ range: { start: { line, character }, end: { line, character } }, text: ch }], false);
      if (ch === '\n') {
        line++;
        character = 0;
      } else character++;
    }
    const lastVersion = typed.length + 1;
    const final = await client.diagnostics(uri, lastVersion);
    assert.deepEqual(codes(final), ['CG-D021']);
    const versions = client.published.filter((p) => p.uri === uri).map((p) => p.version ?? 0);
    assert.deepEqual([...versions].sort((a, b) => a - b), versions, 'versions are non-decreasing');
    await client.close(uri);
  });

  test('Compose files are analyzed under the dockercompose id and as yaml with a Compose name; other YAML never', async () => {
    const compose = await client.open('file:///work/app/compose.yaml', exampleCompose, 'dockercompose');
    for (const code of ['CG-C100', 'CG-C040', 'CG-C041', 'CG-C043', 'CG-C070']) assert.ok(codes(compose).includes(code), code);
    const asYaml = await client.open('file:///work/app/docker-compose.override.yml', 'services:\n  web:\n    privileged: true\n', 'yaml');
    assert.ok(codes(asYaml).includes('CG-C070'));
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: 'file:///work/app/config.yaml', languageId: 'yaml', version: 1, text: 'services:\n  web:\n    privileged: true\n' },
    });
    await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///work/app/config.yaml' }, position: { line: 0, character: 0 } });
    assert.ok(!client.published.some((p) => p.uri === 'file:///work/app/config.yaml'));
  });

  test('source.fixAll returns one edit applying every safe fix; the command sends workspace/applyEdit', async () => {
    // Nothing in this Compose file is safe to change unattended (privileges, reachability, hardening).
    const uri = 'file:///work/fixall/compose.yaml';
    const text = 'services:\n  web:\n    image: nginx:1.27\n    privileged: true\n    ports:\n      - "8080:80"\n';
    await client.open(uri, text, 'dockercompose');
    assert.deepEqual(await client.codeActions(uri, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, [], ['source.fixAll']), []);

    const dockerfile = 'file:///work/fixall/Dockerfile';
    const diagnostics = await client.open(dockerfile, `FROM ${ALPINE}\nADD a /a\nCMD node server.js\n`);
    const none = await client.codeActions(dockerfile, diagnostics[0].range, diagnostics, ['quickfix']);
    assert.ok(!none.some((a) => a.kind === 'source.fixAll.container-guard'));
    const [fixAll] = await client.codeActions(dockerfile, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, [], ['source.fixAll']);
    assert.equal(fixAll.kind, 'source.fixAll.container-guard');
    const after = await client.applyEdit(dockerfile, fixAll.edit);
    assert.equal(client.text(dockerfile), `FROM ${ALPINE}\nCOPY a /a\nCMD ["node", "server.js"]\n`);
    // The missing USER stays: adding one changes who the process runs as.
    assert.deepEqual(codes(after), ['CG-D020']);

    const other = 'file:///work/fixall2/Dockerfile';
    await client.open(other, `FROM ${ALPINE}\nADD a /a\nUSER 1000\n`);
    const before = client.appliedEdits.length;
    await client.connection.sendRequest('workspace/executeCommand', { command: 'containerGuard.applyFixAll', arguments: [other] });
    const edit = await client.until(() => client.appliedEdits[before], 'workspace/applyEdit');
    assert.deepEqual(edit.changes?.[other], [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } }, newText: 'COPY' }]);
  });

  test('hardening requests list fixable measures and return one edit that clears them', async () => {
    const uri = 'file:///work/harden/compose.yaml';
    await client.open(uri, 'services:\n  api:\n    image: nginx:1.27\n    privileged: true\n', 'dockercompose');
    // Measures come from the analysis with summaries off: the members of CG-C100, not the summary; and
    // "Pin all images to digests" (network, never preselected), as the image has no digest.
    const measures = (await client.connection.sendRequest('containerGuard/listHardenings', { textDocument: { uri } })) as { id: string; ruleIds: string[]; recommended: boolean }[];
    assert.deepEqual(measures.map((m) => m.id).sort(), ['CG-C020', 'CG-C023', 'CG-C050', 'CG-C060', 'CG-C061', 'CG-C062', 'CG-C063', 'CG-C065', 'CG-C070', 'CG-C108', 'pin-digests']);
    assert.deepEqual(measures.filter((m) => m.recommended).map((m) => m.id), [], 'none of them is safe unattended');
    const edit = (await client.connection.sendRequest('containerGuard/harden', { textDocument: { uri }, measureIds: ['CG-C020', 'CG-C070', 'CG-C060'] })) as WorkspaceEdit;
    const after = await client.applyEdit(uri, edit);
    // CG-C060's fix writes the memory and the CPU limit in one block, so CG-C061 goes too.
    const summary = finding(after, 'CG-C100');
    assert.deepEqual((summary.data as { members: string[] }).members, ['CG-C023', 'CG-C050', 'CG-C062', 'CG-C063', 'CG-C065', 'CG-C108']);
    assert.ok(!codes(after).includes('CG-C070'));
    assert.match(client.text(uri), /limits:\n {10}memory: 512M\n {10}cpus: "1\.0"/);
    assert.deepEqual(await client.connection.sendRequest('containerGuard/listHardenings', { textDocument: { uri: 'file:///nope' } }), []);
  });

  test('settings come from workspace/configuration and are re-read on didChangeConfiguration', async () => {
    const uri = 'file:///work/settings/Dockerfile';
    const before = await client.open(uri, `FROM ${ALPINE}\nADD a /a\nUSER 1000\n`);
    assert.equal(finding(before, 'CG-D060').severity, 2);
    client.settings = { rules: { 'CG-D060': 'error' } };
    let from = client.published.length;
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.equal(finding(await client.diagnostics(uri, 1, from), 'CG-D060').severity, 1);
    client.settings = { rules: { 'CG-D060': 'off' } };
    from = client.published.length;
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.deepEqual(codes(await client.diagnostics(uri, 1, from)), []);
    client.settings = null;
    from = client.published.length;
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.deepEqual(codes(await client.diagnostics(uri, 1, from)), ['CG-D060']);
    await client.close(uri);
  });

  test('Dockerfile editor features answer: hover, completion, symbols, folding, semantic tokens, formatting', async () => {
    const uri = 'file:///work/features/Dockerfile';
    await client.open(uri, 'FROM alpine:3.20 AS base\nRUN echo a \\\n  && echo b\nUSER 10001\n');
    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } })) as Hover;
    assert.match(JSON.stringify(hover.contents), /Set the `baseImage` to use for subsequent instructions/, 'hover explains FROM');
    const completion = (await client.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 4, character: 0 } })) as { label: string }[];
    assert.ok(completion.some((item) => item.label === 'ENTRYPOINT'), 'instruction keywords are proposed');
    const symbols = (await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as { name: string }[];
    assert.deepEqual(symbols.map((s) => s.name), ['FROM', 'RUN', 'USER']);
    const tokens = (await client.connection.sendRequest('textDocument/semanticTokens/full', { textDocument: { uri } })) as SemanticTokens;
    assert.ok(tokens.data.length > 0);
    const formatted = (await client.connection.sendRequest('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 4, insertSpaces: true } })) as unknown[];
    assert.ok(Array.isArray(formatted));
    await client.close(uri);
  });
});

describe('Compose build.target picks the Dockerfile stage that ships', () => {
  test('a target on disk is honoured and re-read when the Compose file changes', async (t) => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-proto-links-'));
    t.after(() => fs.rmSync(root, { recursive: true, force: true }));
    const dockerfile = path.join(root, 'Dockerfile');
    const composeFile = path.join(root, 'compose.yaml');
    const text = `FROM ${ALPINE} AS debug\nUSER root\nCMD ["sh"]\n\nFROM ${ALPINE}\nUSER 10001\nCMD ["app"]\n`;
    fs.writeFileSync(dockerfile, text);
    fs.writeFileSync(composeFile, 'services:\n  app:\n    build:\n      context: .\n      target: debug\n');
    const client = await LspTestClient.start();
    try {
      const uri = URI.file(dockerfile).toString();
      assert.deepEqual(codes(await client.open(uri, text)), ['CG-D021']);
      fs.writeFileSync(composeFile, 'services:\n  app:\n    build: .\n');
      const from = client.published.length;
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: URI.file(composeFile).toString(), type: 2 }] });
      assert.deepEqual(codes(await client.diagnostics(uri, 1, from)), []);
    } finally {
      await client.stop();
    }
  });
});

describe('CG-C100: one summary per Compose service', () => {
  const text = 'services:\n  web:\n    image: nginx:1.27\n';
  const keyRange = { start: { line: 1, character: 2 }, end: { line: 1, character: 5 } };
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start();
  });
  after(async () => {
    await client.stop();
  });

  test('is published on the service key with its members in data, and no member publishes on its own', async () => {
    const uri = 'file:///work/c100/compose.yaml';
    const diagnostics = await client.open(uri, text, 'dockercompose');
    assert.deepEqual(codes(diagnostics), ['CG-C100', 'CG-C101']);
    const summary = finding(diagnostics, 'CG-C100');
    assert.deepEqual(summary.range, keyRange);
    assert.equal(summary.severity, 3);
    assert.equal(summary.message, 'Service "web" is not hardened: no cap_drop ALL, no no-new-privileges, writable root filesystem, +6 more');
    assert.equal(summary.codeDescription?.href, 'https://github.com/container-guard/container-guard/blob/main/docs/rules/CG-C100.md');
    const data = summary.data as { service: string; members: string[] };
    assert.equal(data.service, 'web');
    assert.deepEqual(data.members, ['CG-C020', 'CG-C023', 'CG-C050', 'CG-C060', 'CG-C061', 'CG-C062', 'CG-C063', 'CG-C065', 'CG-C108']);
  });

  test('offers one fix per missing measure, none preferred, and no client command to a client that did not declare it', async () => {
    const uri = 'file:///work/c100-actions/compose.yaml';
    const summary = finding(await client.open(uri, text, 'dockercompose'), 'CG-C100');
    const actions = await client.codeActions(uri, summary.range, [summary]);
    assert.deepEqual(actions.map((a) => a.title), [
      'Add "cap_drop: [ALL]"',
      'Add "security_opt: [no-new-privileges:true]"',
      'Add "read_only: true" with a tmpfs for /tmp',
      'Add memory: 512M, cpus: "1.0" under "deploy.resources.limits"',
      'Add "pids_limit: 256"',
      'Add "ulimits" for nproc and nofile',
      'Add a "healthcheck" template (edit its probe)',
      'Add log rotation (max-size: "10m", max-file: "3")',
      'Ignore CG-C100 for this line',
      'Ignore CG-C100 in this file',
      'Show documentation for CG-C100',
    ]);
    assert.ok(actions.every((a) => !a.isPreferred && !(a.command?.command === 'containerGuard.hardenService')));
    // Applying one measure: it leaves the summary's list, the file still has one summary.
    const after = await client.applyEdit(uri, actions[0].edit);
    assert.equal(client.text(uri), 'services:\n  web:\n    image: nginx:1.27\n    cap_drop:\n      - ALL\n');
    const members = (finding(after, 'CG-C100').data as { members: string[] }).members;
    assert.ok(!members.includes('CG-C020'));
    assert.equal(members.length, 8);
  });

  test('an ignore comment for a member removes it from the summary; ignoring CG-C100 silences it', async () => {
    const uri = 'file:///work/c100-ignore/compose.yaml';
    const ignored = await client.open(uri, 'services:\n  # container-guard ignore=CG-C050,CG-C065 -- writes to /var, probed by the proxy\n  web:\n    image: nginx:1.27\n', 'dockercompose');
    const summary = finding(ignored, 'CG-C100');
    assert.deepEqual((summary.data as { members: string[] }).members, ['CG-C020', 'CG-C023', 'CG-C060', 'CG-C061', 'CG-C062', 'CG-C063', 'CG-C108']);
    assert.match(String(summary.message), /^Service "web" is not hardened: no cap_drop ALL, no no-new-privileges, no memory limit, \+4 more$/);
    const ignoreLine = (await client.codeActions(uri, summary.range, [summary])).find((a) => a.title === 'Ignore CG-C100 for this line');
    const after = await client.applyEdit(uri, ignoreLine?.edit);
    assert.deepEqual(codes(after), ['CG-C101']);
    assert.match(client.text(uri), /# container-guard ignore=CG-C050,CG-C065,CG-C100 -- writes/);
  });

  test('a member given a severity in the settings publishes on its own; strict shows every member', async () => {
    const configured = await LspTestClient.start({ rules: { 'CG-C020': 'error' } });
    const strict = await LspTestClient.start({ profile: 'strict' });
    try {
      const uri = 'file:///work/c100-config/compose.yaml';
      const diagnostics = await configured.open(uri, text, 'dockercompose');
      assert.deepEqual(codes(diagnostics), ['CG-C020', 'CG-C100', 'CG-C101']);
      assert.equal(finding(diagnostics, 'CG-C020').severity, 1);
      assert.ok(!(finding(diagnostics, 'CG-C100').data as { members: string[] }).members.includes('CG-C020'));
      const all = await strict.open(uri, text, 'dockercompose');
      assert.ok(!codes(all).includes('CG-C100'));
      for (const code of ['CG-C020', 'CG-C023', 'CG-C050', 'CG-C060', 'CG-C062']) assert.ok(codes(all).includes(code), code);
    } finally {
      await configured.stop();
      await strict.stop();
    }
  });

  test('"Harden service…" is a client command for clients that declare it; the service hardening request edits that service only', async () => {
    const vscodeLike = await LspTestClient.start(null, { clientCommands: ['containerGuard.hardenService'] });
    try {
      const uri = 'file:///work/c100-harden/compose.yaml';
      const two = 'services:\n  web:\n    image: nginx:1.27\n  db:\n    image: postgres:16\n';
      const summary = finding(await vscodeLike.open(uri, two, 'dockercompose'), 'CG-C100');
      const actions = await vscodeLike.codeActions(uri, summary.range, [summary]);
      const harden = actions.find((a) => a.title === 'Harden service "web"…');
      assert.deepEqual(harden?.command, { title: 'Harden service "web"…', command: 'containerGuard.hardenService', arguments: [uri, 'web'] });
      assert.equal(harden?.edit, undefined);
      const measures = (await vscodeLike.connection.sendRequest('containerGuard/listHardenings', { textDocument: { uri }, service: 'web' })) as { id: string; recommended: boolean }[];
      assert.ok(measures.length >= 8 && measures.every((m) => m.recommended));
      const edit = (await vscodeLike.connection.sendRequest('containerGuard/harden', {
        textDocument: { uri },
        service: 'web',
        measureIds: measures.map((m) => m.id),
      })) as WorkspaceEdit;
      const after = await vscodeLike.applyEdit(uri, edit);
      const left = after.filter((d) => d.code === 'CG-C100').map((d) => (d.data as { service: string }).service);
      assert.deepEqual(left, ['db'], vscodeLike.text(uri));
      assert.match(vscodeLike.text(uri), /\n  db:\n    image: postgres:16\n$/);
    } finally {
      await vscodeLike.stop();
    }
  });
});

describe('plain LSP clients (Neovim, Helix, Emacs …)', () => {
  const twoAdds = `FROM ${ALPINE}\nADD a /a\nADD b /b\nUSER 1000\n`;

  test('a client without dynamic registration gets none; settings pushed in didChangeConfiguration apply', async () => {
    const plain = await LspTestClient.startWith({ textDocument: { publishDiagnostics: { dataSupport: true } } });
    try {
      const uri = 'file:///work/plain/Dockerfile';
      assert.equal(finding(await plain.open(uri, twoAdds), 'CG-D060').severity, 2);
      const from = plain.published.length;
      await plain.connection.sendNotification('workspace/didChangeConfiguration', { settings: { containerGuard: { rules: { 'CG-D060': 'error' } } } });
      assert.ok((await plain.diagnostics(uri, 1, from)).filter((d) => d.code === 'CG-D060').every((d) => d.severity === 1));
      await plain.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
      assert.deepEqual(plain.registrations, []);
    } finally {
      await plain.stop();
    }
  });

  test('a client that allows it gets watchers for config, Compose and .env files, and the configuration registration', async () => {
    const dynamic = await LspTestClient.startWith({
      workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, didChangeWatchedFiles: { dynamicRegistration: true } },
    });
    try {
      await dynamic.until(() => dynamic.registrations.length >= 2, 'two registrations');
      const methods = dynamic.registrations.map((r) => r.method).sort();
      assert.deepEqual(methods, ['workspace/didChangeConfiguration', 'workspace/didChangeWatchedFiles']);
      const watchers = (dynamic.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles')?.registerOptions as { watchers: { globPattern: string }[] }).watchers;
      assert.deepEqual(watchers.map((w) => w.globPattern), ['**/{.container-guard,.hadolint}.{yaml,yml}', '**/{compose,docker-compose}{,.*,-*}.{yaml,yml}', '**/.env']);
    } finally {
      await dynamic.stop();
    }
  });

  test('code actions are grouped per rule, accept `only` as a string, and documentation opens through window/showDocument', async () => {
    const plain = await LspTestClient.startWith({ workspace: { applyEdit: true } });
    try {
      const uri = 'file:///work/plain-actions/Dockerfile';
      const adds = (await plain.open(uri, twoAdds)).filter((d) => d.code === 'CG-D060');
      assert.equal(adds.length, 2);
      const actions = (await plain.connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: { line: 1, character: 0 }, end: { line: 2, character: 3 } },
        context: { diagnostics: adds, only: 'quickfix' },
      })) as CodeAction[];
      assert.deepEqual(actions.map((a) => a.title), [
        'Replace ADD with COPY',
        'Replace ADD with COPY',
        'Ignore CG-D060 for this line',
        'Ignore CG-D060 for this line',
        'Ignore CG-D060 in this file',
        'Show documentation for CG-D060',
      ]);
      const docs = actions[5];
      assert.equal(docs.command?.command, 'containerGuard.showDocumentation');
      await plain.connection.sendRequest('workspace/executeCommand', { command: docs.command!.command, arguments: docs.command!.arguments });
      const shown = await plain.until(() => plain.shownDocuments[0], 'window/showDocument');
      assert.deepEqual(shown, { uri: 'https://github.com/container-guard/container-guard/blob/main/docs/rules/CG-D060.md', external: true });
    } finally {
      await plain.stop();
    }
  });

  test('VS Code, which declares its own documentation command, keeps its offline page', async () => {
    const vscodeLike = await LspTestClient.start(null, { clientCommands: ['containerGuard.showRuleDocumentation', 'containerGuard.hardenService'] });
    try {
      const uri = 'file:///work/vscode-docs/Dockerfile';
      const add = finding(await vscodeLike.open(uri, twoAdds), 'CG-D060');
      const docs = (await vscodeLike.codeActions(uri, add.range, [add])).find((a) => a.title === 'Show documentation for CG-D060');
      assert.equal(docs?.command?.command, 'containerGuard.showRuleDocumentation');
    } finally {
      await vscodeLike.stop();
    }
  });

  test('diagnostics are capped most severe first: an Error near the end is kept, Infos are dropped', async () => {
    const capped = await LspTestClient.start(null);
    try {
      const uri = 'file:///work/cap/compose.yaml';
      const services = Array.from({ length: 600 }, (_, i) => `  s${i}:\n    image: nginx:1.27\n`).join('');
      const diagnostics = await capped.open(uri, `services:\n${services}  last:\n    image: x\n    privileged: true\n`, 'dockercompose');
      const ours = diagnostics.filter((d) => d.source === 'container-guard');
      assert.equal(ours.filter((d) => d.code).length, 500);
      assert.ok(ours.some((d) => d.code === 'CG-C070' && d.severity === 1), 'the Error at the end is kept');
      assert.match(String(ours[ours.length - 1].message), /more Container Guard findings in this file were left out \(limit 500 per file\)/);
    } finally {
      await capped.stop();
    }
  });
});

describe('analysis never blocks the message loop', () => {
  /** A 200 KB Compose file: 2,000 services. */
  const large = 'services:\n' + Array.from({ length: 2000 }, (_, i) => `  svc${i}:\n    image: registry.example/app:1.${i}\n    ports: ["127.0.0.1:${10000 + i}:80"]\n`).join('');

  test('while a 200 KB Compose file is analyzed (in the worker), requests on another document are answered first', async () => {
    const client = await LspTestClient.start();
    try {
      const small = 'file:///work/worker/Dockerfile';
      await client.open(small, `FROM ${ALPINE}\nADD a /a\nUSER 1\n`);
      const uri = 'file:///work/worker/compose.yaml';
      const order: string[] = [];
      const published = client.diagnostics(uri, 1).then((d) => {
        order.push('publish');
        return d;
      });
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dockercompose', version: 1, text: large } });
      // One round trip first: by its answer the server has taken up the large file's analysis.
      await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri: small } });
      const answers = [
        client.connection.sendRequest('textDocument/hover', { textDocument: { uri: small }, position: { line: 1, character: 1 } }).then(() => order.push('hover')),
        client.connection.sendRequest('textDocument/completion', { textDocument: { uri: small }, position: { line: 2, character: 0 } }).then(() => order.push('completion')),
        client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri: small } }).then(() => order.push('symbols')),
      ];
      await Promise.all(answers);
      const diagnostics = await published;
      assert.deepEqual(order.slice(0, 3).sort(), ['completion', 'hover', 'symbols'], `answered before the large file's analysis: ${order.join(', ')}`);
      // The worker's analysis is the real one: findings and their actions work as for any file.
      const summary = diagnostics.find((d) => d.code === 'CG-C100');
      assert.ok(summary, 'summaries of the large file');
      const actions = await client.codeActions(uri, summary.range, [summary]);
      assert.equal(actions[0].title, 'Add "cap_drop: [ALL]"');
      const ignore = actions.find((a) => a.title === 'Ignore CG-C100 for this line');
      assert.deepEqual(ignore?.edit?.changes?.[uri], [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, newText: '  # container-guard ignore=CG-C100\n' }]);
    } finally {
      await client.stop();
    }
  });

  test('versions typed while a large file is analyzed: the newest is published, the ones between are dropped', async () => {
    const client = await LspTestClient.start();
    try {
      const uri = 'file:///work/worker-typing/compose.yaml';
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dockercompose', version: 1, text: large } });
      for (let version = 2; version <= 6; version++) {
        await client.connection.sendNotification('textDocument/didChange', {
          textDocument: { uri, version },
          contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: `# v${version}\n` }],
        });
      }
      const last = await client.diagnostics(uri, 6);
      assert.ok(last.some((d) => d.code === 'CG-C100'));
      const versions = client.published.filter((p) => p.uri === uri).map((p) => p.version!);
      assert.deepEqual(versions, [...versions].sort((a, b) => a - b), 'versions never go back');
      assert.equal(new Set(versions).size, versions.length, 'at most one publish per version');
      assert.ok(versions.length < 6, `the versions in between are not all analyzed: ${versions.join(', ')}`);
    } finally {
      await client.stop();
    }
  });
});

describe('bad input never crashes the server', () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start();
  });
  after(async () => {
    await client.stop();
  });

  const cases: [string, string, string][] = [
    ['empty Dockerfile', 'Dockerfile', ''],
    ['empty Compose file', 'compose.yaml', ''],
    ['binary junk', 'Dockerfile', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString('latin1')],
    ['binary junk as Compose', 'compose.yaml', '\u0000\u0001\u0002{[&*!%@`' + '\u00ff'.repeat(100)],
    ['half-typed instructions', 'Dockerfile', 'FROM\nRUN\nUSER\nCMD [\nADD\nCOPY --from=\nARG\nENV A\n'],
    ['CRLF, BOM and tabs', 'Dockerfile', '\uFEFFFROM alpine:3.20\r\n\tRUN echo a\r\n\tADD a /a\r\n'],
    ['lone CR line endings', 'Dockerfile', 'FROM alpine\rRUN <<EOF\recho\rEOF\r'],
    ['a variable before any FROM', 'Dockerfile', ' - $G\nFROM alpine\n'],
    ['tabs in YAML', 'compose.yaml', 'services:\n\tweb:\n\t\tprivileged: true\n'],
    ['a YAML alias bomb', 'compose.yaml', aliasBomb()],
    ['an unclosed flow collection', 'compose.yaml', 'services: ' + '['.repeat(20000)],
    ['Windows paths', 'compose.yaml', 'services:\n  web:\n    image: app:1\n    volumes:\n      - C:\\data:/data\n      - \\\\.\\pipe\\docker_engine:\\\\.\\pipe\\docker_engine\n'],
  ];
  for (const [name, file, text] of cases) {
    test(name, async () => {
      const uri = `file:///bad/${encodeURIComponent(name)}/${file}`;
      const diagnostics = await client.open(uri, text, file === 'Dockerfile' ? 'dockerfile' : 'dockercompose');
      assert.ok(Array.isArray(diagnostics));
      const actions = await client.codeActions(uri, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, diagnostics, ['source.fixAll']);
      assert.ok(Array.isArray(actions));
      await client.close(uri);
    });
  }

  test('a 5 MB file gets one clear note and the server keeps serving', async () => {
    const line = 'RUN echo "padding padding padding padding padding padding padding padding"\n';
    const big = 'FROM alpine\n' + line.repeat(Math.ceil((5 * 1024 * 1024) / line.length));
    const started = Date.now();
    const diagnostics = await client.open('file:///bad/big/Dockerfile', big);
    assert.ok(Date.now() - started < 5000);
    assert.equal(diagnostics.length, 1);
    assert.match(String(diagnostics[0].message), /over the 1024 KB analysis limit/);
    const small = await client.open('file:///bad/after-big/Dockerfile', `FROM ${ALPINE}\nADD a /a\nUSER 1\n`);
    assert.deepEqual(codes(small), ['CG-D060']);
  });

  test('the server process is still alive after all of it', () => {
    assert.equal(client.process.exitCode, null);
    assert.doesNotMatch(client.stderr, /Error|Unhandled/);
  });
});

function aliasBomb(): string {
  let text = 'x-a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  let previous = 'a';
  for (const name of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']) {
    text += `x-${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]\n`;
    previous = name;
  }
  return text + `services:\n  web:\n    image: app:1\n    environment: *${previous}\n    <<: *${previous}\n`;
}

export type { CodeAction };
