// Absence rules on the merged project (catalogue §4.9): "hardening is missing" is decided on the service
// as Compose runs it — every main file, `extends` and `!reset`/`!override` applied — not on one file.
//
// The rules run twice: on the analyzed file (its findings carry ranges and fixes for this text) and on
// the merged project model (compose/project-files.ts). For each rule and service:
//   * an absence finding (on the service key, or CG-C100 member `absentIn`) is kept only when the merged
//     service lacks the measure too, and only in the service's home file (the first main file that
//     defines it): a measure set in the override is not missing in the base, a measure set in the base
//     is not missing in the override, and the override never repeats the base's findings;
//   * a measure missing only in the merged project (a later file `!reset`s it, or the service comes from
//     an `extends` base) is reported on the service key of the home file, without a fix (the cause is in
//     another file), with related information to every other file that writes the service;
//   * a weak value written in this file ("read_only: false") is kept only while the merged service still
//     has a weak value for that rule (a later file may set it right);
//   * an ignore comment above the service's key in any project file that defines it counts (§6.1).
import { URI } from 'vscode-uri';
import type { Range } from 'vscode-languageserver-types';
import type { Finding, RelatedInfo } from '../types';
import { copyFinding } from '../lazy-fixes';
import { isOverrideFragment } from './absence';
import type { ComposeModel, ComposeService } from './model';
import type { ComposeProject, MergedService, ProjectFile } from './project-files';
import { contentEnd } from './yaml-ast';

/** The absence rules of §4.9 (every CG-C100 member among them): decided on the merged project. */
export const ABSENCE_RULE_IDS: ReadonlySet<string> = new Set([
  'CG-C020', 'CG-C022', 'CG-C023', 'CG-C044', 'CG-C050', 'CG-C060', 'CG-C061', 'CG-C062', 'CG-C063', 'CG-C064', 'CG-C065', 'CG-C108', 'CG-C113',
]);

/** Rules that are neither presence nor absence rules: project rules (§4.9), summaries and the engine's own. */
const NOT_PRESENCE: ReadonlySet<string> = new Set(['CG-C045', 'CG-C053', 'CG-C102', 'CG-C110', 'CG-C100', 'CG-UNUSED-IGNORE', 'CG-SYNTAX']);

/** Presence rules (§4.9): "a dangerous value is present", reported where the value is written. */
export function isPresenceRule(ruleId: string): boolean {
  return !ABSENCE_RULE_IDS.has(ruleId) && !NOT_PRESENCE.has(ruleId);
}

export interface ProjectHooks {
  /** The absence rules' findings on the merged project model. */
  runAbsence(merged: ComposeModel): Finding[];
  /** Whether an ignore comment above `keyRange` (a service key) in another project file names the finding's rule. */
  suppressedIn(file: ProjectFile, finding: Finding, keyRange: Range): boolean;
  /** A finding of this file that is dropped: the ignore comments that would have silenced it count as used. */
  dropped(finding: Finding): void;
}

/** The findings of the analyzed file with its absence findings decided on the merged project. */
export function withProjectAbsence(own: Finding[], model: ComposeModel, project: ComposeProject, hooks: ProjectHooks): Finding[] {
  const merged = project.mergedModel();
  if (!merged) return own;
  const services = project.services();
  const mergedSlots = new Map<string, { absent: Finding[]; weak: Finding[] }>();
  const slotKey = (ruleId: string, name: string) => `${ruleId}\0${name}`;
  for (const finding of hooks.runAbsence(merged)) {
    const service = serviceOf(merged, finding);
    // A service that nothing completes (no image, no build anywhere) is a fragment: nothing is missing.
    if (!service || isOverrideFragment(service)) continue;
    const key = slotKey(finding.ruleId, service.name);
    const slot = mergedSlots.get(key) ?? { absent: [], weak: [] };
    (isAbsence(finding, service) ? slot.absent : slot.weak).push(finding);
    mergedSlots.set(key, slot);
  }
  const result: Finding[] = [];
  const kept = new Set<string>();
  for (const finding of own) {
    const service = ABSENCE_RULE_IDS.has(finding.ruleId) ? serviceOf(model, finding) : undefined;
    const mergedService = service ? services.get(service.name) : undefined;
    // Not an absence rule, or a value in an anchor that no single service owns: as the file says.
    if (!service || !mergedService) {
      result.push(finding);
      continue;
    }
    const key = slotKey(finding.ruleId, service.name);
    const slot = mergedSlots.get(key);
    if (isAbsence(finding, service)) {
      if (mergedService.home === project.self && slot && slot.absent.length > 0 && !suppressedElsewhere(project, mergedService, finding, hooks)) {
        kept.add(key);
        result.push(withSources(finding, project, mergedService));
      } else hooks.dropped(finding);
    } else if (slot && slot.weak.length > 0) result.push(finding);
  }
  for (const [key, slot] of mergedSlots) {
    if (kept.has(key) || slot.absent.length === 0) continue;
    const finding = slot.absent[0];
    const name = key.slice(key.indexOf('\0') + 1);
    const mergedService = services.get(name);
    const receiver = model.services.find((service) => service.name === name);
    if (!mergedService || mergedService.home !== project.self || !receiver) continue;
    if (suppressedElsewhere(project, mergedService, finding, hooks)) continue;
    // The measure is written in this file but removed elsewhere, or only an `extends` base lacks it:
    // the cause is in another file, so no edit here is offered.
    result.push(withSources(copyFinding(finding, { range: receiver.keyRange, fixes: [] }), project, mergedService));
  }
  return result;
}

/** The service a finding is about: its `absentIn`, else the service whose block holds its start. */
function serviceOf(model: ComposeModel, finding: Finding): ComposeService | undefined {
  if (finding.absentIn !== undefined) return model.services.find((service) => service.name === finding.absentIn);
  const offset = model.source.offsetAt(finding.range.start);
  return model.services.find((service) =>
    service.definitions.some((definition) => {
      const start = definition.keyNode.range?.[0] ?? 0;
      const value = definition.entry.rawValue;
      const end = value ? Math.max(contentEnd(value, model.source), definition.keyNode.range?.[1] ?? start) : (definition.keyNode.range?.[1] ?? start);
      return offset >= start && offset <= end;
    }),
  );
}

/** An absence finding: a CG-C100 member's `absentIn`, or one that sits on the service key. */
function isAbsence(finding: Finding, service: ComposeService): boolean {
  if (finding.absentIn !== undefined) return true;
  const { start, end } = finding.range;
  return service.definitions.some(
    (definition) =>
      definition.keyRange.start.line === start.line &&
      definition.keyRange.start.character === start.character &&
      definition.keyRange.end.line === end.line &&
      definition.keyRange.end.character === end.character,
  );
}

/** Whether an ignore comment above the service's key in another file that defines it names the rule. */
function suppressedElsewhere(project: ComposeProject, service: MergedService, finding: Finding, hooks: ProjectHooks): boolean {
  for (const source of service.sources) {
    if (source.file === project.self || source.how !== 'defines') continue;
    const keys = source.file.model.services.filter((candidate) => candidate.name === source.service).flatMap((candidate) => candidate.definitions.map((definition) => definition.keyRange));
    if (keys.some((keyRange) => hooks.suppressedIn(source.file, finding, keyRange))) return true;
  }
  return false;
}

/** Related information: every other file that writes the service (§4.9 "every contributing file"). */
function withSources(finding: Finding, project: ComposeProject, service: MergedService): Finding {
  const related: RelatedInfo[] = [];
  for (const source of service.sources) {
    if (source.file === project.self) continue;
    const written = source.file.model.services.find((candidate) => candidate.name === source.service);
    if (!written) continue;
    const label = project.label(source.file.path);
    related.push({
      uri: URI.file(source.file.path).toString(),
      range: written.keyRange,
      message: source.how === 'defines' ? `Service "${service.name}" is also written in ${label}.` : `Service "${service.name}" extends "${source.service}" of ${label}.`,
    });
  }
  if (related.length === 0) return finding;
  return copyFinding(finding, { related: [...(finding.related ?? []), ...related] });
}
