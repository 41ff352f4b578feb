// Helpers for the suite that runs inside a real VS Code extension host (see test/e2e/ext-tests.mjs).
// Waiting is event-driven (onDidChangeDiagnostics) with a timeout; nothing sleeps to "let things settle".
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const SOURCE = 'container-guard';
export const EXTENSION_ID = 'container-guard.container-guard';
export const WAIT_MS = Number(process.env.CG_TEST_WAIT_MS ?? 20_000);

/** The workspace folder the harness opened: a copy of the repo's examples/ (never the repo's own files). */
export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.env.CG_TEST_WORKSPACE;
  assert.ok(folder, 'the test run needs a workspace folder (a copy of examples/)');
  assert.ok(fs.existsSync(path.join(folder, 'Dockerfile')) && fs.existsSync(path.join(folder, 'compose.yaml')),
    `${folder} should hold the copied examples (Dockerfile, compose.yaml)`);
  return folder;
}

export const exampleUri = (name: string) => vscode.Uri.file(path.join(workspaceRoot(), name));

let copies = 0;
/**
 * A fresh copy of an example file in its own sub-folder of the workspace, for tests that edit:
 * `<ws>/case-<n>-<label>/<name>`. The file name is kept so that its language id is the same.
 */
export function freshCopy(name: string, label: string): vscode.Uri {
  const dir = path.join(workspaceRoot(), `case-${++copies}-${label}`);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.copyFileSync(path.join(workspaceRoot(), name), file);
  return vscode.Uri.file(file);
}

export const codeOf = (d: vscode.Diagnostic): string | undefined =>
  typeof d.code === 'object' && d.code !== null ? String(d.code.value) : d.code === undefined ? undefined : String(d.code);

export const ours = (uri: vscode.Uri): vscode.Diagnostic[] =>
  vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);

export const codesOf = (ds: readonly vscode.Diagnostic[]): string[] => ds.map((d) => codeOf(d) ?? '?').sort();

export const withCode = (ds: readonly vscode.Diagnostic[], code: string) => ds.filter((d) => codeOf(d) === code);

/** What the server put in a diagnostic's `data` that the tests read (DESIGN.md "Diagnostics"). */
export interface FindingData {
  /** A per-service summary (CG-C100): the service and the rule ids of its missing measures. */
  service?: string;
  members?: string[];
}

/**
 * The LSP `data` of one of our diagnostics. The public API has no such field, but vscode-languageclient
 * creates its diagnostics as a subclass that keeps it (ProtocolDiagnostic), and getDiagnostics returns
 * those same objects inside this extension host.
 */
export const dataOf = (d: vscode.Diagnostic): FindingData | undefined => (d as { data?: FindingData }).data;

/** The CG-C100 summaries of `ds` by service name. */
export function summaries(ds: readonly vscode.Diagnostic[]): Map<string, vscode.Diagnostic> {
  const byService = new Map<string, vscode.Diagnostic>();
  for (const d of withCode(ds, 'CG-C100')) {
    const service = dataOf(d)?.service;
    assert.ok(service, `CG-C100 without data.service: ${describe([d])}`);
    assert.ok(!byService.has(service), `two CG-C100 for service "${service}"`);
    byService.set(service, d);
  }
  return byService;
}

const SEV = ['Error', 'Warning', 'Information', 'Hint'];
export function describe(ds: readonly vscode.Diagnostic[]): string {
  if (!ds.length) return '(none)';
  return ds.map((d) => `${codeOf(d)} ${SEV[d.severity]} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} "${d.message}"`).join('\n    ');
}

let serverSilent = false;
let everSeen = false;
function anyOfOurs(): boolean {
  everSeen ||= vscode.languages.getDiagnostics().some(([, ds]) => ds.some((d) => d.source === SOURCE));
  return everSeen;
}

/**
 * Resolves with our diagnostics for `uri` as soon as `pred` holds for them: checked now, then on
 * every onDidChangeDiagnostics event for that uri. Rejects after `ms`, showing what is there.
 */
export function waitForDiagnostics(uri: vscode.Uri, pred: (ds: vscode.Diagnostic[]) => boolean, what: string,
  ms = WAIT_MS): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    // Fail fast once the server has proven silent: a timeout with not one diagnostic of ours ever seen.
    if (serverSilent && !anyOfOurs()) {
      reject(new Error(`not waiting for ${what}: no ${SOURCE} diagnostic was ever published in this run (see the first failure)`));
      return;
    }
    const key = uri.toString();
    let sub: vscode.Disposable | undefined;
    let timer: NodeJS.Timeout | undefined;
    const finish = () => { sub?.dispose(); if (timer) clearTimeout(timer); };
    const check = () => {
      const ds = ours(uri);
      if (pred(ds)) { finish(); resolve(ds); return true; }
      return false;
    };
    sub = vscode.languages.onDidChangeDiagnostics((e) => { if (e.uris.some((u) => u.toString() === key)) check(); });
    timer = setTimeout(() => {
      finish();
      if (!anyOfOurs()) serverSilent = true;
      reject(new Error(`timed out after ${ms} ms waiting for ${what} on ${path.basename(uri.fsPath)}; diagnostics now:\n    ${describe(ours(uri))}`));
    }, ms);
    check();
  });
}

/** Waits until every code in `codes` is among our diagnostics for `uri`. */
export const waitForCodes = (uri: vscode.Uri, codes: string[], ms = WAIT_MS) =>
  waitForDiagnostics(uri, (ds) => codes.every((c) => withCode(ds, c).length > 0), `diagnostics ${codes.join(', ')}`, ms);

/** Waits until none of `codes` is among our diagnostics, while at least one other of ours is (the file was re-analyzed, not dropped). */
export const waitForGone = (uri: vscode.Uri, codes: string[], ms = WAIT_MS) =>
  waitForDiagnostics(uri, (ds) => codes.every((c) => withCode(ds, c).length === 0), `${codes.join(', ')} to disappear`, ms);

export async function open(uri: vscode.Uri): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

/** The actions, or 'canceled' when VS Code cancelled the request (it then throws "Canceled"). */
async function requestCodeActions(uri: vscode.Uri, range: vscode.Range, kind?: string): Promise<(vscode.CodeAction | vscode.Command)[] | undefined | 'canceled'> {
  try {
    return await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[] | undefined>('vscode.executeCodeActionProvider', uri, range, kind);
  } catch (error) {
    if (error instanceof Error && error.message === 'Canceled') return 'canceled';
    throw error;
  }
}

/**
 * Code actions VS Code collects from all providers for `range` (no lazy resolve: that may reach the network).
 *
 * In about one full run in five, VS Code returns an empty list for a request that reached our server with
 * its diagnostics (seen in the server's log), and an immediate second request gets the actions: most
 * likely VS Code cancelled the first one (it does so when the providers registered for the document change
 * while a request runs); sometimes the cancellation surfaces as a "Canceled" error instead. So an empty
 * answer for a range that has one of our diagnostics, or a cancelled request, is asked again at once, at
 * most three times, and each retry is logged.
 */
export async function codeActions(uri: vscode.Uri, range: vscode.Range, kind?: string): Promise<vscode.CodeAction[]> {
  let all = await requestCodeActions(uri, range, kind);
  const expectsSome = (kind === undefined || kind === vscode.CodeActionKind.QuickFix.value) && ours(uri).some((d) => d.range.intersection(range));
  for (let retry = 1; (all === 'canceled' || (expectsSome && !all?.length)) && retry <= 3; retry++) {
    console.log(`    (code actions for ${path.basename(uri.fsPath)} ${range.start.line}:${range.start.character} came back ${all === 'canceled' ? 'cancelled' : 'empty'}; asking again, ${retry})`);
    all = await requestCodeActions(uri, range, kind);
  }
  assert.notStrictEqual(all, 'canceled', `code actions for ${path.basename(uri.fsPath)} were cancelled four times`);
  // A bare Command (LSP `Command` instead of `CodeAction`) has a string `command`; a CodeAction's is an object.
  return ((all === 'canceled' ? undefined : all) ?? []).filter((a): a is vscode.CodeAction => typeof (a as { command?: unknown }).command !== 'string');
}

export const titles = (as: readonly vscode.CodeAction[]) => as.map((a) => `"${a.title}" [${a.kind?.value ?? '-'}]${a.isPreferred ? ' preferred' : ''}`).join(', ');

/** The actions attached to one diagnostic (by rule id in `diagnostics`, or naming the rule in the title). */
export function actionsFor(actions: readonly vscode.CodeAction[], code: string): vscode.CodeAction[] {
  return actions.filter((a) => a.diagnostics?.some((d) => codeOf(d) === code) || a.title.includes(code));
}

export function findAction(actions: readonly vscode.CodeAction[], pred: (a: vscode.CodeAction) => boolean, what: string): vscode.CodeAction {
  const a = actions.find(pred);
  assert.ok(a, `no code action ${what}; got: ${titles(actions)}`);
  return a;
}

/** Applies an action the way the editor does: its edit, then its command. */
export async function applyAction(a: vscode.CodeAction): Promise<void> {
  if (a.edit) assert.ok(await vscode.workspace.applyEdit(a.edit), `workspace.applyEdit refused the edit of "${a.title}"`);
  if (a.command) await vscode.commands.executeCommand(a.command.command, ...(a.command.arguments ?? []));
  assert.ok(a.edit || a.command, `"${a.title}" has neither an edit nor a command`);
}

export const lines = (doc: vscode.TextDocument) => doc.getText().split(/\r?\n/);
export const originalLines = (name: string) => fs.readFileSync(path.join(workspaceRoot(), name), 'utf8').split(/\r?\n/);

/** The text of `range` in `doc`. */
export const textAt = (doc: vscode.TextDocument, r: vscode.Range) => doc.getText(r);

export function assertRange(d: vscode.Diagnostic, expected: [number, number, number, number], what: string) {
  const r = d.range;
  assert.deepStrictEqual([r.start.line, r.start.character, r.end.line, r.end.character], expected, `range of ${what}`);
}

/** Updates a `containerGuard.*` user setting; returns a function that restores what was there. */
export async function setSetting(key: string, value: unknown): Promise<() => Promise<void>> {
  const config = vscode.workspace.getConfiguration('containerGuard');
  const before = config.inspect(key)?.globalValue;
  await config.update(key, value, vscode.ConfigurationTarget.Global);
  return async () => { await vscode.workspace.getConfiguration('containerGuard').update(key, before, vscode.ConfigurationTarget.Global); };
}
