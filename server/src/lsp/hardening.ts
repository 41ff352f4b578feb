// `containerGuard/listHardenings` and `containerGuard/harden`: the wizard's server side. A measure is
// one fixable rule with findings in the file; hardening applies the fixes of the chosen measures
// together, repeating until they settle, and returns one minimal edit.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { WorkspaceEdit } from 'vscode-languageserver';
import { analyze, ruleMeta, type Analysis } from '../engine/engine';
import { fixUntilStable, minimalEdit } from '../engine/fix-all';
import type { EngineSettings } from '../engine/settings';

export interface HardeningOption {
  id: string;
  title: string;
  type: 'boolean' | 'string';
  default: boolean | string;
}

export interface HardeningMeasure {
  id: string;
  title: string;
  description: string;
  ruleIds: string[];
  recommended: boolean;
  options?: HardeningOption[];
}

export interface ListHardeningsParams {
  textDocument: { uri: string };
}

export interface HardenParams {
  textDocument: { uri: string };
  measureIds: string[];
  options?: Record<string, unknown>;
}

export function listHardenings(analysis: Analysis): HardeningMeasure[] {
  const measures = new Map<string, HardeningMeasure>();
  for (const finding of analysis.findings) {
    if (finding.fixes.length === 0 || measures.has(finding.ruleId)) continue;
    const meta = ruleMeta(finding.ruleId);
    if (!meta) continue;
    measures.set(finding.ruleId, {
      id: finding.ruleId,
      title: meta.title,
      description: meta.description,
      ruleIds: [finding.ruleId],
      recommended: analysis.findings.some((other) => other.ruleId === finding.ruleId && other.fixes.some((fix) => fix.isPreferred)),
    });
  }
  return [...measures.values()];
}

export function hardenEdit(document: TextDocument, entry: { analysis: Analysis; settings: EngineSettings; buildTarget?: string }, params: HardenParams): WorkspaceEdit {
  const chosen = new Set(Array.isArray(params.measureIds) ? params.measureIds.filter((id) => typeof id === 'string') : []);
  if (chosen.size === 0) return { changes: {} };
  const text = document.getText();
  const fixed = fixUntilStable(
    text,
    (next) => analyze(next, { kind: entry.analysis.kind, settings: entry.settings, buildTarget: entry.buildTarget }),
    (analysis) => analysis.findings.filter((finding) => chosen.has(finding.ruleId)),
    false,
    entry.analysis,
  );
  const edit = minimalEdit(text, fixed);
  return { changes: edit ? { [document.uri]: [edit] } : {} };
}
