// `containerGuard/listHardenings` and `containerGuard/harden`: the wizard's server side. A measure is
// one fixable rule with findings in the file, taken from an analysis with summaries off (a summarized
// rule is still a measure). Hardening applies the fixes of the chosen measures together, repeating until
// they settle, and returns one minimal edit. With `service`, only that Compose service's findings count.
// One measure is not a rule's fix: "Pin all images to digests" asks the registries (network, only when
// chosen), so a harden request that includes it is answered asynchronously; it is offered for a file
// and the workspace, not for one service.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { WorkspaceEdit } from 'vscode-languageserver';
import { ruleMeta, type Analysis } from '../engine/engine';
import type { ComposeModel } from '../engine/compose/model';
import { fixUntilStable, minimalEdit } from '../engine/fix-all';
import type { Diagnosed } from '../engine/types';
import type { HardenParams, HardeningMeasure } from '../protocol';
import { mergeOtherFiles, workspaceEdit } from './workspace-edits';

/** The measure id of "Pin all images to digests". */
export const pinDigestsMeasure = 'pin-digests';

/** Pins image references to digests (lsp/pinning.ts); the network lives behind it. */
export interface DigestPinner {
  /** Whether the file has an image reference to pin (no network). */
  hasPinnable(analysis: Analysis): boolean;
  /** The text with every pinnable image reference pinned (failures are reported to the user). */
  pinAll(text: string, analysis: Analysis): Promise<string>;
  /** Ids of the pinning rules. */
  readonly rules: ReadonlySet<string>;
}

export interface HardeningInput {
  text: string;
  /** Analyzes a text of the document with its settings, every rule on its own (summaries off). */
  analyzeUnsummarized(text: string): Analysis;
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

export function listHardenings(input: HardeningInput, service?: string, pinner?: DigestPinner): HardeningMeasure[] {
  const analysis = input.analyzeUnsummarized(input.text);
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
  if (pinner && service === undefined && pinner.hasPinnable(analysis)) {
    const ruleIds = [...new Set(findings.filter((finding) => pinner.rules.has(finding.ruleId)).map((finding) => finding.ruleId))].sort();
    measures.set(pinDigestsMeasure, {
      id: pinDigestsMeasure,
      title: 'Pin all images to digests',
      description: "Asks each image's registry for the current digest of its tag and appends it (`node:22-slim@sha256:…`), so every build gets exactly the image you reviewed. Needs the network.",
      ruleIds,
      // It asks registries over the network: never preselected.
      recommended: false,
    });
  }
  return [...measures.values()];
}

/**
 * The edit of the chosen measures. Synchronous unless "Pin all images to digests" is chosen: then the
 * other measures are applied first and the references of the result are pinned.
 */
export function hardenEdit(document: TextDocument, input: HardeningInput, params: HardenParams): WorkspaceEdit;
export function hardenEdit(document: TextDocument, input: HardeningInput, params: HardenParams, pinner: DigestPinner | undefined): WorkspaceEdit | Promise<WorkspaceEdit>;
export function hardenEdit(document: TextDocument, input: HardeningInput, params: HardenParams, pinner?: DigestPinner): WorkspaceEdit | Promise<WorkspaceEdit> {
  const chosen = new Set(Array.isArray(params.measureIds) ? params.measureIds.filter((id) => typeof id === 'string') : []);
  const service = typeof params.service === 'string' ? params.service : undefined;
  const pin = chosen.delete(pinDigestsMeasure) && pinner !== undefined && service === undefined;
  if (chosen.size === 0 && !pin) return { changes: {} };
  const text = document.getText();
  const first = input.analyzeUnsummarized(text);
  const chosenFindings = (analysis: Analysis) => selected(analysis, service).filter((finding) => chosen.has(finding.ruleId));
  const fixed = chosen.size === 0 ? text : fixUntilStable(text, (next) => input.analyzeUnsummarized(next), chosenFindings, false, first);
  // A measure whose fix belongs in another file of the project (CG-C110: the override that adds the risk)
  // edits that file too; those edits come from the first analysis, as the other file does not change meanwhile.
  const otherFiles = mergeOtherFiles(chosenFindings(first).flatMap((finding) => finding.fixes.find((fix) => fix.isPreferred) ?? finding.fixes[0] ?? []));
  const toEdit = (result: string): WorkspaceEdit => {
    const edit = minimalEdit(text, result);
    if (!edit && otherFiles.length === 0) return { changes: {} };
    return workspaceEdit(document.uri, edit ? [edit] : [], otherFiles);
  };
  if (!pin) return toEdit(fixed);
  return pinner.pinAll(fixed, input.analyzeUnsummarized(fixed)).then(toEdit);
}
