// A minimal LSP client for protocol tests: spawns the built server (`node dist/server.js --stdio`)
// and talks JSON-RPC to it over its stdio, the way any editor would. Waits are event-driven.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type CodeAction,
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Range,
  type TextDocumentContentChangeEvent,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
const serverPath = process.env.CG_SERVER ?? path.join(repoRoot, 'dist', 'server.js');

export interface Published extends PublishDiagnosticsParams {
  receivedAt: number;
}

export class LspTestClient {
  readonly connection: ProtocolConnection;
  readonly process: ChildProcessWithoutNullStreams;
  /** Every publish, in arrival order. */
  readonly published: Published[] = [];
  readonly appliedEdits: WorkspaceEdit[] = [];
  /** `client/registerCapability` registrations the server asked for. */
  readonly registrations: { method: string; registerOptions?: unknown }[] = [];
  /** `window/showDocument` requests the server sent. */
  readonly shownDocuments: { uri: string; external?: boolean }[] = [];
  /** What `workspace/configuration` answers for section `containerGuard`. */
  settings: unknown = null;
  stderr = '';
  private waiters: (() => void)[] = [];
  private versions = new Map<string, number>();
  private texts = new Map<string, string>();

  constructor() {
    this.process = spawn(process.execPath, [serverPath, '--stdio'], { stdio: 'pipe' });
    this.process.stderr.on('data', (chunk) => (this.stderr += String(chunk)));
    this.connection = createProtocolConnection(new StreamMessageReader(this.process.stdout), new StreamMessageWriter(this.process.stdin));
    this.connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      this.published.push({ ...params, receivedAt: Date.now() });
      this.notify();
    });
    this.connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
      params.items.map((item) => (item.section === 'containerGuard' ? this.settings : null)),
    );
    this.connection.onRequest('client/registerCapability', (params: { registrations: { method: string; registerOptions?: unknown }[] }) => {
      this.registrations.push(...params.registrations);
      this.notify();
      return null;
    });
    this.connection.onRequest('window/showDocument', (params: { uri: string; external?: boolean }) => {
      this.shownDocuments.push(params);
      this.notify();
      return { success: true };
    });
    this.connection.onRequest('workspace/applyEdit', (params: { edit: WorkspaceEdit }) => {
      this.appliedEdits.push(params.edit);
      this.notify();
      return { applied: true };
    });
    this.connection.onNotification('window/logMessage', () => undefined);
    this.connection.listen();
  }

  /** A client like VS Code's: pulls settings, allows dynamic registration. */
  static async start(settings: unknown = null, initializationOptions?: unknown): Promise<LspTestClient> {
    return LspTestClient.startWith(
      {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, applyEdit: true },
        textDocument: {
          publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } }, dataSupport: true },
        },
      },
      settings,
      initializationOptions,
    );
  }

  /** A client with exactly these capabilities (e.g. a plain one without workspace/configuration). */
  static async startWith(capabilities: unknown, settings: unknown = null, initializationOptions?: unknown): Promise<LspTestClient> {
    const client = new LspTestClient();
    client.settings = settings;
    await client.connection.sendRequest('initialize', { processId: process.pid, rootUri: null, initializationOptions, capabilities });
    await client.connection.sendNotification('initialized', {});
    return client;
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }

  /** Resolves when `predicate` holds, re-checked after each message; rejects after `timeoutMs`. */
  async until<T>(predicate: () => T | undefined | false, what: string, timeoutMs = 10000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = predicate();
      if (value) return value;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The first publish for `uri` at `version` (or any version when omitted) after index `from`. */
  async diagnostics(uri: string, version?: number, from = 0): Promise<Diagnostic[]> {
    const found = await this.until(
      () => this.published.slice(from).find((p) => p.uri === uri && (version === undefined || p.version === version)),
      `diagnostics for ${uri} v${version}`,
    );
    return found.diagnostics;
  }

  async open(uri: string, text: string, languageId = 'dockerfile'): Promise<Diagnostic[]> {
    this.versions.set(uri, 1);
    this.texts.set(uri, text);
    const from = this.published.length;
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return this.diagnostics(uri, 1, from);
  }

  /** Sends one incremental change and waits for the diagnostics of the new version. */
  async change(uri: string, changes: TextDocumentContentChangeEvent[], wait = true): Promise<Diagnostic[]> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    const from = this.published.length;
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    return wait ? this.diagnostics(uri, version, from) : [];
  }

  /** Applies a workspace edit's changes for `uri` as an editor would: one didChange with all edits. */
  async applyEdit(uri: string, edit: WorkspaceEdit | undefined): Promise<Diagnostic[]> {
    const edits = edit?.changes?.[uri] ?? [];
    // Later edits first, so earlier ranges stay valid (LSP edits refer to the original text).
    const ordered = [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character);
    const text = this.texts.get(uri) ?? '';
    this.texts.set(uri, applyToText(text, edits));
    return this.change(uri, ordered.map((e) => ({ range: e.range, text: e.newText })));
  }

  text(uri: string): string {
    return this.texts.get(uri) ?? '';
  }

  async codeActions(uri: string, range: Range, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
    return (await this.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range,
      context: { diagnostics, only },
    })) as CodeAction[];
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      await this.connection.sendNotification('exit');
    } catch {
      // The process may already be gone.
    }
    this.connection.dispose();
    this.process.kill();
  }
}

/** Applies LSP edits (positions in the original text) to a string. */
export function applyToText(text: string, edits: { range: Range; newText: string }[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const offset = (p: { line: number; character: number }) =>
    p.line >= starts.length ? text.length : Math.min(starts[p.line] + p.character, p.line + 1 < starts.length ? starts[p.line + 1] : text.length);
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let result = text;
  for (const edit of sorted) result = result.slice(0, offset(edit.range.start)) + edit.newText + result.slice(offset(edit.range.end));
  return result;
}

export function codes(diagnostics: Diagnostic[]): string[] {
  return diagnostics.filter((d) => d.source === 'container-guard').map((d) => String(d.code)).sort();
}
