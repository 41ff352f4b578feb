// CG-C075: host devices given to a service (`devices:`, `device_cgroup_rules:`).
import type { ComposeModel } from '../../engine/compose/model';
import { capitalize } from '../../engine/compose/presence';
import { groupByWritten, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { RuleFinding, Rule } from '../../engine/types';

/** Raw memory, I/O ports and block devices: direct access to host memory or disks (the Error tier). */
export function isCriticalDevice(path: string): boolean {
  return /^\/dev\/(mem|kmem|port)$/.test(path) || /^\/dev\/(sd|nvme|dm-)/.test(path);
}

/** The host side of a `devices:` item: `HOST[:CONTAINER][:PERMISSIONS]` (compose-go `ParseDeviceMapping`). */
export function deviceHostPath(spec: string): string {
  return spec.split(':')[0].trim();
}

interface Data {
  key: 'devices' | 'device_cgroup_rules';
  text: string;
  critical: boolean;
}

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C075',
    title: 'Host device exposed',
    description:
      'A service gets host devices (`devices:`) or device cgroup rules (`device_cgroup_rules:`). Raw memory (`/dev/mem`, `/dev/kmem`, `/dev/port`) and block devices are Errors: they give direct access to host memory or disks.',
    kind: 'compose',
    severity: 'warning',
    equivalents: ['CIS 5.18'],
    fixable: false,
  },
  check(model) {
    const hits: Hit<Data>[] = [];
    for (const service of model.services) {
      for (const key of ['devices', 'device_cgroup_rules'] as const) {
        // Service level only: `deploy.resources.reservations.devices` reserves GPUs, it is not this key.
        const entry = service.view?.get(key);
        if (!entry) continue;
        for (const item of model.entryItems(entry)) {
          const scalar = model.scalar(item.node);
          if (!scalar || !item.node || scalar.isNull || scalar.text.trim() === '') continue;
          const critical = key === 'devices' && isCriticalDevice(deviceHostPath(scalar.interpolated.text));
          hits.push({ node: item.node, service, via: item.via, data: { key, text: scalar.text, critical } });
        }
      }
    }
    const findings: RuleFinding[] = [];
    for (const group of groupByWritten(hits)) {
      const { key, text, critical } = group.data;
      const names = capitalize(serviceNames(group));
      const verb = group.hits.length === 1 ? 'gets' : 'get';
      let message: string;
      if (key === 'device_cgroup_rules') {
        message = `${names} ${verb} the device cgroup rule "${text}", which lets the container create and use the host devices it matches. Review that it is needed and as narrow as possible.`;
      } else if (critical) {
        message = `${names} ${verb} the host device "${text}": raw access to host memory or a disk, which bypasses every file permission and is root-equivalent. Remove it.`;
      } else {
        message = `${names} ${verb} the host device "${text}". Review that it is needed; add ":r" when read access is enough.`;
      }
      findings.push({
        ...(critical ? { severity: 'error' as const } : {}),
        message,
        range: model.rangeOf(group.node),
        related: receiversInfo(group),
        // Review only: removing a device breaks the service, and ":r" does not clear the finding.
        fixes: [],
      });
    }
    return findings;
  },
};
