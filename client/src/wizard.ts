// The hardening wizard: pick measures (QuickPick), preview the result (diff editor), apply.
// The server computes everything (containerGuard/listHardenings, containerGuard/harden); this file
// is only UI. Arguments let tests and keybindings skip the questions.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

interface HardeningMeasure {
  id: string;
  title: string;
  description: string;
  ruleIds: string[];
  recommended: boolean;
}

/** Optional arguments of `containerGuard.harden`. */
export interface HardenArguments {
  /** Measures to apply without asking. */
  measureIds?: string[];
  /** Show the diff and ask before applying (default true). */
  preview?: boolean;
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
  return ['dockerfile', 'dockercompose'].includes(document.languageId) || /(^|[\\/])(docker-)?compose(\.[^\\/]+)?\.ya?ml$/i.test(document.uri.path);
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

export async function hardenActiveFile(client: LanguageClient | undefined, previews: PreviewProvider, args: HardenArguments = {}): Promise<boolean> {
  const document = vscode.window.activeTextEditor?.document;
  if (!client || !document || !isAnalyzed(document)) {
    void vscode.window.showWarningMessage('Container Guard: open a Dockerfile or a Compose file to harden it.');
    return false;
  }
  const textDocument = { uri: document.uri.toString() };
  const measures = await client.sendRequest<HardeningMeasure[]>('containerGuard/listHardenings', { textDocument });
  if (measures.length === 0) {
    void vscode.window.showInformationMessage(`Container Guard: nothing to harden in ${vscode.workspace.asRelativePath(document.uri)}.`);
    return false;
  }

  let measureIds = args.measureIds;
  if (!measureIds) {
    const picked = await vscode.window.showQuickPick(
      measures.map((measure) => ({
        label: measure.title,
        description: measure.ruleIds.join(', '),
        detail: measure.description,
        picked: measure.recommended,
        id: measure.id,
      })),
      { canPickMany: true, title: 'Container Guard: choose hardening measures', placeHolder: 'Recommended measures are selected; Enter to preview' },
    );
    if (!picked || picked.length === 0) return false;
    measureIds = picked.map((item) => item.id);
  }

  const lspEdit = await client.sendRequest<Parameters<typeof client.protocol2CodeConverter.asWorkspaceEdit>[0]>('containerGuard/harden', { textDocument, measureIds });
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
    const answer = await vscode.window.showInformationMessage(`Apply ${measureIds.length} hardening measure${measureIds.length === 1 ? '' : 's'} to ${name}?`, 'Apply', 'Cancel');
    await closePreview(preview);
    if (answer !== 'Apply') return false;
  }
  const applied = await vscode.workspace.applyEdit(edit);
  if (applied) await vscode.window.showTextDocument(document);
  return applied;
}

async function closePreview(preview: vscode.Uri): Promise<void> {
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      const input = tab.input;
      if (input instanceof vscode.TabInputTextDiff && input.modified.toString() === preview.toString()) await vscode.window.tabGroups.close(tab);
    }
  }
}
