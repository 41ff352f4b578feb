// CG-D004: an image from a registry outside the configured allow-list (`trustedRegistries` in
// `.container-guard.yaml` or `.hadolint.yaml`): FROM, `COPY --from=<image>`,
// `RUN --mount=…,from=<image>` and the `# syntax=` frontend image. Silent when no list is set.
import type { Range } from 'vscode-languageserver-types';
import type { DockerfileModel, Instruction } from '../../engine/dockerfile/model';
import { isRegistryComponent, parseImageRef } from '../../engine/dockerfile/image-ref';
import type { RuleFinding, Rule } from '../../engine/types';

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com', 'hub.docker.com']);

/** Lower-cased registry with Docker Hub's aliases folded into `docker.io`. */
function normalise(registry: string): string {
  const lower = registry.toLowerCase().replace(/^[a-z]+:\/\//, '').replace(/\/+$/, '');
  return DOCKER_HUB.has(lower) ? 'docker.io' : lower;
}

/**
 * Whether a registry is allowed: an exact entry (a port-less entry allows every port of its
 * host), `*.example.com` for every subdomain of example.com but not example.com itself, or `*`.
 */
export function isTrustedRegistry(registry: string, allowList: readonly string[]): boolean {
  const wanted = normalise(registry);
  const host = wanted.replace(/:\d+$/, '');
  return allowList.some((raw) => {
    const entry = normalise(raw.trim());
    if (entry === '*' || entry === wanted) return true;
    if (entry.startsWith('*.')) {
      const suffix = entry.slice(1); // `.example.com`
      const target = suffix.includes(':') ? wanted : host;
      return target.endsWith(suffix) && target.length > suffix.length;
    }
    return !entry.includes(':') && entry === host;
  });
}

/**
 * The registry of an image reference whose variables may be unresolved: known when the
 * registry part is written literally (`reg.io/app:$TAG`, `node:$V`); undefined when a variable
 * could supply it (`$IMAGE`, `$REG/app`).
 */
export function registryOfReference(text: string, resolved: string | null): string | undefined {
  if (resolved !== null) return parseImageRef(resolved).registry ?? 'docker.io';
  const dollar = text.indexOf('$');
  if (dollar < 0) return undefined;
  const prefix = text.slice(0, dollar);
  const slash = prefix.indexOf('/');
  if (slash > 0) {
    const first = prefix.slice(0, slash);
    return isRegistryComponent(first) ? first : 'docker.io';
  }
  if (text.slice(dollar).includes('/')) return undefined;
  // No `/` anywhere: a single Docker Hub name, with the variable in its tag or digest.
  return /[:@]/.test(prefix) && /^[a-z0-9]/.test(prefix) ? 'docker.io' : undefined;
}

interface Reference {
  text: string;
  resolved: string | null;
  range: Range;
  where: string;
}

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D004',
    title: 'Image from an untrusted registry',
    description:
      'An image in FROM, `COPY --from`, `RUN --mount from=` or the `# syntax` directive comes from a registry that is not in the configured `trustedRegistries` allow-list.',
    kind: 'dockerfile',
    severity: 'error',
    equivalents: ['hadolint DL3026', 'CIS 4.2', 'Dockle CIS-DI-0002'],
    fixable: false,
  },
  check(model, context) {
    const allowList = context.trustedRegistries;
    if (!allowList || allowList.length === 0) return [];
    const findings: RuleFinding[] = [];
    for (const reference of references(model)) {
      const registry = registryOfReference(reference.text, reference.resolved);
      if (registry === undefined || isTrustedRegistry(registry, allowList)) continue;
      const shown = reference.resolved ?? reference.text;
      findings.push({
        message: `${reference.where} image '${shown}' comes from registry '${normalise(registry)}', which is not in trustedRegistries (${allowList.join(', ')}). Use an image from a trusted registry, or add the registry to the allow-list.`,
        range: reference.range,
        fixes: [],
      });
    }
    return findings;
  },
};

function references(model: DockerfileModel): Reference[] {
  const result: Reference[] = [];
  const syntax = model.directives.find((d) => d.name === 'syntax');
  if (syntax && syntax.value !== '') result.push({ text: syntax.value, resolved: syntax.value, range: syntax.valueRange, where: 'The # syntax frontend' });
  for (const stage of model.stages) {
    const image = stage.image;
    if (!image.range || image.text === null || image.isScratch || image.stageRef) continue;
    if (image.resolved !== null && image.resolved.includes('$')) continue;
    result.push({ text: image.text, resolved: image.ref ? image.resolved : null, range: image.range, where: 'Base' });
  }
  for (const top of model.instructions) {
    const instruction = top.keyword === 'ONBUILD' ? top.trigger : top;
    if (!instruction) continue;
    if (instruction.keyword === 'COPY' || instruction.keyword === 'ADD') {
      const from = instruction.flags.find((f) => f.name.toLowerCase() === 'from');
      if (from?.value && from.valueRange) pushImage(model, instruction, from.value, from.valueRange, 'COPY --from', result);
    } else if (instruction.keyword === 'RUN') {
      for (const flag of instruction.flags) {
        if (flag.name.toLowerCase() !== 'mount' || !flag.value || !flag.valueRange) continue;
        let offset = 0;
        for (const part of flag.value.split(',')) {
          const eq = part.indexOf('=');
          if (eq > 0 && part.slice(0, eq).trim().toLowerCase() === 'from') {
            const value = part.slice(eq + 1);
            const start = flag.valueRange.start;
            const range: Range = {
              start: { line: start.line, character: start.character + offset + eq + 1 },
              end: { line: start.line, character: start.character + offset + part.length },
            };
            pushImage(model, instruction, value, range, 'RUN --mount from=', result);
          }
          offset += part.length + 1;
        }
      }
    }
  }
  return result;
}

/** An image named by `--from`: not a stage name or index. */
function pushImage(model: DockerfileModel, instruction: Instruction, text: string, range: Range, where: string, out: Reference[]): void {
  const value = text.replace(/^(["'])(.*)\1$/, '$2');
  if (value === '' || /^\d+$/.test(value) || model.stageByName(value)) return;
  const resolved = value.includes('$') ? model.expand(value, instruction).value : value;
  if (resolved !== null && (/^\d+$/.test(resolved) || model.stageByName(resolved) || resolved.toLowerCase() === 'scratch')) return;
  out.push({ text: value, resolved, range, where });
}
