// Project rules (catalogue §4.9) compare values across services: which services can run together.
import type { ComposeModel, ComposeService } from './model';

/** The service's `profiles` (empty: it always runs). Unknown variables make the set unknown (undefined). */
export function profilesOf(model: ComposeModel, service: ComposeService): string[] | undefined {
  const entry = service.view?.get('profiles');
  if (!entry) return [];
  const names: string[] = [];
  for (const item of model.entryItems(entry)) {
    const scalar = model.scalar(item.node);
    if (!scalar) continue;
    if (!scalar.interpolated.known) return undefined;
    names.push(scalar.interpolated.value!.trim());
  }
  return names;
}

/**
 * Whether two services can be up at the same time: one of them has no profiles (it always runs), they share
 * a profile, or a profile is not known.
 */
export function canRunTogether(model: ComposeModel, a: ComposeService, b: ComposeService): boolean {
  const pa = profilesOf(model, a);
  const pb = profilesOf(model, b);
  if (!pa || !pb || pa.length === 0 || pb.length === 0) return true;
  return pa.some((name) => pb.includes(name));
}
