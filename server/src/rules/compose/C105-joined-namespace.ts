// CG-C105: a service joins another container's namespaces (`network_mode`, `pid` or `ipc` set to
// `service:x` / `container:x`) or mounts its volumes (`volumes_from`). Warning when the join reaches the
// host: the target uses the host's namespace of that kind, or (volumes_from) mounts docker.sock or a
// sensitive host path.
import type { ComposeModel, ComposeService } from '../../engine/compose/model';
import { UNKNOWN } from '../../engine/compose/interpolate';
import { capitalize, isHostValue } from '../../engine/compose/presence';
import { isDockerSocket } from '../../engine/compose/volumes';
import { bindSource } from '../../engine/compose/service-volumes';
import { groupByWritten, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { RuleFinding, Rule } from '../../engine/types';
import { sensitiveMount } from '../../engine/compose/host-paths';

const NAMESPACES: Record<string, string> = { network_mode: 'network', pid: 'PID', ipc: 'IPC' };

interface Data {
  key: string;
  /** `service` or `container`. */
  kind: 'service' | 'container';
  /** The target as written (unknown parts as `${…}`). */
  target: string;
  /** Why the join reaches the host, when it does. */
  host: string | undefined;
}

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C105',
    title: "Joins another container's namespaces",
    description:
      "A service sets `network_mode`, `pid` or `ipc` to `service:x` / `container:x`, or uses `volumes_from`: it inherits that container's exposure and every mount. A Warning when the target uses the host's namespace or mounts docker.sock or a sensitive host path.",
    kind: 'compose',
    severity: 'info',
    equivalents: [],
    fixable: false,
  },
  check(model) {
    const hits: Hit<Data>[] = [];
    // Services defined in several documents of the file are one merged service (model.ts).
    const byName = new Map(model.services.map((service) => [service.name, service]));
    const targetOf = (name: string) => (name.includes(UNKNOWN) ? undefined : byName.get(name));
    for (const service of model.services) {
      const view = service.view;
      if (!view) continue;
      for (const key of Object.keys(NAMESPACES)) {
        const entry = view.get(key);
        const scalar = model.scalar(entry?.value);
        if (!entry?.value || !scalar || scalar.isNull) continue;
        const join = parseJoin(scalar.interpolated.text.trim());
        if (!join) continue;
        const target = join.kind === 'service' ? targetOf(join.name) : undefined;
        const host = target && usesHostNamespace(model, target, key) ? `service "${join.name}" uses the host's ${NAMESPACES[key]} namespace (${key}: host)` : undefined;
        hits.push({ node: entry.value, service, via: entry.via, data: { key, kind: join.kind, target: shown(join.name), host } });
      }
      const from = view.get('volumes_from');
      if (!from) continue;
      for (const item of model.entryItems(from)) {
        const scalar = model.scalar(item.node);
        if (!item.node || !scalar || scalar.isNull) continue;
        const text = scalar.interpolated.text.trim();
        if (text === '') continue;
        const container = text.startsWith('container:');
        const name = (container ? text.slice('container:'.length) : text).split(':')[0];
        const target = container ? undefined : targetOf(name);
        const host = target ? hostMountOf(model, target) : undefined;
        hits.push({
          node: item.node,
          service,
          via: item.via,
          data: { key: 'volumes_from', kind: container ? 'container' : 'service', target: shown(name), host: host && `service "${name}" mounts ${host}` },
        });
      }
    }
    const findings: RuleFinding[] = [];
    for (const group of groupByWritten(hits)) {
      const { key, kind, target, host } = group.data;
      const names = capitalize(serviceNames(group));
      const s = group.hits.length === 1 ? 's' : '';
      const what = kind === 'container' ? `container "${target}" (outside this project)` : `service "${target}"`;
      const head =
        key === 'volumes_from'
          ? `${names} mount${s} every volume of ${what} (volumes_from), including any host path or docker.sock it mounts.`
          : `${names} join${s} the ${NAMESPACES[key]} namespace of ${what} (${key}): ${group.hits.length === 1 ? 'it inherits' : 'they inherit'} that container's ${key === 'network_mode' ? 'network exposure' : key === 'pid' ? 'processes' : 'shared memory'}.`;
      findings.push({
        ...(host ? { severity: 'warning' as const } : {}),
        message: host ? `${head} This reaches the host: ${host}.` : `${head} Make sure the target is no more privileged than this service needs.`,
        range: model.rangeOf(group.node),
        related: receiversInfo(group),
        fixes: [],
      });
    }
    return findings;
  },
};

/** `service:x` / `container:x` (case of the prefix ignored); undefined for other values. */
function parseJoin(value: string): { kind: 'service' | 'container'; name: string } | undefined {
  const match = /^(service|container):(.+)$/i.exec(value);
  if (!match) return undefined;
  return { kind: match[1].toLowerCase() as 'service' | 'container', name: match[2].trim() };
}

function usesHostNamespace(model: ComposeModel, target: ComposeService, key: string): boolean {
  const value = model.scalar(target.view?.get(key)?.value)?.interpolated;
  return value?.known === true && isHostValue(value.value!.trim());
}

/** What host path of concern the target mounts (docker.sock, or a path CG-C051 reports), if any. */
function hostMountOf(model: ComposeModel, target: ComposeService): string | undefined {
  const entry = target.view?.get('volumes');
  if (!entry) return undefined;
  for (const item of model.entryItems(entry)) {
    const bind = item.node ? bindSource(model, item.node) : undefined;
    if (!bind) continue;
    if (isDockerSocket(bind.path)) return 'the Docker socket';
    const found = sensitiveMount(bind.path, bind.readOnly);
    if (found) return `the sensitive host path "${found.path}"`;
  }
  return undefined;
}

function shown(text: string): string {
  return text.split(UNKNOWN).join('${…}');
}
