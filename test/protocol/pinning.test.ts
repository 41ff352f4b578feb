// Image pinning over the protocol, against a real registry (Debian's docker-registry on 127.0.0.1):
// the lazily resolved "Pin to current digest" action, the command for clients without
// `codeAction/resolve`, "Choose a tag…" and its requests, the hover, the wizard measure, failures, and
// that nothing asks a registry before the user picks a lookup.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CodeAction, Diagnostic, Hover, InitializeResult, MarkupContent, WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { LspTestClient, applyToText, codes } from './lsp-client';
import { freePort, Registry, registryMissing, SpyServer } from '../unit/registry-kit';

const skip = registryMissing();

// The server reads Docker's credentials from $DOCKER_CONFIG: never the real home in tests.
const dockerConfig = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-docker-config-'));
process.env.DOCKER_CONFIG = dockerConfig;

/** Capabilities of a client like VS Code: resolves a code action's edit lazily. */
const resolvingClient = {
  workspace: { configuration: true, applyEdit: true },
  textDocument: {
    publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
    codeAction: {
      codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } },
      dataSupport: true,
      resolveSupport: { properties: ['edit'] },
    },
    hover: { contentFormat: ['markdown', 'plaintext'] },
  },
};
const vscodeLike = { clientCommands: ['containerGuard.chooseTag', 'containerGuard.hardenService'] };

function finding(diagnostics: Diagnostic[], code: string): Diagnostic {
  const found = diagnostics.find((d) => d.code === code);
  assert.ok(found, `expected a ${code} diagnostic, got ${codes(diagnostics).join(', ')}`);
  return found;
}

/** `window/showMessage` notifications, in order. */
function messages(client: LspTestClient): { type: number; message: string }[] {
  const seen: { type: number; message: string }[] = [];
  client.connection.onNotification('window/showMessage', (params: { type: number; message: string }) => {
    seen.push(params);
  });
  return seen;
}

async function hover(client: LspTestClient, uri: string, line: number, character: number): Promise<string | null> {
  const answer = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character } })) as Hover | null;
  if (!answer) return null;
  return typeof answer.contents === 'string' ? answer.contents : (answer.contents as MarkupContent).value;
}

function commandLink(title: string, command: string, args: unknown[]): string {
  return `[${title}](command:${command}?${encodeURIComponent(JSON.stringify(args))})`;
}

after(() => fs.rmSync(dockerConfig, { recursive: true, force: true }));

describe('without a lookup the user asked for, no registry is asked', () => {
  const spy = new SpyServer();
  let client: LspTestClient;
  before(async () => {
    await spy.start();
    client = await LspTestClient.startWith(resolvingClient, null, vscodeLike);
  });
  after(async () => {
    await client.stop();
    await spy.stop();
  });

  test('opening files, listing actions and hovering send nothing; the action carries data and no edit until resolved', async () => {
    const seen = messages(client);
    const uri = 'file:///pin/quiet/Dockerfile';
    const text = `FROM ${spy.host}/team/app:1.0\n`;
    const diagnostics = await client.open(uri, text);
    const d003 = finding(diagnostics, 'CG-D003');
    assert.equal(d003.severity, 4);
    const actions = await client.codeActions(uri, d003.range, [d003]);
    assert.deepEqual(actions.map((a) => a.title), ['Pin to current digest', 'Choose a tag…', 'Ignore CG-D003 for this line', 'Ignore CG-D003 in this file', 'Show documentation for CG-D003']);
    const pin = actions[0];
    assert.equal(pin.edit, undefined);
    assert.equal(pin.isPreferred, undefined);
    assert.deepEqual(pin.data, { containerGuardPin: 1, uri, reference: `${spy.host}/team/app:1.0`, range: d003.range });
    assert.deepEqual(actions[1].command, { title: 'Choose a tag…', command: 'containerGuard.chooseTag', arguments: [uri, d003.range.start] });
    const composeUri = 'file:///pin/quiet/compose.yaml';
    await client.open(composeUri, `services:\n  web:\n    image: ${spy.host}/team/web\n`, 'dockercompose');
    const shown = await hover(client, uri, 0, 8);
    assert.ok(shown?.includes('Registry lookups are off'), shown ?? '');
    assert.deepEqual(spy.requests, []);
    // Fix-all never pins.
    const fixAll = await client.codeActions(uri, d003.range, [d003], ['source.fixAll.container-guard']);
    assert.deepEqual(fixAll, []);
    assert.deepEqual(spy.requests, []);

    // Picking it is asking: the lookup runs now; this registry answers 404, so: one message, no edit.
    const resolved = (await client.connection.sendRequest('codeAction/resolve', pin)) as CodeAction;
    assert.equal(resolved.edit, undefined);
    assert.deepEqual(spy.requests, ['HEAD /v2/team/app/manifests/1.0']);
    await client.until(() => seen.length > 0, 'showMessage');
    assert.deepEqual(seen, [{ type: 1, message: `Container Guard could not pin ${spy.host}/team/app:1.0: The tag "1.0" of team/app on ${spy.host} was not found (404).` }]);
  });
});

describe('pinning against docker-registry', { skip }, () => {
  const registry = new Registry();
  let client: LspTestClient;
  let single: string;
  let latest: string;
  let index: string;
  let tools: string;

  before(async () => {
    await registry.start();
    let indexed: { digest: string };
    [single, latest, indexed, tools] = await Promise.all([
      registry.pushImage('team/app', '1.0'),
      registry.pushImage('team/app', 'latest'),
      registry.pushIndex('team/app', '2.0', ['linux/amd64', 'linux/arm64']),
      registry.pushImage('tools/frontend', '1', { oci: true }),
      ...['1.1', '1.1-alpine', '2.0-alpine', 'stable'].map((tag) => registry.pushImage('team/app', tag)),
    ]);
    index = indexed.digest;
    client = await LspTestClient.startWith(resolvingClient, null, vscodeLike);
  });
  after(async () => {
    await client.stop();
    await registry.stop();
  });

  test('initialize: code actions resolve lazily; the pin command is a server command', async () => {
    const probe = new LspTestClient();
    try {
      const result = (await probe.connection.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} })) as InitializeResult;
      assert.deepEqual(result.capabilities.codeActionProvider, { codeActionKinds: ['quickfix', 'source.fixAll.container-guard'], resolveProvider: true });
      assert.ok((result.capabilities.executeCommandProvider?.commands ?? []).includes('containerGuard.pinDigest'));
    } finally {
      await probe.stop();
    }
  });

  test('Pin to current digest (resolve) keeps the tag; the hint is gone after the edit', async () => {
    const uri = 'file:///pin/one/Dockerfile';
    const diagnostics = await client.open(uri, `FROM ${registry.host}/team/app:1.0 AS base\nRUN true\n`);
    const d003 = finding(diagnostics, 'CG-D003');
    const [pin] = await client.codeActions(uri, d003.range, [d003]);
    const resolved = (await client.connection.sendRequest('codeAction/resolve', pin)) as CodeAction;
    assert.equal(resolved.title, 'Pin to current digest');
    const after = await client.applyEdit(uri, resolved.edit);
    assert.equal(client.text(uri), `FROM ${registry.host}/team/app:1.0@${single} AS base\nRUN true\n`);
    assert.ok(!codes(after).includes('CG-D003'));
  });

  test('a multi-platform image pins to its index digest; no tag pins `latest`; COPY --from and ARG defaults too', async () => {
    const uri = 'file:///pin/many/Dockerfile';
    const text = [
      `ARG BASE=${registry.host}/team/app`,
      'FROM ${BASE} AS one',
      `FROM ${registry.host}/team/app:2.0`,
      `COPY --from=${registry.host}/team/app /a /b`,
      '',
    ].join('\n');
    const diagnostics = await client.open(uri, text);
    const pinned: string[] = [];
    for (const [code, line] of [['CG-D001', 1], ['CG-D003', 2], ['CG-D106', 3]] as const) {
      const diagnostic = diagnostics.find((d) => d.code === code && d.range.start.line === line);
      assert.ok(diagnostic, `${code} on line ${line}: ${codes(diagnostics)}`);
      const actions = await client.codeActions(uri, diagnostic.range, [diagnostic]);
      const resolved = (await client.connection.sendRequest('codeAction/resolve', actions.find((a) => a.title === 'Pin to current digest'))) as CodeAction;
      pinned.push(applyToText(text, resolved.edit?.changes?.[uri] ?? []));
    }
    assert.equal(pinned[0], text.replace(`ARG BASE=${registry.host}/team/app`, `ARG BASE=${registry.host}/team/app@${latest}`));
    assert.equal(pinned[1], text.replace(`FROM ${registry.host}/team/app:2.0`, `FROM ${registry.host}/team/app:2.0@${index}`));
    assert.equal(pinned[2], text.replace(`--from=${registry.host}/team/app `, `--from=${registry.host}/team/app@${latest} `));
  });

  test('Compose image: (C001 on a floating tag) resolves inside the quotes', async () => {
    const uri = 'file:///pin/compose/compose.yaml';
    const diagnostics = await client.open(uri, `services:\n  web:\n    image: "${registry.host}/team/app:latest"\n`, 'dockercompose');
    const c001 = finding(diagnostics, 'CG-C001');
    assert.equal(
      await hover(client, uri, 2, 14),
      [
        `**Image** \`${registry.host}/team/app:latest\``,
        'Pulled by service `web`.',
        'Not pinned to a digest: the tag can be moved to another image.',
        '_Registry lookups are off (`containerGuard.registry.lookup`): a pin asks the registry only when you pick it._',
        `${commandLink('Pin to current digest', 'containerGuard.pinDigest', [uri, { line: 2, character: 11 }])} · ${commandLink('Choose a tag…', 'containerGuard.chooseTag', [uri, { line: 2, character: 11 }])}`,
      ].join('\n\n'),
    );
    const [pin] = await client.codeActions(uri, c001.range, [c001]);
    const resolved = (await client.connection.sendRequest('codeAction/resolve', pin)) as CodeAction;
    const after = await client.applyEdit(uri, resolved.edit);
    assert.equal(client.text(uri), `services:\n  web:\n    image: "${registry.host}/team/app:latest@${latest}"\n`);
    assert.ok(!codes(after).includes('CG-C001') && !codes(after).includes('CG-C101'));
  });

  test('"Choose a tag…": the tags newest first for the current variant, then the edit for the chosen one', async () => {
    const uri = 'file:///pin/choose/Dockerfile';
    await client.open(uri, `FROM ${registry.host}/team/app:1.0\n`);
    const position = { line: 0, character: 5 };
    const listed = await client.connection.sendRequest('containerGuard/listTags', { textDocument: { uri }, position });
    assert.deepEqual(listed, { reference: `${registry.host}/team/app:1.0`, currentTag: '1.0', tags: ['2.0', '1.1', '1.0', '2.0-alpine', '1.1-alpine', 'latest', 'stable'] });
    const answer = (await client.connection.sendRequest('containerGuard/pinEdit', { textDocument: { uri }, position, tag: '1.1' })) as { edit: WorkspaceEdit };
    assert.equal(applyToText(client.text(uri), answer.edit.changes![uri]), `FROM ${registry.host}/team/app:1.1@${(await digestOf('team/app', '1.1'))}\n`);
    assert.deepEqual(await client.connection.sendRequest('containerGuard/pinEdit', { textDocument: { uri }, position: { line: 5, character: 0 } }), { error: 'Container Guard: there is no image reference there any more.' });
  });

  async function digestOf(repository: string, tag: string): Promise<string> {
    const response = await fetch(`${registry.url}/v2/${repository}/manifests/${tag}`, { method: 'HEAD', headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
    return response.headers.get('docker-content-digest')!;
  }

  test('a client without codeAction/resolve gets the server command, which applies the pin with workspace/applyEdit', async () => {
    const plain = await LspTestClient.start();
    try {
      const uri = 'file:///pin/plain/Dockerfile';
      const diagnostics = await plain.open(uri, `# syntax=${registry.host}/tools/frontend:1\nFROM ${registry.host}/team/app:1.0@${single}\n`);
      const d106 = finding(diagnostics, 'CG-D106');
      const actions = await plain.codeActions(uri, d106.range, [d106]);
      // No client command declared: no "Choose a tag…".
      assert.deepEqual(actions.map((a) => a.title), ['Pin to current digest', 'Ignore CG-D106 for this line', 'Ignore CG-D106 in this file', 'Show documentation for CG-D106']);
      assert.deepEqual(actions[0].command, { title: 'Pin to current digest', command: 'containerGuard.pinDigest', arguments: [uri, { line: 0, character: 9 }] });
      await plain.connection.sendRequest('workspace/executeCommand', actions[0].command);
      await plain.until(() => plain.appliedEdits.length > 0, 'applyEdit');
      assert.equal(applyToText(plain.text(uri), plain.appliedEdits[0].changes![uri]), `# syntax=${registry.host}/tools/frontend:1@${tools}\nFROM ${registry.host}/team/app:1.0@${single}\n`);
    } finally {
      await plain.stop();
    }
  });

  test('the hover shows the reference, its digest and the pin links (lookups off: no registry request)', async () => {
    const uri = 'file:///pin/hover/Dockerfile';
    await client.open(uri, `FROM ${registry.host}/team/app:1.0\nFROM ${registry.host}/team/app:1.0@${single}\n`);
    assert.equal(
      await hover(client, uri, 0, 6),
      [
        `**Image** \`${registry.host}/team/app:1.0\``,
        'Not pinned to a digest: the tag can be moved to another image.',
        '_Registry lookups are off (`containerGuard.registry.lookup`): a pin asks the registry only when you pick it._',
        `${commandLink('Pin to current digest', 'containerGuard.pinDigest', [uri, { line: 0, character: 5 }])} · ${commandLink('Choose a tag…', 'containerGuard.chooseTag', [uri, { line: 0, character: 5 }])}`,
      ].join('\n\n'),
    );
    const pinned = await hover(client, uri, 1, 6);
    assert.ok(pinned?.includes(`Digest in the file: \`${single}\`.`), pinned ?? '');
    assert.ok(!pinned?.includes('Pin to current digest'));
    // The library's hover still answers elsewhere (the FROM keyword).
    assert.match((await hover(client, uri, 0, 1)) ?? '', /^Set the `baseImage` to use/);
  });

  test('with containerGuard.registry.lookup on, the hover says whether the tag moved', async () => {
    const lookup = await LspTestClient.startWith(resolvingClient, null, { ...vscodeLike, registryLookup: true });
    try {
      const uri = 'file:///pin/lookup/Dockerfile';
      const old = `sha256:${'0'.repeat(64)}`;
      await lookup.open(uri, `FROM ${registry.host}/team/app:1.0@${single}\nFROM ${registry.host}/team/app:1.0@${old}\nFROM ${registry.host}/team/app:2.0\n`);
      assert.ok((await hover(lookup, uri, 0, 6))?.includes('The tag `1.0` still points to this digest.'));
      const moved = await hover(lookup, uri, 1, 6);
      assert.ok(moved?.includes(`The tag \`1.0\` now points elsewhere: \`${single}\`.`), moved ?? '');
      assert.ok(moved?.includes(commandLink('Re-pin to current digest', 'containerGuard.pinDigest', [uri, { line: 1, character: 5 }])));
      assert.ok((await hover(lookup, uri, 2, 6))?.includes(`The tag \`2.0\` points to \`${index}\` now (a multi-platform index).`));
    } finally {
      await lookup.stop();
    }
  });

  test('the wizard measure "Pin all images to digests" (file): listed without a lookup, applied with one', async () => {
    const uri = 'file:///pin/wizard/Dockerfile';
    const text = `FROM ${registry.host}/team/app:1.0\nCOPY --from=${registry.host}/team/app:2.0 /a /b\nADD app.js /app/\n`;
    await client.open(uri, text);
    const measures = (await client.connection.sendRequest('containerGuard/listHardenings', { textDocument: { uri } })) as { id: string; recommended: boolean; ruleIds: string[]; title: string }[];
    const pin = measures.find((m) => m.id === 'pin-digests');
    assert.deepEqual(pin && { title: pin.title, recommended: pin.recommended, ruleIds: pin.ruleIds }, { title: 'Pin all images to digests', recommended: false, ruleIds: ['CG-D003'] });
    const edit = (await client.connection.sendRequest('containerGuard/harden', { textDocument: { uri }, measureIds: ['pin-digests', 'CG-D060'] })) as WorkspaceEdit;
    assert.equal(applyToText(text, edit.changes![uri]), `FROM ${registry.host}/team/app:1.0@${single}\nCOPY --from=${registry.host}/team/app:2.0@${index} /a /b\nCOPY app.js /app/\n`);
    // Not for one Compose service.
    const composeUri = 'file:///pin/wizard/compose.yaml';
    await client.open(composeUri, `services:\n  web:\n    image: ${registry.host}/team/app:1.0\n`, 'dockercompose');
    const forService = (await client.connection.sendRequest('containerGuard/listHardenings', { textDocument: { uri: composeUri }, service: 'web' })) as { id: string }[];
    assert.ok(!forService.some((m) => m.id === 'pin-digests'));
  });

  test('a registry that is down: one readable message, no edit; the wizard pins what it can and names the rest', async () => {
    const seen = messages(client);
    const port = await freePort();
    const uri = 'file:///pin/down/Dockerfile';
    const text = `FROM 127.0.0.1:${port}/app:1\nFROM ${registry.host}/team/app:1.0\n`;
    const diagnostics = await client.open(uri, text);
    const d003 = diagnostics.find((d) => d.code === 'CG-D003' && d.range.start.line === 0)!;
    const [pin] = await client.codeActions(uri, d003.range, [d003]);
    const resolved = (await client.connection.sendRequest('codeAction/resolve', pin)) as CodeAction;
    assert.equal(resolved.edit, undefined);
    await client.until(() => seen.length === 1, 'showMessage');
    assert.deepEqual(seen[0], { type: 1, message: `Container Guard could not pin 127.0.0.1:${port}/app:1: 127.0.0.1:${port} refused the connection: no registry is listening there.` });
    const edit = (await client.connection.sendRequest('containerGuard/harden', { textDocument: { uri }, measureIds: ['pin-digests'] })) as WorkspaceEdit;
    assert.equal(applyToText(text, edit.changes![uri]), `FROM 127.0.0.1:${port}/app:1\nFROM ${registry.host}/team/app:1.0@${single}\n`);
    await client.until(() => seen.length === 2, 'showMessage');
    assert.equal(seen[1].message, `Container Guard could not pin one image: 127.0.0.1:${port}/app:1: 127.0.0.1:${port} refused the connection: no registry is listening there. The other 1 image was pinned.`);
  });
});
