// CG-C102: settings that are each reported on their own but together amount to host takeover:
// host network + privileged / NET_ADMIN / NET_RAW, host PID + SYS_PTRACE, docker.sock + root (or no
// user), privileged + `/`, `/dev` or `/sys` bind-mounted. One Error per combination, on the service key.
import type { ComposeModel, ComposeService } from '../../engine/compose/model';
import { isHostValue } from '../../engine/compose/presence';
import { isDockerSocket } from '../../engine/compose/volumes';
import { bindSource } from '../../engine/compose/service-volumes';
import type { RuleFinding, RelatedInfo, Rule } from '../../engine/types';
import type { Node } from '../../engine/compose/yaml-ast';
import { isRootUserSpec } from '../../engine/users';
import { capabilityName } from '../../engine/compose/capabilities';
import { normalizeHostPath } from '../../engine/compose/host-paths';

/** One written value that takes part in a combination. */
interface Part {
  node: Node;
  /** `privileged: true`, `cap_add: NET_ADMIN` … */
  label: string;
}

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C102',
    title: 'Dangerous combination of settings',
    description:
      'A service combines settings that together give full control of the host: host network with privileged or NET_ADMIN/NET_RAW, host PID with SYS_PTRACE, the Docker socket as root, or privileged with `/`, `/dev` or `/sys` mounted.',
    kind: 'compose',
    severity: 'error',
    equivalents: [],
    fixable: false,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const service of model.services) {
      const view = service.view;
      if (!view) continue;
      const hostNetwork = hostKey(model, service, 'network_mode');
      const hostPid = hostKey(model, service, 'pid');
      const privileged = privilegedPart(model, service);
      const caps = (names: string[]) => capParts(model, service, names);
      const mounts = bindMounts(model, service);
      const report = (parts: Part[], what: string, why: string) => {
        findings.push({
          message: `Service "${service.name}" combines ${what}: ${why} Remove at least one of them.`,
          range: service.keyRange,
          related: parts.map((part): RelatedInfo => ({ range: model.rangeOf(part.node), message: `"${part.label}" is set here.` })),
          fixes: [],
        });
      };
      if (hostNetwork) {
        const with_ = [...(privileged ? [privileged] : []), ...caps(['NET_ADMIN', 'NET_RAW'])];
        if (with_.length > 0) {
          report([hostNetwork, ...with_], `network_mode: host with ${labels(with_)}`, "the container can reconfigure, sniff and spoof the host's own network interfaces (firewall, routes, all traffic).");
        }
      }
      if (hostPid) {
        const ptrace = caps(['SYS_PTRACE']);
        if (ptrace.length > 0) report([hostPid, ...ptrace], `pid: host with ${labels(ptrace)}`, 'the container can attach to any host process, read its memory and inject code into it.');
      }
      const sockets = mounts.filter((m) => isDockerSocket(m.path)).map((m) => m.part);
      if (sockets.length > 0) {
        const user = view.get('user');
        const scalar = model.scalar(user?.value);
        if (!user || !scalar || scalar.isNull) {
          report(sockets, 'a Docker socket mount with no "user:"', 'unless the image sets a non-root user, the container runs as root with full access to the Docker API, which is root on the host.');
        } else if (scalar.interpolated.known && isRootUserSpec(scalar.interpolated.value!.trim())) {
          report([...sockets, { node: user.value!, label: `user: ${scalar.text}` }], `a Docker socket mount with user: ${scalar.text}`, 'root in the container with full access to the Docker API is root on the host.');
        }
      }
      if (privileged) {
        const system = mounts.filter((m) => ['/', '/dev', '/sys'].includes(normalizeHostPath(m.path) ?? '')).map((m) => m.part);
        if (system.length > 0) report([privileged, ...system], `privileged: true with ${labels(system)}`, "the container can write the host's filesystem, devices and kernel settings directly.");
      }
    }
    return findings;
  },
};

function labels(parts: Part[]): string {
  return parts.map((p) => p.label).join(' and ');
}

function hostKey(model: ComposeModel, service: ComposeService, key: string): Part | undefined {
  const entry = service.view?.get(key);
  const value = model.scalar(entry?.value)?.interpolated;
  return entry?.value && value?.known && isHostValue(value.value!.trim()) ? { node: entry.value, label: `${key}: host` } : undefined;
}

function privilegedPart(model: ComposeModel, service: ComposeService): Part | undefined {
  const entry = service.view?.get('privileged');
  return entry?.value && model.scalar(entry.value)?.boolean === true ? { node: entry.value, label: 'privileged: true' } : undefined;
}

/** `cap_add` items naming one of `names` (or ALL, which includes them). */
function capParts(model: ComposeModel, service: ComposeService, names: string[]): Part[] {
  const entry = service.view?.get('cap_add');
  if (!entry) return [];
  const parts: Part[] = [];
  for (const item of model.entryItems(entry)) {
    const scalar = model.scalar(item.node);
    if (!item.node || !scalar?.interpolated.known) continue;
    const name = capabilityName(scalar.interpolated.value!);
    if (name === 'ALL' || names.includes(name)) parts.push({ node: item.node, label: `cap_add: ${name}` });
  }
  return parts;
}

/** Host-path bind mounts of the service (short and long form), with where each source is written. */
function bindMounts(model: ComposeModel, service: ComposeService): { path: string; part: Part }[] {
  const entry = service.view?.get('volumes');
  if (!entry) return [];
  const result: { path: string; part: Part }[] = [];
  for (const item of model.entryItems(entry)) {
    const bind = item.node ? bindSource(model, item.node) : undefined;
    if (bind) result.push({ path: bind.path, part: { node: bind.at, label: `volume ${bind.path}` } });
  }
  return result;
}
