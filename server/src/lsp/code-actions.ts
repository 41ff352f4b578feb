// The code-action family (as in vscode-eslint): the fixes of each diagnostic, "Ignore … for this line"
// per diagnostic, and once per rule "Ignore … in this file" and "Show documentation"; plus
// `source.fixAll.container-guard`. Everything is computed when asked, from the current analysis: a
// diagnostic from an older version still gets its actions while its finding exists now.
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic } from 'vscode-languageserver';
import type { Analysis } from '../engine/engine';
import { ignoreFileFix, ignoreLineFix } from '../engine/suppression';
import type { Diagnosed, Fix } from '../engine/types';
import { hardenServiceCommand, showDocumentationCommand, showRuleDocumentationClientCommand } from '../protocol';
import { diagnosticSource, findingKey, readFindingData } from './diagnostics';
import { workspaceEdit } from './workspace-edits';

export const fixAllKind = `${CodeActionKind.SourceFixAll}.container-guard`;

function toAction(fix: Fix, uri: string, diagnostic: Diagnostic): CodeAction {
  return {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: fix.isPreferred || undefined,
    edit: workspaceEdit(uri, fix.edits, fix.otherFiles),
  };
}

/** `context.only` as a list; some clients send one string instead of an array. */
export function requestedKinds(params: CodeActionParams): string[] {
  const only = params?.context?.only as unknown;
  if (typeof only === 'string') return [only];
  return Array.isArray(only) ? only.filter((kind): kind is string => typeof kind === 'string') : [];
}

/** Whether the client asked for `kind` (no `only`: every kind). */
export function wants(params: CodeActionParams, kind: string): boolean {
  const only = requestedKinds(params);
  return only.length === 0 || only.some((requested) => kind === requested || kind.startsWith(`${requested}.`));
}

/**
 * The finding of the current analysis that a diagnostic (perhaps from an older version) stands for:
 * the same rule and identity (a summary's service, else the message), nearest to where it was.
 */
function currentFinding(analysis: Analysis, diagnostic: Diagnostic, ruleId: string, key: string): Diagnosed | undefined {
  const line = diagnostic.range?.start?.line ?? 0;
  const candidates = analysis.findings.filter((finding) => finding.ruleId === ruleId && findingKey(finding) === key);
  const sameStart = (finding: Diagnosed) =>
    finding.range.start.line === diagnostic.range?.start?.line && finding.range.start.character === diagnostic.range?.start?.character;
  const pool = candidates.length > 0 ? candidates : analysis.findings.filter((finding) => finding.ruleId === ruleId && sameStart(finding));
  return pool.sort((a, b) => Math.abs(a.range.start.line - line) - Math.abs(b.range.start.line - line))[0];
}

export interface CodeActionClient {
  /** Client-side commands the client declared (`initializationOptions.clientCommands`). */
  commands: ReadonlySet<string>;
  /** Fixes that are not in the finding (they need the network: image pinning), listed with its own fixes. */
  extraFixes?: (finding: Diagnosed, diagnostic: Diagnostic) => CodeAction[];
}

export function quickFixActions(params: CodeActionParams, uri: string, analysis: Analysis, client: CodeActionClient): CodeAction[] {
  if (!wants(params, CodeActionKind.QuickFix)) return [];
  const fixes: CodeAction[] = [];
  const ignoreLines = new Map<string, CodeAction[]>();
  const firstOfRule = new Map<string, Diagnostic>();
  for (const diagnostic of params.context?.diagnostics ?? []) {
    if (diagnostic?.source !== diagnosticSource) continue;
    const data = readFindingData(diagnostic.data, uri);
    if (!data) continue;
    const finding = currentFinding(analysis, diagnostic, data.ruleId, data.key);
    if (!finding) continue;
    for (const fix of finding.fixes) fixes.push(toAction(fix, uri, diagnostic));
    fixes.push(...(client.extraFixes?.(finding, diagnostic) ?? []));
    if (finding.service !== undefined && client.commands.has(hardenServiceCommand)) {
      const title = `Harden service "${finding.service}"…`;
      fixes.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title, command: hardenServiceCommand, arguments: [uri, finding.service] } });
    }
    const lines = ignoreLines.get(finding.ruleId) ?? [];
    lines.push(toAction(ignoreLineFix(analysis.model, finding), uri, diagnostic));
    ignoreLines.set(finding.ruleId, lines);
    if (!firstOfRule.has(finding.ruleId)) firstOfRule.set(finding.ruleId, diagnostic);
  }
  // Real fixes first (safe ones on top), then per rule: its ignore-line actions, one ignore-file, one docs.
  const actions = [...fixes.filter((action) => action.isPreferred), ...fixes.filter((action) => !action.isPreferred)];
  for (const [ruleId, diagnostic] of firstOfRule) {
    actions.push(...(ignoreLines.get(ruleId) ?? []), toAction(ignoreFileFix(analysis.model, ruleId), uri, diagnostic));
    actions.push(documentationAction(ruleId, diagnostic, client));
  }
  return actions;
}

/**
 * "Show documentation for CG-xxxx": VS Code's client opens the page bundled with the extension (offline);
 * any other client gets the server's command, which asks it to open the page (`window/showDocument`).
 */
function documentationAction(ruleId: string, diagnostic: Diagnostic, client: CodeActionClient): CodeAction {
  const title = `Show documentation for ${ruleId}`;
  const href = diagnostic.codeDescription?.href;
  const command = client.commands.has(showRuleDocumentationClientCommand) ? showRuleDocumentationClientCommand : showDocumentationCommand;
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title, command, arguments: [ruleId, href] } };
}

export function fixAllAction(params: CodeActionParams, uri: string, edits: { range: Diagnostic['range']; newText: string }[]): CodeAction[] {
  // Only on explicit request (save, source-action menu): computing it on every cursor move is waste.
  if (requestedKinds(params).length === 0 || !wants(params, fixAllKind) || edits.length === 0) return [];
  return [{ title: 'Fix all safe Container Guard problems', kind: fixAllKind, edit: { changes: { [uri]: edits } } }];
}
