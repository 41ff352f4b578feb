// `containerGuard/listHardenings` and `containerGuard/harden`: the wizard's server side. A measure is
// one fixable rule with findings in the file, taken from an analysis with summaries off (a summarized
// rule is still a measure). Hardening applies the fixes of the chosen measures together, repeating until
// they settle, and returns one minimal edit. With `service`, only that Compose service's findings count.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { WorkspaceEdit } from 'vscode-languageserver';
import { analyze, ruleMeta, type Analysis } from '../engine/engine';
import type { ComposeModel } from '../engine/compose/model';
import { fixUntilStable, minimalEdit } from '../engine/fix-all';
import type { EngineSettings } from '../engine/settings';
import type { Diagnosed } from '../engine/types';
import type { HardenParams, HardeningMeasure } from '../protocol';

export interface HardeningInput {
  text: string;
  kind: Analysis['kind'];
  settings: EngineSettings;
  buildTarget?: string;
}

/** The analysis the wizard works from: every rule on its own, whatever `summarize` says. */
function analyzeUnsummarized(input: HardeningInput, text = input.text): Analysis {
  return analyze(text, { kind: input.kind, settings: { ...input.settings, summarize: false }, buildTarget: input.buildTarget });
}

/** Whether a finding is about the Compose service `name`: its absence, or a value written in its block. */
function inService(analysis: Analysis, finding: Diagnosed, name: string): boolean {
  if (analysis.kind !== 'compose') return false;
  if (finding.absentIn !== undefined) return finding.absentIn === name;
  const model = analysis.model as ComposeModel;
  const line = finding.range.start.line;
  // Any block that defines the service (a file may define it in several YAML documents).
  return model.services.some(
    (service) =>
      service.name === name &&
      service.definitions.some((definition) => {
        const value = definition.entry.rawValue;
        const lastLine = value?.range ? model.source.positionAt(value.range[1]).line : definition.keyRange.end.line;
        return line >= definition.keyRange.start.line && line <= lastLine;
      }),
  );
}

function selected(analysis: Analysis, service: string | undefined): Diagnosed[] {
  return typeof service === 'string' ? analysis.findings.filter((finding) => inService(analysis, finding, service)) : analysis.findings;
}

export function listHardenings(input: HardeningInput, service?: string): HardeningMeasure[] {
  const analysis = analyzeUnsummarized(input);
  const findings = selected(analysis, service);
  const measures = new Map<string, HardeningMeasure>();
  for (const finding of findings) {
    if (finding.fixes.length === 0 || measures.has(finding.ruleId)) continue;
    const meta = ruleMeta(finding.ruleId);
    if (!meta) continue;
    measures.set(finding.ruleId, {
      id: finding.ruleId,
      title: meta.title,
      description: meta.description,
      ruleIds: [finding.ruleId],
      // For one service, everything it lacks is preselected (the user asked to harden it).
      recommended: typeof service === 'string' || findings.some((other) => other.ruleId === finding.ruleId && other.fixes.some((fix) => fix.isPreferred)),
    });
  }
  return [...measures.values()];
}

export function hardenEdit(document: TextDocument, input: HardeningInput, params: HardenParams): WorkspaceEdit {
  const chosen = new Set(Array.isArray(params.measureIds) ? params.measureIds.filter((id) => typeof id === 'string') : []);
  if (chosen.size === 0) return { changes: {} };
  const service = typeof params.service === 'string' ? params.service : undefined;
  const text = document.getText();
  const fixed = fixUntilStable(
    text,
    (next) => analyzeUnsummarized(input, next),
    (analysis) => selected(analysis, service).filter((finding) => chosen.has(finding.ruleId)),
    false,
    analyzeUnsummarized(input),
  );
  const edit = minimalEdit(text, fixed);
  return { changes: edit ? { [document.uri]: [edit] } : {} };
}
