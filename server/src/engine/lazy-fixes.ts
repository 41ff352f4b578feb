// Fixes computed when first read (issue 17). In a Compose file the measure rules report a missing
// measure for nearly every service, each with an edit that inserts it; building those edits on every
// keystroke took a third of the rules' time, while only a code action, fix-all, the wizard or the CLI's
// output reads them. A finding made with `withLazyFixes` builds its fixes on first read and keeps them;
// `copyFinding` copies a finding without building them.
//
// The fixes are built from the model's YAML tree, which the next version's parse may take over and
// change (compose/reparse.ts): read them while the analysis is the current one (the server builds code
// actions from the current analysis). Once the model has handed its tree over they come out empty, not wrong.
import type { Fix, RuleFinding } from './types';

/** `finding` with `fixes` built by `build` on first read, while `isCurrent()`. */
export function withLazyFixes<F extends Omit<RuleFinding, 'fixes'>>(finding: F, build: () => Fix[], isCurrent: () => boolean): F & { fixes: Fix[] } {
  let fixes: Fix[] | undefined;
  return Object.defineProperty(finding, 'fixes', {
    get: () => (fixes ??= isCurrent() ? build() : []),
    enumerable: true,
    configurable: true,
  }) as F & { fixes: Fix[] };
}

/** `{ ...finding, ...extra }`, except that fixes not built yet are not built by the copy. */
export function copyFinding<F extends RuleFinding, E extends object>(finding: F, extra: E): F & E {
  const lazy = Object.getOwnPropertyDescriptor(finding, 'fixes');
  if (!lazy?.get) return { ...finding, ...extra };
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(finding)) if (key !== 'fixes') copy[key] = (finding as unknown as Record<string, unknown>)[key];
  Object.defineProperty(copy, 'fixes', lazy);
  for (const [key, value] of Object.entries(extra)) Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy as F & E;
}
