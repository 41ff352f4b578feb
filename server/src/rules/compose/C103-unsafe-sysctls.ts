// CG-C103: a `sysctls` entry that is not isolated per container (a host-wide kernel setting), or a
// `net.*` sysctl on a service that uses the host's network namespace.
import { isMap } from 'yaml';
import type { Range } from 'vscode-languageserver-types';
import type { ComposeModel, ComposeService, MapEntry, ViaStep } from '../../engine/compose/model';
import { UNKNOWN } from '../../engine/compose/interpolate';
import { capitalize, isHostValue } from '../../engine/compose/presence';
import { groupByWritten, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { RuleFinding, Rule } from '../../engine/types';
import type { Node } from '../../engine/compose/yaml-ast';

interface Data {
  /** The sysctl name as written. */
  name: string;
  /** Why it is reported. */
  reason: 'host-wide' | 'host-network';
  /** The range of the name (a narrower range than the node for `name=value` list items). */
  range: Range;
}

/**
 * The sysctls that the kernel keeps per container (catalogue §3.2: `net.*` via the network namespace,
 * the IPC ones via the IPC namespace). Names may use `/` instead of `.` (`net/ipv4/ip_forward`).
 */
export function isNamespacedSysctl(name: string): 'net' | 'ipc' | undefined {
  const n = name.trim().replace(/\//g, '.');
  if (n.startsWith('net.')) return 'net';
  if (n.startsWith('kernel.shm') || n.startsWith('kernel.msg') || n === 'kernel.sem' || n.startsWith('fs.mqueue.')) return 'ipc';
  return undefined;
}

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C103',
    title: 'Unsafe sysctls',
    description:
      "A service sets a sysctl that is not isolated per container (it is a host-wide kernel setting), or a `net.*` sysctl while it uses the host's network namespace, where it changes the host's network stack.",
    kind: 'compose',
    severity: 'warning',
    equivalents: [],
    fixable: false,
  },
  check(model) {
    const hits: Hit<Data>[] = [];
    for (const service of model.services) {
      const entry = service.view?.get('sysctls');
      if (!entry?.value) continue;
      const hostNetwork = usesHostNetwork(model, service);
      for (const sysctl of sysctlsOf(model, entry)) {
        const scope = isNamespacedSysctl(sysctl.name);
        const reason = scope === undefined ? 'host-wide' : scope === 'net' && hostNetwork ? 'host-network' : undefined;
        if (reason) hits.push({ node: sysctl.node, service, via: sysctl.via, data: { name: sysctl.name, reason, range: sysctl.range } });
      }
    }
    const findings: RuleFinding[] = [];
    for (const group of groupByWritten(hits)) {
      const { name, reason, range } = group.data;
      const names = serviceNames(group);
      findings.push({
        message:
          reason === 'host-wide'
            ? `Sysctl "${name}" of ${names} is not isolated per container: it is a host-wide kernel setting, so setting it from a container changes (or, when the runtime refuses it, breaks) the whole host. Set it on the host if it is really needed.`
            : `${capitalize(names)} use${group.hits.length === 1 ? 's' : ''} the host network (network_mode: host), so sysctl "${name}" changes the host's network stack, not the container's. Remove it or set it on the host.`,
        range,
        related: receiversInfo(group),
        fixes: [],
      });
    }
    return findings;
  },
};

/** Whether the service's resolved `network_mode` is known to be `host`. */
function usesHostNetwork(model: ComposeModel, service: ComposeService): boolean {
  const value = model.scalar(service.view?.get('network_mode')?.value)?.interpolated;
  return value?.known === true && isHostValue(value.value!.trim());
}

interface Sysctl {
  name: string;
  node: Node;
  via: ViaStep[];
  range: Range;
}

/** Entries of `sysctls:` in mapping form (`name: value`, reported on the key) or list form (`- name=value`). */
function sysctlsOf(model: ComposeModel, entry: MapEntry): Sysctl[] {
  const result: Sysctl[] = [];
  if (isMap(model.deref(entry.rawValue))) {
    const view = model.viewOf(entry.rawValue, entry.via);
    for (const item of view?.entries ?? []) {
      if (item.key.startsWith('<<')) continue;
      result.push({ name: item.key, node: item.keyNode, via: item.via, range: model.rangeOf(item.keyNode) });
    }
    return result;
  }
  for (const item of model.entryItems(entry)) {
    const scalar = model.scalar(item.node);
    if (!item.node || !scalar || scalar.isNull) continue;
    const text = scalar.interpolated.text;
    const name = text.split('=')[0].trim();
    // An unresolved name could be anything: not judged.
    if (name === '' || name.includes(UNKNOWN)) continue;
    let range = model.rangeOf(item.node);
    const at = scalar.text.indexOf(name);
    if (scalar.verbatim && scalar.interpolated.known && at >= 0 && range.start.line === range.end.line) {
      const start = range.start.character + (scalar.quote ? 1 : 0) + at;
      range = { start: { line: range.start.line, character: start }, end: { line: range.start.line, character: start + name.length } };
    }
    result.push({ name, node: item.node, via: item.via, range });
  }
  return result;
}
