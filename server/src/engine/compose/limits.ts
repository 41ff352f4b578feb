// Resource limits of a Compose service, read version-agnostically (catalogue §4.10): the service-level
// keys (`mem_limit`, `cpus`, `cpu_quota`, `cpu_shares` …, `pids_limit`) and `deploy.resources.limits.*`.
// Shared by CG-C060 (memory), CG-C061 (CPU), CG-C062 (PIDs) and CG-C064 (restart loops).
import type { TextEdit } from 'vscode-languageserver-types';
import type { ComposeModel, ComposeService, MapEntry } from './model';
import { insertAtPathInService, insertPairsIntoService } from './absence';
import type { NewTree } from './edits';

export const MEMORY_LIMIT = '512M';
export const CPU_LIMIT = '"1.0"';
export const PIDS_LIMIT = '256';
const LIMITS_PATH = ['deploy', 'resources', 'limits'];

/** `deploy.resources.limits` of the merged service, when it is a mapping. */
function deployLimits(model: ComposeModel, service: ComposeService) {
  const deploy = service.view?.get('deploy');
  const resources = deploy ? model.viewOf(deploy.rawValue, deploy.via)?.get('resources') : undefined;
  const limits = resources ? model.viewOf(resources.rawValue, resources.via)?.get('limits') : undefined;
  return limits ? model.viewOf(limits.rawValue, limits.via) : undefined;
}

/** Whether an entry holds a value (a null `key:` does not count). */
function hasValue(model: ComposeModel, entry: MapEntry | undefined): entry is MapEntry {
  if (!entry?.value) return false;
  const scalar = model.scalar(entry.value);
  return !scalar || !scalar.isNull;
}

/** The entries that limit memory: `mem_limit` and `deploy.resources.limits.memory`. */
export function memoryEntries(model: ComposeModel, service: ComposeService): MapEntry[] {
  return [service.view?.get('mem_limit'), deployLimits(model, service)?.get('memory')].filter((e): e is MapEntry => hasValue(model, e));
}

/**
 * The entries that limit CPU (weak values included): `cpus`, `cpu_quota`, `cpu_shares`, `cpu_count` and
 * `cpu_percent` (Windows), `cpuset` (pins the service to some CPUs) and `deploy.resources.limits.cpus`.
 * `cpu_period` alone limits nothing (it is the period of a `cpu_quota`), and neither do the realtime
 * settings or `deploy.resources.reservations.cpus` (a reservation, not a limit).
 */
export function cpuEntries(model: ComposeModel, service: ComposeService): MapEntry[] {
  const view = service.view;
  return [...CPU_KEYS.map((key) => view?.get(key)), deployLimits(model, service)?.get('cpus')].filter((e): e is MapEntry => hasValue(model, e));
}

const CPU_KEYS = ['cpus', 'cpu_quota', 'cpu_shares', 'cpu_count', 'cpu_percent', 'cpuset'];

/**
 * Whether a CPU entry's value leaves CPU use unlimited: `0` for `cpus` (also under `deploy`), `cpu_shares`,
 * `cpu_count` and `cpu_percent` (unset), `-1` or `0` for `cpu_quota`, an empty `cpuset`. A value we cannot
 * know (an unresolved variable) counts as a limit.
 */
export function isUnlimitedCpu(model: ComposeModel, entry: MapEntry): boolean {
  const scalar = model.scalar(entry.value);
  if (!scalar || !scalar.interpolated.known) return false;
  const text = scalar.interpolated.value!.trim();
  if (entry.key === 'cpuset') return text === '';
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(text)) return false;
  const value = Number(text);
  return entry.key === 'cpu_quota' ? value === -1 || value === 0 : value === 0;
}

/** The entries that limit PIDs: `pids_limit` and `deploy.resources.limits.pids` (weak values included). */
export function pidsEntries(model: ComposeModel, service: ComposeService): MapEntry[] {
  return [service.view?.get('pids_limit'), deployLimits(model, service)?.get('pids')].filter((e): e is MapEntry => hasValue(model, e));
}

/**
 * Whether a PID limit value leaves PIDs unlimited: `-1` or `0` (after interpolation). A value we cannot
 * know (an unresolved variable) counts as a limit.
 */
export function isUnlimitedPids(model: ComposeModel, entry: MapEntry): boolean {
  const scalar = model.scalar(entry.value);
  if (!scalar || !scalar.interpolated.known) return false;
  const text = scalar.interpolated.value!.trim();
  return /^[-+]?\d+$/.test(text) && (Number(text) === -1 || Number(text) === 0);
}

/** Whether the merged service sets any memory, CPU or (working) PID limit (CG-C064's restart-loop test). */
export function hasAnyLimit(model: ComposeModel, service: ComposeService): boolean {
  return (
    memoryEntries(model, service).length > 0 ||
    cpuEntries(model, service).some((entry) => !isUnlimitedCpu(model, entry)) ||
    pidsEntries(model, service).some((entry) => !isUnlimitedPids(model, entry))
  );
}

export interface LimitsFix {
  title: string;
  edit: TextEdit;
}

/**
 * The fix shared by CG-C060 and CG-C061: adds every missing one of the memory and CPU limits under
 * `deploy.resources.limits`, merging into the `deploy` mapping the service writes itself. Both rules
 * return the identical edit for a service missing both, so fix-all applies it once. When `deploy` (or a
 * mapping under it) reaches the service through a merge key or an alias, the service-level keys
 * `mem_limit` / `cpus` are inserted instead (a `deploy:` of its own would replace the shared one).
 */
export function limitsFix(model: ComposeModel, service: ComposeService): LimitsFix | undefined {
  const memory = memoryEntries(model, service).length === 0;
  const cpu = cpuEntries(model, service).length === 0;
  if (!memory && !cpu) return undefined;
  const deployPairs: [string, NewTree][] = [];
  if (memory) deployPairs.push(['memory', { scalar: MEMORY_LIMIT }]);
  if (cpu) deployPairs.push(['cpus', { scalar: CPU_LIMIT }]);
  const what = [memory ? `memory: ${MEMORY_LIMIT}` : '', cpu ? `cpus: ${CPU_LIMIT}` : ''].filter(Boolean).join(', ');
  const edit = insertAtPathInService(model, service, LIMITS_PATH, deployPairs);
  if (edit) return { title: `Add ${what} under "deploy.resources.limits"`, edit };
  const servicePairs: [string, NewTree][] = [];
  if (memory) servicePairs.push(['mem_limit', { scalar: MEMORY_LIMIT }]);
  if (cpu) servicePairs.push(['cpus', { scalar: CPU_LIMIT }]);
  const fallback = insertPairsIntoService(model, service, servicePairs);
  if (!fallback) return undefined;
  const keys = [memory ? `mem_limit: ${MEMORY_LIMIT}` : '', cpu ? `cpus: ${CPU_LIMIT}` : ''].filter(Boolean).join(', ');
  return { title: `Add ${keys}`, edit: fallback };
}
