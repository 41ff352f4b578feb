// Image pinning in VS Code against a real registry: the docker-registry that test/e2e/ext-tests.mjs
// starts before code-server (CG_TEST_REGISTRY = 127.0.0.1:<port>; DOCKER_CONFIG is an empty folder, so no
// real credentials are read). The tests push their own images to it through the registry HTTP API, with
// the same kit as the unit and protocol tests, and compare the pins with the digests the pushes returned.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { freePort, Registry } from '../unit/registry-kit';
import { EXTENSION_ID, describe, open, titles, waitForDiagnostics, waitForGone, withCode, workspaceRoot } from './helpers';

const PIN = 'Pin to current digest';
const CHOOSE = 'Choose a tag…';
const CHOOSE_TAG = 'containerGuard.chooseTag';
const quickfix = vscode.CodeActionKind.QuickFix.value;

/** The harness's registry, for pushes: the kit's push methods only need its port (it is already running). */
function harnessRegistry(host: string): Registry {
  const registry = new Registry();
  registry.port = Number(host.slice(host.lastIndexOf(':') + 1));
  return registry;
}

let files = 0;
/** A new Dockerfile with `text` in its own folder of the test workspace. */
function dockerfile(label: string, text: string): vscode.Uri {
  const dir = path.join(workspaceRoot(), `pin-${++files}-${label}`);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'Dockerfile');
  fs.writeFileSync(file, text);
  return vscode.Uri.file(file);
}

/** The CG-D003 of a one-image file, once published; in baseline it is a Hint (catalogue §6.2). */
async function d003(uri: vscode.Uri): Promise<vscode.Diagnostic> {
  const ds = withCode(await waitForDiagnostics(uri, (x) => withCode(x, 'CG-D003').length > 0, 'CG-D003'), 'CG-D003');
  assert.strictEqual(ds.length, 1, `one CG-D003 expected: ${describe(ds)}`);
  assert.strictEqual(ds[0].severity, vscode.DiagnosticSeverity.Hint, `CG-D003 is a Hint in baseline: ${describe(ds)}`);
  return ds[0];
}

/**
 * The quick fixes for `range` with the first one resolved (itemResolveCount 1), as the light bulb resolves
 * the action a person picks: for "Pin to current digest" that is when the registry is asked. An empty
 * answer is asked again (see `codeActions` in helpers.ts for why VS Code sometimes returns one).
 */
async function quickFixesFirstResolved(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  const ask = () => vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[] | undefined>('vscode.executeCodeActionProvider', uri, range, quickfix, 1);
  let all = await ask();
  for (let retry = 1; !all?.length && retry <= 3; retry++) {
    console.log(`    (code actions for ${path.basename(path.dirname(uri.fsPath))} came back empty; asking again, ${retry})`);
    all = await ask();
  }
  return (all ?? []).filter((a): a is vscode.CodeAction => typeof (a as { command?: unknown }).command !== 'string');
}

/**
 * Records the error messages the extension shows while `run` runs. The test module shares the extension's
 * `vscode` API object (it lies in the extension's folder), so wrapping `window.showErrorMessage` sees
 * what vscode-languageclient shows for the server's `window/showMessage`; the message is still shown.
 */
async function errorMessagesDuring<T>(run: (messages: string[], next: () => Promise<string>) => Promise<T>): Promise<T> {
  const window = vscode.window as { showErrorMessage: (...args: unknown[]) => unknown };
  const original = window.showErrorMessage;
  const messages: string[] = [];
  let waiting: ((message: string) => void) | undefined;
  window.showErrorMessage = (...args: unknown[]) => {
    messages.push(String(args[0]));
    waiting?.(String(args[0]));
    return original.apply(vscode.window, args);
  };
  // The next message not yet taken; rejects after 10 s (the registry client gives up after 5).
  let taken = 0;
  const next = () => new Promise<string>((resolve, reject) => {
    if (messages.length > taken) { resolve(messages[taken++]); return; }
    const timer = setTimeout(() => { waiting = undefined; reject(new Error(`no error message was shown within 10 s (shown: ${JSON.stringify(messages)})`)); }, 10_000);
    waiting = (message) => { clearTimeout(timer); waiting = undefined; taken++; resolve(message); };
  });
  try {
    return await run(messages, next);
  } finally {
    window.showErrorMessage = original;
  }
}

const host = process.env.CG_TEST_REGISTRY;

suite('image pinning against a registry', function () {
  let registry: Registry;
  let v10: string;
  let v11: string;

  suiteSetup(async function () {
    if (!host) {
      // ext-tests.mjs always starts one; without docker-registry (outside CI) it says why.
      console.log(`    skipped: no registry (${process.env.CG_TEST_REGISTRY_MISSING ?? 'CG_TEST_REGISTRY is not set'})`);
      this.skip();
    }
    registry = harnessRegistry(host);
    [v10, v11] = await Promise.all([registry.pushImage('team/app', '1.0'), registry.pushImage('team/app', '1.1')]);
  });

  test('containerGuard.chooseTag is contributed under "Container Guard", hidden from the palette, and registered', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    await extension.activate();   // (with --grep this may be the first test: nothing has opened a Dockerfile yet)
    const manifest = extension.packageJSON as {
      contributes: { commands: { command: string; category?: string }[]; menus: { commandPalette: { command: string; when?: string }[] } };
    };
    const command = manifest.contributes.commands.find((c) => c.command === CHOOSE_TAG);
    assert.strictEqual(command?.category, 'Container Guard');
    assert.deepStrictEqual(manifest.contributes.menus.commandPalette.filter((m) => m.command === CHOOSE_TAG), [{ command: CHOOSE_TAG, when: 'false' }]);
    const all = await vscode.commands.getCommands(true);
    assert.ok(all.includes(CHOOSE_TAG), `${CHOOSE_TAG} is not registered; ours: ${all.filter((c) => c.startsWith('containerGuard.')).join(', ')}`);
  });

  test(`"${PIN}" (resolved when picked) appends the digest the registry returned; saved to disk, CG-D003 goes`, async () => {
    const text = `FROM ${host}/team/app:1.0\n`;
    const doc = await open(dockerfile('pin', text));
    const hint = await d003(doc.uri);
    const actions = await quickFixesFirstResolved(doc.uri, hint.range);
    const pin = actions[0];
    assert.strictEqual(pin?.title, PIN, `the first quick fix: ${titles(actions)}`);
    assert.ok(!pin.isPreferred, 'a pin is never a preferred fix');
    assert.ok(actions.some((a) => a.title === CHOOSE), `"${CHOOSE}" is offered too: ${titles(actions)}`);
    assert.ok(pin.edit, `"${PIN}" carries its edit once resolved`);
    assert.ok(await vscode.workspace.applyEdit(pin.edit));
    assert.strictEqual(doc.getText(), `FROM ${host}/team/app:1.0@${v10}\n`);
    assert.ok(await doc.save());
    assert.strictEqual(fs.readFileSync(doc.uri.fsPath, 'utf8'), `FROM 127.0.0.1:${registry.port}/team/app:1.0@${v10}\n`);
    await waitForGone(doc.uri, ['CG-D003']);
  });

  test(`${CHOOSE_TAG} with { tag: '1.1' } writes that tag with its digest`, async () => {
    const doc = await open(dockerfile('choose-tag', `FROM ${host}/team/app:1.0\n`));
    await d003(doc.uri);
    const applied = await vscode.commands.executeCommand<boolean>(CHOOSE_TAG, doc.uri.toString(), { line: 0, character: 5 }, { tag: '1.1' });
    assert.strictEqual(applied, true);
    assert.strictEqual(doc.getText(), `FROM ${host}/team/app:1.1@${v11}\n`);
    assert.ok(await doc.save());
    assert.strictEqual(fs.readFileSync(doc.uri.fsPath, 'utf8'), `FROM ${host}/team/app:1.1@${v11}\n`);
  });

  test('the wizard measure "pin-digests" (containerGuard.harden without preview) pins every image of the file', async () => {
    const doc = await open(dockerfile('wizard', `FROM ${host}/team/app:1.1 AS build\nRUN true\n\nFROM ${host}/team/app:1.0\n`));
    await waitForDiagnostics(doc.uri, (x) => withCode(x, 'CG-D003').length === 2, 'CG-D003 on both images');
    const applied = await vscode.commands.executeCommand<boolean>('containerGuard.harden', { measureIds: ['pin-digests'], preview: false });
    assert.strictEqual(applied, true);
    assert.strictEqual(doc.getText(), `FROM ${host}/team/app:1.1@${v11} AS build\nRUN true\n\nFROM ${host}/team/app:1.0@${v10}\n`);
    await waitForGone(doc.uri, ['CG-D003']);
    assert.ok(await doc.save());
  });

  test(`the hover on an image reference offers "${PIN}" and "${CHOOSE}" (lookups off)`, async () => {
    const doc = await open(dockerfile('hover', `FROM ${host}/team/app:1.0\n`));
    await d003(doc.uri);   // the hover answers from the current analysis: there is one now
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(0, 8));
    const shown = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n---\n');
    const ours = hovers.find((h) => h.contents.some((c) => typeof c !== 'string' && c.value.startsWith('**Image**')));
    assert.ok(ours, `no image hover; shown:\n${shown}`);
    const value = ours.contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
    assert.ok(value.startsWith(`**Image** \`${host}/team/app:1.0\``), value);
    assert.ok(value.includes('Not pinned to a digest: the tag can be moved to another image.'), value);
    assert.ok(value.includes('_Registry lookups are off (`containerGuard.registry.lookup`): a pin asks the registry only when you pick it._'), value);
    const at = encodeURIComponent(JSON.stringify([doc.uri.toString(), { line: 0, character: 5 }]));
    assert.ok(value.includes(`[${PIN}](command:containerGuard.pinDigest?${at})`), value);
    assert.ok(value.includes(`[${CHOOSE}](command:${CHOOSE_TAG}?${at})`), value);
    assert.deepStrictEqual([ours.range?.start.line, ours.range?.start.character, ours.range?.end.character], [0, 5, 5 + `${host}/team/app:1.0`.length]);
  });

  test('a registry that is down: picking the pin or a tag changes nothing and shows one message each', async () => {
    const down = `127.0.0.1:${await freePort()}`;
    const text = `FROM ${down}/team/app:1.0\n`;
    const doc = await open(dockerfile('down', text));
    const hint = await d003(doc.uri);
    const refused = `Container Guard could not pin ${down}/team/app:1.0: ${down} refused the connection: no registry is listening there.`;
    await errorMessagesDuring(async (messages, next) => {
      const actions = await quickFixesFirstResolved(doc.uri, hint.range);
      const pin = actions[0];
      assert.strictEqual(pin?.title, PIN, `the first quick fix: ${titles(actions)}`);
      // Resolving failed: the action has nothing to apply, so picking it changes nothing.
      assert.strictEqual(pin.edit, undefined, 'no edit when the lookup failed');
      assert.strictEqual(pin.command, undefined);
      assert.strictEqual(await next(), refused);
      assert.strictEqual(doc.getText(), text);

      const applied = await vscode.commands.executeCommand<boolean>(CHOOSE_TAG, doc.uri.toString(), { line: 0, character: 5 }, { tag: '1.1' });
      assert.strictEqual(applied, false);
      assert.strictEqual(await next(), `Container Guard could not pin ${down}/team/app:1.1: ${down} refused the connection: no registry is listening there.`);
      assert.strictEqual(messages.length, 2, `one message each: ${JSON.stringify(messages)}`);
    });
    assert.strictEqual(doc.getText(), text);
    assert.ok(!doc.isDirty);
    assert.strictEqual(fs.readFileSync(doc.uri.fsPath, 'utf8'), text);
  });
});
