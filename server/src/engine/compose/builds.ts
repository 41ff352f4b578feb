// Which Dockerfiles a Compose file builds, and with which `build.target` (catalogue §4.1: the stage
// that ships is the one Compose builds). Paths are resolved as Compose does: `context` relative to
// the Compose file's directory, `dockerfile` relative to the context, default `Dockerfile`.
import * as path from 'node:path';
import type { Range } from 'vscode-languageserver-types';
import type { ComposeModel } from './model';

export interface ComposeBuild {
  service: string;
  /** Absolute path of the Dockerfile. */
  dockerfile: string;
  /** `build.target`, when set to a known value. */
  target?: string;
  /** Where the service's `build` key is written, for related information. */
  range: Range;
}

const remoteContext = /^[a-z][a-z0-9+.-]*:\/\/|^git@/i;

/** The builds of every service with a local `build:`; unknown (interpolated) paths are skipped. */
export function composeBuilds(model: ComposeModel, composeDir: string): ComposeBuild[] {
  const builds: ComposeBuild[] = [];
  for (const service of model.services) {
    const entry = service.view?.get('build');
    if (!entry?.value) continue;
    let context = '.';
    let dockerfile = 'Dockerfile';
    let target: string | undefined;
    const short = model.scalar(entry.value);
    if (short) {
      if (!short.interpolated.known || short.isNull) continue;
      context = short.interpolated.value!;
    } else {
      const build = model.viewOf(entry.value, entry.via);
      if (!build) continue;
      const text = (key: string): string | null | undefined => {
        const value = build.get(key)?.value;
        if (!value) return undefined;
        const scalar = model.scalar(value);
        return scalar?.interpolated.known && !scalar.isNull ? scalar.interpolated.value! : null;
      };
      const contextValue = text('context');
      const dockerfileValue = text('dockerfile');
      const targetValue = text('target');
      if (contextValue === null || dockerfileValue === null || targetValue === null) continue; // unknown: don't guess
      if (build.has('dockerfile_inline')) continue;
      context = contextValue ?? '.';
      dockerfile = dockerfileValue ?? 'Dockerfile';
      target = targetValue || undefined;
    }
    if (remoteContext.test(context)) continue;
    const contextDir = path.resolve(composeDir, context);
    builds.push({ service: service.name, dockerfile: path.resolve(contextDir, dockerfile), target, range: model.rangeOf(entry.keyNode) });
  }
  return builds;
}

/**
 * The `build.target` that ships for a Dockerfile, when the Compose builds that name it agree on one.
 * Builds that name it without a target ship its last stage, so any disagreement means "last stage".
 */
export function shippedTarget(builds: ComposeBuild[], dockerfile: string): string | undefined {
  const wanted = path.resolve(dockerfile);
  const targets = new Set(builds.filter((build) => build.dockerfile === wanted).map((build) => build.target));
  if (targets.size !== 1) return undefined;
  return [...targets][0];
}
