// Combining fixes: fix-all (every preferred fix) and hardening measures (every fix of chosen rules).
// Edits of different findings may collide; the first one in document order wins, the rest wait
// for the next round (the client re-runs fix-all, the CLI loops until nothing changes).
import type { Analysis } from './engine';
import { applyEdits, rangesOverlap, SourceText } from './text';
import type { Diagnosed, Fix, TextEdit } from './types';

/** The fix a combined edit uses for a finding: its preferred one, else (when allowed) its first. */
function chosenFix(finding: Diagnosed, preferredOnly: boolean): Fix | undefined {
  return finding.fixes.find((fix) => fix.isPreferred) ?? (preferredOnly ? undefined : finding.fixes[0]);
}

/** Merges the fixes of the selected findings into one list of non-overlapping edits. */
export function combineFixes(findings: Diagnosed[], preferredOnly: boolean): TextEdit[] {
  const accepted: TextEdit[] = [];
  const seen = new Set<string>();
  for (const finding of findings) {
    const fix = chosenFix(finding, preferredOnly);
    if (!fix || fix.edits.length === 0) continue;
    // Identical edits from two findings (e.g. the same user-creation line) are applied once.
    const fresh = fix.edits.filter((edit) => !seen.has(JSON.stringify(edit)));
    if (fresh.length === 0) continue;
    const collides = fresh.some((edit) => accepted.some((other) => rangesOverlap(edit.range, other.range) && !(isInsertion(edit) && isInsertion(other))));
    if (collides) continue;
    for (const edit of fresh) {
      seen.add(JSON.stringify(edit));
      accepted.push(edit);
    }
  }
  return accepted;
}

function isInsertion(edit: TextEdit): boolean {
  return edit.range.start.line === edit.range.end.line && edit.range.start.character === edit.range.end.character;
}

/** Every safe fix of an analysis (`source.fixAll.container-guard`, CLI `--fix`). */
export function fixAllEdits(analysis: Analysis): TextEdit[] {
  return combineFixes(analysis.findings, true);
}

/**
 * Re-applies combined fixes until nothing changes (at most `rounds` times) and returns the final text.
 * `first` is the analysis of `text` when the caller already has it (it is not parsed again).
 */
export function fixUntilStable(
  text: string,
  analyzeText: (text: string) => Analysis,
  select: (analysis: Analysis) => Diagnosed[],
  preferredOnly: boolean,
  first?: Analysis,
  rounds = 5,
): string {
  let current = text;
  let analysis = first ?? analyzeText(text);
  for (let round = 0; round < rounds; round++) {
    const edits = combineFixes(select(analysis), preferredOnly);
    if (edits.length === 0) break;
    const next = applyEdits(current, edits);
    if (next === current) break;
    current = next;
    analysis = analyzeText(current);
  }
  return current;
}

/** One edit that turns `before` into `after`, covering only the part between their common ends. */
export function minimalEdit(before: string, after: string): TextEdit | undefined {
  if (before === after) return undefined;
  let start = 0;
  const shorter = Math.min(before.length, after.length);
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  // Do not split a CRLF pair or a surrogate pair.
  while (start > 0 && (before.charCodeAt(start - 1) === 13 || isHighSurrogate(before.charCodeAt(start - 1)))) start--;
  let end = 0;
  while (end < shorter - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  while (end > 0 && (before.charCodeAt(before.length - end) === 10 || isLowSurrogate(before.charCodeAt(before.length - end)))) end--;
  const source = new SourceText(before);
  return { range: source.rangeOf(start, before.length - end), newText: after.slice(start, after.length - end) };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
