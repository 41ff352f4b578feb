// The hardening wizard: pick measures (QuickPick), preview the result (diff editor), apply.
// The server computes everything (containerGuard/listHardenings, containerGuard/harden); this file
// is only UI. Arguments let tests and keybindings skip the questions.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { findWorkspaceFiles, openForAnalysis } from './workspace-files';
import { kindOfDocument } from '../../server/src/engine/file-kind';
import { hardenRequest, listHardeningsRequest, type HardenParams, type HardeningMeasure, type ListHardeningsParams } from '../../server/src/protocol';

/** Optional arguments of `containerGuard.harden`. */
export interface HardenArguments {
  /** Measures to apply without asking. */
  measureIds?: string[];
  /** Show the diff and ask before applying (default true). `false` without `measureIds` asks nothing at
   *  all: the measures the picker would preselect (the recommended ones) are applied. */
  preview?: boolean;
  /** Harden only this Compose service (its measures come preselected). */
  service?: string;
  /** The document to harden, when not the active editor's (the "Harden service…" code action). */
  uri?: string;
}

export const previewScheme = 'container-guard-preview';

/** Serves the text of hardening previews to the diff editor. */
export class PreviewProvider implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  show(source: vscode.Uri, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: previewScheme, path: source.path, query: `hardened=${Date.now()}` });
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
}

function isAnalyzed(document: vscode.TextDocument): boolean {
  return kindOfDocument(document.uri.toString(), document.languageId) !== undefined;
}

/** Applies a text edit list to a string (for the preview only; the real edit goes through VS Code). */
function applyToText(document: vscode.TextDocument, edits: vscode.TextEdit[]): string {
  const text = document.getText();
  const sorted = [...edits].sort((a, b) => document.offsetAt(b.range.start) - document.offsetAt(a.range.start));
  let result = text;
  for (const edit of sorted) {
    result = result.slice(0, document.offsetAt(edit.range.start)) + edit.newText + result.slice(document.offsetAt(edit.range.end));
  }
  return result;
}

async function documentToHarden(args: HardenArguments): Promise<vscode.TextDocument | undefined> {
  if (typeof args.uri === 'string') {
    const uri = vscode.Uri.parse(args.uri);
    return vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString()) ?? (await vscode.workspace.openTextDocument(uri));
  }
  return vscode.window.activeTextEditor?.document;
}

export async function hardenActiveFile(client: LanguageClient | undefined, previews: PreviewProvider, args: HardenArguments = {}): Promise<boolean> {
  const document = await documentToHarden(args);
  if (!client || !document || !isAnalyzed(document)) {
    void vscode.window.showWarningMessage('Container Guard: open a Dockerfile or a Compose file to harden it.');
    return false;
  }
  const textDocument = { uri: document.uri.toString() };
  const service = typeof args.service === 'string' ? args.service : undefined;
  const listParams: ListHardeningsParams = { textDocument, ...(service !== undefined ? { service } : {}) };
  const measures = await client.sendRequest<HardeningMeasure[]>(listHardeningsRequest, listParams);
  const what = service !== undefined ? `service "${service}" of ${vscode.workspace.asRelativePath(document.uri)}` : vscode.workspace.asRelativePath(document.uri);
  if (measures.length === 0) {
    void vscode.window.showInformationMessage(`Container Guard: nothing to harden in ${what}.`);
    return false;
  }

  const measureIds = args.measureIds ?? (args.preview === false ? preselected(measures) : await pickMeasures(measures.map((measure) => ({ measure, files: 1 })), service));
  if (!measureIds) return false;

  const hardenParams: HardenParams = { textDocument, measureIds, ...(service !== undefined ? { service } : {}) };
  const lspEdit = await client.sendRequest<Parameters<typeof client.protocol2CodeConverter.asWorkspaceEdit>[0]>(hardenRequest, hardenParams);
  const edit: vscode.WorkspaceEdit | undefined = await client.protocol2CodeConverter.asWorkspaceEdit(lspEdit);
  const edits = edit?.get(document.uri) ?? [];
  if (!edit || edits.length === 0) {
    void vscode.window.showInformationMessage('Container Guard: the chosen measures change nothing.');
    return false;
  }

  if (args.preview !== false) {
    const preview = previews.show(document.uri, applyToText(document, edits));
    const name = vscode.workspace.asRelativePath(document.uri);
    await vscode.commands.executeCommand('vscode.diff', document.uri, preview, `${name} ↔ hardened (preview)`, { preview: true });
    const target = service !== undefined ? `service "${service}" in ${name}` : name;
    const answer = await vscode.window.showInformationMessage(`Apply ${measureIds.length} hardening measure${measureIds.length === 1 ? '' : 's'} to ${target}?`, 'Apply', 'Cancel');
    await closePreview(preview);
    if (answer !== 'Apply') return false;
  }
  const applied = await vscode.workspace.applyEdit(edit);
  if (applied) await vscode.window.showTextDocument(document);
  return applied;
}

/** What the picker preselects (the recommended measures), for callers that asked for no UI. Undefined when none. */
function preselected(measures: HardeningMeasure[]): string[] | undefined {
  const ids = measures.filter((measure) => measure.recommended).map((measure) => measure.id);
  return ids.length > 0 ? ids : undefined;
}

/** Asks which measures to apply; recommended ones come selected. Undefined when cancelled. */
async function pickMeasures(choices: { measure: HardeningMeasure; files: number }[], service?: string): Promise<string[] | undefined> {
  // Recommended measures first (they come selected), then by rule id.
  const ordered = [...choices].sort((a, b) => Number(b.measure.recommended) - Number(a.measure.recommended) || a.measure.id.localeCompare(b.measure.id));
  const picked = await vscode.window.showQuickPick(
    ordered.map(({ measure, files }) => ({
      label: measure.title,
      description: measure.ruleIds.join(', ') + (files > 1 ? ` · ${files} files` : ''),
      detail: measure.description,
      picked: measure.recommended,
      id: measure.id,
    })),
    {
      canPickMany: true,
      title: service !== undefined ? `Container Guard: harden service "${service}"` : 'Container Guard: choose hardening measures',
      placeHolder: service !== undefined ? 'Everything the service lacks is selected; Enter to preview' : 'Recommended measures are selected; Enter to preview',
    },
  );
  return picked && picked.length > 0 ? picked.map((item) => item.id) : undefined;
}

/**
 * Hardens every Dockerfile and Compose file of the workspace: one pick of measures for all files,
 * then VS Code's refactor preview (every file's diff, with checkboxes) before anything changes.
 */
export async function hardenWorkspace(client: LanguageClient | undefined, args: HardenArguments = {}): Promise<boolean> {
  if (!client) return false;
  const candidates: { document: vscode.TextDocument; measures: HardeningMeasure[] }[] = [];
  for (const file of await findWorkspaceFiles()) {
    const document = await openForAnalysis(file);
    if (!document) continue;
    const measures = await client.sendRequest<HardeningMeasure[]>(listHardeningsRequest, { textDocument: { uri: document.uri.toString() } });
    if (measures.length > 0) candidates.push({ document, measures });
  }
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage('Container Guard: nothing to harden in this workspace.');
    return false;
  }
  const union = new Map<string, { measure: HardeningMeasure; files: number }>();
  for (const { measures } of candidates) {
    for (const measure of measures) {
      const known = union.get(measure.id);
      if (known) known.files++;
      else union.set(measure.id, { measure, files: 1 });
    }
  }
  const measureIds = args.measureIds ?? (args.preview === false ? preselected([...union.values()].map(({ measure }) => measure)) : await pickMeasures([...union.values()]));
  if (!measureIds) return false;

  const edit = new vscode.WorkspaceEdit();
  const confirm = args.preview !== false;
  for (const { document, measures } of candidates) {
    const chosen = measures.map((measure) => measure.id).filter((id) => measureIds.includes(id));
    if (chosen.length === 0) continue;
    const lspEdit = await client.sendRequest<Parameters<typeof client.protocol2CodeConverter.asWorkspaceEdit>[0]>(hardenRequest, {
      textDocument: { uri: document.uri.toString() },
      measureIds: chosen,
    });
    const fileEdit = await client.protocol2CodeConverter.asWorkspaceEdit(lspEdit);
    for (const [uri, edits] of fileEdit?.entries() ?? []) {
      for (const change of edits) {
        edit.replace(uri, change.range, change.newText, { label: `Harden ${vscode.workspace.asRelativePath(uri)}`, needsConfirmation: confirm });
      }
    }
  }
  if (edit.size === 0) {
    void vscode.window.showInformationMessage('Container Guard: the chosen measures change nothing.');
    return false;
  }
  return vscode.workspace.applyEdit(edit);
}

async function closePreview(preview: vscode.Uri): Promise<void> {
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      const input = tab.input;
      if (input instanceof vscode.TabInputTextDiff && input.modified.toString() === preview.toString()) await vscode.window.tabGroups.close(tab);
    }
  }
}
