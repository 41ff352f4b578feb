// CG-D109: the shipped image EXPOSEs a port whose service hands out control of a host or cluster
// (Docker API 2375/2376, etcd 2379/2380, Kubernetes API 6443 and kubelet 10250, VNC 5900,
// telnet 23) — Warning — or a database port (3306, 5432, 6379, 11211, 27017, 9200) — Info.
// Ports are read after ARG/ENV resolution, with or without a protocol; a range counts when it
// contains a listed port, at the tier of its most severe one. EXPOSE is inherited through
// `FROM <stage>`, so the shipped chain counts.
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { RuleFinding, Rule } from '../../engine/types';
import { exposedPorts } from './declarations';

/** Admin ports: whoever reaches them controls a host, a cluster or a desktop. */
const ADMIN_PORTS = new Map<number, string>([
  [2375, 'the unencrypted Docker API'],
  [2376, 'the Docker API'],
  [2379, 'the etcd client API'],
  [2380, 'the etcd peer API'],
  [6443, 'the Kubernetes API server'],
  [10250, 'the kubelet API'],
  [5900, 'VNC'],
  [23, 'telnet'],
]);
/** Database and cache ports, often exposed without authentication. */
const DATABASE_PORTS = new Map<number, string>([
  [3306, 'MySQL'],
  [5432, 'PostgreSQL'],
  [6379, 'Redis'],
  [11211, 'Memcached'],
  [27017, 'MongoDB'],
  [9200, 'Elasticsearch'],
]);

/** `80`, `80/tcp`, `8000-8100/udp` → [first, last]; null when not a port or range. */
export function portRange(text: string): [number, number] | null {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?(?:\/(?:tcp|udp|sctp))?$/i.exec(text.trim().replace(/^(["'])(.*)\1$/, '$2'));
  if (!m) return null;
  const first = Number(m[1]);
  const last = m[2] === undefined ? first : Number(m[2]);
  return first <= last ? [first, last] : null;
}

/** The most severe listed port in a range: admin first, then database; undefined when none. */
export function dangerousPort(first: number, last: number): { port: number; service: string; tier: 'warning' | 'info' } | undefined {
  for (const tier of [ADMIN_PORTS, DATABASE_PORTS]) {
    for (const [port, service] of tier) {
      if (port >= first && port <= last) return { port, service, tier: tier === ADMIN_PORTS ? 'warning' : 'info' };
    }
  }
  return undefined;
}

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D109',
    title: 'Dangerous admin or database port exposed',
    description:
      'The image EXPOSEs a port that hands out control (Docker API, etcd, Kubernetes, VNC, telnet; Warning) or a database port (Info). Publishing it by accident gives the network that control. Remove the port.',
    kind: 'dockerfile',
    severity: 'warning',
    equivalents: [],
    fixable: true,
  },
  check(model, context) {
    const findings: RuleFinding[] = [];
    for (const port of exposedPorts(model, context)) {
      const ports = port.value === null ? null : portRange(port.value);
      const hit = ports ? dangerousPort(ports[0], ports[1]) : undefined;
      if (!ports || !hit) continue;
      const isRange = ports[0] !== ports[1];
      const what = isRange ? `includes port ${hit.port} (${hit.service})` : `declares ${hit.service}`;
      const why =
        hit.tier === 'warning'
          ? 'whoever reaches it controls the host, the cluster or the desktop behind it'
          : 'databases often listen without authentication, and a published port reaches them from the network';
      findings.push({
        message: `EXPOSE ${port.written} ${what}: ${why}. Remove it, and publish it only on a private network when it is really needed.`,
        range: port.item.range,
        severity: hit.tier === 'info' ? 'info' : undefined,
        related: port.related,
        fixes: isRange ? [] : [port.removeFix],
      });
    }
    return findings;
  },
};
