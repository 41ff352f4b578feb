// Analysis → LSP diagnostics. A diagnostic's `data` says which finding it stands for (rule and
// identity); code actions look that finding up in the current analysis, so they stay generic and
// work for a diagnostic from an older version as long as its finding still exists.
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver';
import type { Analysis } from '../engine/engine';
import type { Finding, FindingTag, Severity } from '../engine/types';

export const diagnosticSource = 'container-guard';

/** What a Container Guard diagnostic carries in `data`. */
export interface FindingData {
  containerGuard: 1;
  uri: string;
  version: number;
  ruleId: string;
  /** The finding's identity across versions (see `findingKey`). */
  key: string;
  /** A per-service summary (CG-C100): the service, and the rule ids of its missing measures. */
  service?: string;
  members?: string[];
}

/**
 * A finding's identity across versions: a per-service summary is its service (its message changes as
 * measures are added); any other finding its message (its range moves as lines are typed above it),
 * as a short digest: the message is already in the diagnostic, and a large file's diagnostics are sent
 * on every keystroke.
 */
export function findingKey(finding: Finding): string {
  return finding.service !== undefined ? `service:${finding.service}` : `message:${digest(finding.message)}`;
}

/** FNV-1a (32 bits) of the text, with its length: distinct messages of one rule never meet in practice. */
function digest(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return `${(hash >>> 0).toString(36)}.${text.length}`;
}

export function toLspSeverity(severity: Exclude<Severity, 'off'>): DiagnosticSeverity {
  switch (severity) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    case 'info':
      return DiagnosticSeverity.Information;
    default:
      return DiagnosticSeverity.Hint;
  }
}

/** `unnecessary` → faded by the editor (an unused ignore comment); `deprecated` → struck through. */
export function toLspTag(tag: FindingTag): DiagnosticTag {
  return tag === 'unnecessary' ? DiagnosticTag.Unnecessary : DiagnosticTag.Deprecated;
}

export function toDiagnostics(analysis: Analysis, uri: string, version: number, maxFindings: number): Diagnostic[] {
  const diagnostics: Diagnostic[] = analysis.problems.map((problem) => ({
    range: problem.range,
    severity: toLspSeverity(problem.severity),
    source: problem.source,
    message: problem.message,
  }));
  const shown = keepMostSevere(analysis.findings, maxFindings);
  for (const finding of shown) {
    const data: FindingData = {
      containerGuard: 1,
      uri,
      version,
      ruleId: finding.ruleId,
      key: findingKey(finding),
      ...(finding.service !== undefined ? { service: finding.service } : {}),
      ...(finding.members ? { members: finding.members } : {}),
    };
    diagnostics.push({
      range: finding.range,
      severity: toLspSeverity(finding.severity),
      source: diagnosticSource,
      code: finding.ruleId,
      codeDescription: { href: finding.docsUrl },
      message: finding.message,
      ...(finding.tags ? { tags: finding.tags.map(toLspTag) } : {}),
      relatedInformation: finding.related?.map((related) => ({
        location: { uri: related.uri ?? uri, range: related.range },
        message: related.message,
      })),
      data,
    });
  }
  const leftOut = analysis.findings.length - shown.length;
  if (leftOut > 0) {
    diagnostics.push({
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: DiagnosticSeverity.Information,
      source: diagnosticSource,
      message: `${leftOut} more Container Guard findings in this file were left out (limit ${maxFindings} per file).`,
    });
  }
  return diagnostics;
}

const severityRank: Record<Exclude<Severity, 'off'>, number> = { error: 0, warning: 1, info: 2, hint: 3 };

/**
 * At most `max` findings, the most severe first (an Error is never dropped for an Info: DESIGN
 * "Robustness rules"); the ones kept stay in document order.
 */
export function keepMostSevere<T extends { severity: Exclude<Severity, 'off'> }>(findings: T[], max: number): T[] {
  if (findings.length <= max) return findings;
  const order = findings.map((finding, index) => ({ finding, index }));
  order.sort((a, b) => severityRank[a.finding.severity] - severityRank[b.finding.severity] || a.index - b.index);
  const kept = new Set(order.slice(0, Math.max(0, max)).map((entry) => entry.index));
  return findings.filter((_, index) => kept.has(index));
}

/** Reads back `data` from a diagnostic a client sent; anything foreign or malformed gives undefined. */
export function readFindingData(data: unknown, uri: string): FindingData | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const candidate = data as Partial<FindingData>;
  if (candidate.containerGuard !== 1 || candidate.uri !== uri) return undefined;
  if (typeof candidate.ruleId !== 'string' || typeof candidate.key !== 'string') return undefined;
  return candidate as FindingData;
}
