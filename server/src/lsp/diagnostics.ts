// Analysis → LSP diagnostics. Each finding's `data` carries its fixes, so code actions stay generic.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { Analysis } from '../engine/engine';
import { ignoreFileFix, ignoreLineFix } from '../engine/suppression';
import type { Fix, Severity } from '../engine/types';

export const diagnosticSource = 'container-guard';

/** What a Container Guard diagnostic carries in `data`. */
export interface FindingData {
  containerGuard: 1;
  uri: string;
  version: number;
  ruleId: string;
  fixes: Fix[];
  /** A per-service summary (CG-C100): the service, and the rule ids of its missing measures. */
  service?: string;
  members?: string[];
  ignoreLine: Fix;
  ignoreFile: Fix;
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

export function toDiagnostics(analysis: Analysis, uri: string, version: number, maxFindings: number): Diagnostic[] {
  const diagnostics: Diagnostic[] = analysis.problems.map((problem) => ({
    range: problem.range,
    severity: toLspSeverity(problem.severity),
    source: problem.source,
    message: problem.message,
  }));
  const shown = analysis.findings.slice(0, maxFindings);
  for (const finding of shown) {
    const data: FindingData = {
      containerGuard: 1,
      uri,
      version,
      ruleId: finding.ruleId,
      fixes: finding.fixes,
      ...(finding.service !== undefined ? { service: finding.service } : {}),
      ...(finding.members ? { members: finding.members } : {}),
      ignoreLine: ignoreLineFix(analysis.model, finding),
      ignoreFile: ignoreFileFix(analysis.model, finding.ruleId),
    };
    diagnostics.push({
      range: finding.range,
      severity: toLspSeverity(finding.severity),
      source: diagnosticSource,
      code: finding.ruleId,
      codeDescription: { href: finding.docsUrl },
      message: finding.message,
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

/** Reads back `data` from a diagnostic a client sent; anything stale or foreign gives undefined. */
export function readFindingData(data: unknown, uri: string, version: number): FindingData | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const candidate = data as Partial<FindingData>;
  if (candidate.containerGuard !== 1 || candidate.uri !== uri || candidate.version !== version) return undefined;
  if (typeof candidate.ruleId !== 'string' || !Array.isArray(candidate.fixes)) return undefined;
  if (!isFix(candidate.ignoreLine) || !isFix(candidate.ignoreFile) || !candidate.fixes.every(isFix)) return undefined;
  return candidate as FindingData;
}

function isFix(value: unknown): value is Fix {
  if (!value || typeof value !== 'object') return false;
  const fix = value as Partial<Fix>;
  return typeof fix.title === 'string' && Array.isArray(fix.edits) && fix.edits.every(isTextEdit);
}

function isTextEdit(value: unknown): boolean {
  if (!value || typeof value !== 'object') return false;
  const edit = value as { range?: { start?: { line?: unknown; character?: unknown }; end?: { line?: unknown; character?: unknown } }; newText?: unknown };
  const isPosition = (p?: { line?: unknown; character?: unknown }) =>
    !!p && Number.isInteger(p.line) && Number.isInteger(p.character) && (p.line as number) >= 0 && (p.character as number) >= 0;
  return typeof edit.newText === 'string' && isPosition(edit.range?.start) && isPosition(edit.range?.end);
}
