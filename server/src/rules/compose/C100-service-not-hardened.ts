// CG-C100: the summary of a Compose service's missing hardening (catalogue §6.1). The members are the
// rules that declare a `measure` in their metadata; with `summarize` on, the engine hands this rule the
// absence findings of one service and publishes the one finding built here instead of theirs.
import { withLazyFixes } from '../../engine/lazy-fixes';
import type { Finding, Fix, SummaryRule } from '../../engine/types';

/** Labels listed in the message before "+N more". */
const LISTED = 3;

export const rule: SummaryRule = {
  meta: {
    id: 'CG-C100',
    title: 'Service is not hardened',
    description:
      'A Compose service lacks some of the hardening measures that limit what a compromised container can do (dropped capabilities, no-new-privileges, a read-only root, resource limits, a health check, log rotation). One finding per service names the missing measures; each has its own quick fix.',
    kind: 'compose',
    severity: 'info',
    equivalents: [],
    fixable: true,
  },
  summarize(service, members, metaOf) {
    const ordered = [...members].sort((a, b) => (metaOf(a.ruleId)?.measure?.order ?? 0) - (metaOf(b.ruleId)?.measure?.order ?? 0));
    const labels = ordered.map((member) => metaOf(member.ruleId)?.measure?.label).filter((label): label is string => !!label);
    const more = labels.length > LISTED ? `, +${labels.length - LISTED} more` : '';
    const anchor = ordered.find((member) => metaOf(member.ruleId)?.measure?.label) ?? ordered[0];
    const summary = {
      message: `Service "${service}" is not hardened: ${labels.slice(0, LISTED).join(', ')}${more}`,
      range: anchor.range,
      service,
      members: ordered.map((member) => member.ruleId),
    };
    // Built when read, from the members' fixes (which are built when read themselves: lazy-fixes.ts).
    return withLazyFixes(summary, () => measureFixes(ordered), () => true);
  },
};

/**
 * One quick fix per missing measure: the member's own first fix, never preferred (each changes what the
 * service may do). Members whose fixes are the same edit (the memory and CPU limits share one block) give
 * one action.
 */
function measureFixes(members: Finding[]): Fix[] {
  const fixes: Fix[] = [];
  const seen = new Set<string>();
  for (const member of members) {
    const fix = member.fixes[0];
    if (!fix || fix.edits.length === 0) continue;
    const key = editsKey(fix);
    if (seen.has(key)) continue;
    seen.add(key);
    fixes.push({ title: fix.title, edits: fix.edits, isPreferred: false });
  }
  return fixes;
}

/** The identity of a fix's edits (ranges and texts); cheaper than JSON on every keystroke of a large file. */
function editsKey(fix: Fix): string {
  return fix.edits.map(({ range: { start, end }, newText }) => `${start.line}:${start.character}-${end.line}:${end.character}\u0000${newText}`).join('\u0001');
}
