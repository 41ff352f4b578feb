// The code-action family (as in vscode-eslint): fix, ignore for this line, ignore in this file,
// show documentation, and `source.fixAll.container-guard`.
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { diagnosticSource, readFindingData } from './diagnostics';
import type { Fix } from '../engine/types';
import { hardenServiceCommand } from '../protocol';

export const fixAllKind = `${CodeActionKind.SourceFixAll}.container-guard`;
/** Runs in the client: opens the rule's page (bundled docs, else its URL). */
export const showDocumentationCommand = 'containerGuard.showRuleDocumentation';

function toAction(fix: Fix, uri: string, diagnostic: Diagnostic, kind: string = CodeActionKind.QuickFix): CodeAction {
  return {
    title: fix.title,
    kind,
    diagnostics: [diagnostic],
    isPreferred: fix.isPreferred || undefined,
    edit: { changes: { [uri]: fix.edits } },
  };
}

/** Whether the client asked only for kinds that exclude quick fixes (e.g. only `source.fixAll`). */
function wants(params: CodeActionParams, kind: string): boolean {
  const only = params.context.only;
  if (!only || only.length === 0) return true;
  return only.some((requested) => kind === requested || kind.startsWith(`${requested}.`));
}

/**
 * "Harden service "web"…" on a per-service summary: opens the client's wizard on that service. Only for
 * clients that declared the command; the others have the per-measure fixes, which carry their edits.
 */
function hardenServiceAction(uri: string, diagnostic: Diagnostic, service: string): CodeAction {
  const title = `Harden service "${service}"…`;
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title, command: hardenServiceCommand, arguments: [uri, service] } };
}

export function quickFixActions(params: CodeActionParams, document: TextDocument, clientCommands: ReadonlySet<string> = new Set()): CodeAction[] {
  if (!wants(params, CodeActionKind.QuickFix)) return [];
  const actions: CodeAction[] = [];
  const uri = document.uri;
  const ignoreActions: CodeAction[] = [];
  for (const diagnostic of params.context.diagnostics ?? []) {
    if (diagnostic?.source !== diagnosticSource) continue;
    const data = readFindingData(diagnostic.data, uri, document.version);
    if (!data) continue;
    for (const fix of data.fixes) actions.push(toAction(fix, uri, diagnostic));
    if (typeof data.service === 'string' && clientCommands.has(hardenServiceCommand)) actions.push(hardenServiceAction(uri, diagnostic, data.service));
    ignoreActions.push(toAction(data.ignoreLine, uri, diagnostic), toAction(data.ignoreFile, uri, diagnostic));
    ignoreActions.push({
      title: `Show documentation for ${data.ruleId}`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      command: { title: `Show documentation for ${data.ruleId}`, command: showDocumentationCommand, arguments: [data.ruleId, diagnostic.codeDescription?.href] },
    });
  }
  // Real fixes first (safe ones on top), then the ignore/documentation family, as ESLint orders them.
  const preferredFirst = [...actions.filter((action) => action.isPreferred), ...actions.filter((action) => !action.isPreferred)];
  return [...preferredFirst, ...ignoreActions];
}

export function fixAllAction(params: CodeActionParams, uri: string, edits: { range: Diagnostic['range']; newText: string }[]): CodeAction[] {
  // Only on explicit request (save, source-action menu): computing it on every cursor move is waste.
  if (!params.context.only?.length || !wants(params, fixAllKind) || edits.length === 0) return [];
  return [{ title: 'Fix all safe Container Guard problems', kind: fixAllKind, edit: { changes: { [uri]: edits } } }];
}
