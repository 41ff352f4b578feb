// CG-C075: host devices given to a service (`devices:`, short and long syntax; `device_cgroup_rules:`).
// Error for raw memory and I/O ports (`/dev/mem`, `/dev/kmem`, `/dev/port`), block devices (disks,
// partitions, device-mapper, loop, RAID, SD cards: the host's file systems) and the whole `/dev`, and
// for cgroup rules that allow those (`a`, `b`, or char `1:1`/`1:2`/`1:4`, wildcards included);
// Warning for any other device or rule.
import { isMap } from 'yaml';
import type { ComposeModel } from '../../engine/compose/model';
import { capitalize } from '../../engine/compose/presence';
import { groupByWritten, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { Node } from '../../engine/compose/yaml-ast';
import type { RuleFinding, Rule } from '../../engine/types';

/** Block devices by their kernel names: SCSI/SATA, IDE, virtio, Xen, NVMe, SD/eMMC, device-mapper, RAID, loop, network block, Ceph, ZFS volumes. */
const BLOCK_DEVICE = /^\/dev\/(sd|hd|vd|xvd|nvme|mmcblk|dm-|md|loop|nbd|rbd|zd)[^/]*$|^\/dev\/(mapper|disk|md)\/|^\/dev\/root$/;

/** Raw memory, I/O ports, block devices and the whole `/dev`: direct access to host memory or disks (the Error tier). */
export function isCriticalDevice(path: string): boolean {
  const normalized = path.replace(/\/+$/, '') || '/';
  return normalized === '/dev' || /^\/dev\/(mem|kmem|port)$/.test(normalized) || BLOCK_DEVICE.test(normalized);
}

/** The host side of a `devices:` item: `HOST[:CONTAINER][:PERMISSIONS]` (compose-go `ParseDeviceMapping`). */
export function deviceHostPath(spec: string): string {
  return spec.split(':')[0].trim();
}

/**
 * Whether a device cgroup rule (`TYPE MAJOR:MINOR ACCESS`) allows a critical device: all devices (`a`),
 * block devices (`b`), or the memory devices (char major 1, minors 1 `mem`, 2 `kmem`, 4 `port`).
 */
export function isCriticalCgroupRule(rule: string): boolean {
  const m = /^\s*([abc])\s+(\*|\d+):(\*|\d+)/.exec(rule);
  if (!m) return false;
  if (m[1] === 'a' || m[1] === 'b') return true;
  return (m[2] === '*' || m[2] === '1') && (m[3] === '*' || ['1', '2', '4'].includes(m[3]));
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
      'A service gets host devices (`devices:`) or device cgroup rules (`device_cgroup_rules:`). Raw memory (`/dev/mem`, `/dev/kmem`, `/dev/port`), block devices and the whole `/dev` are Errors: they give direct access to host memory or disks.',
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
          // The long syntax (`- source: /dev/sda`, `target`, `permissions`): the source is the host device.
          const node: Node | null | undefined = key === 'devices' && isMap(item.node) ? model.viewOf(item.node, item.via)?.get('source')?.value : item.node;
          const scalar = model.scalar(node);
          if (!scalar || !node || scalar.isNull || scalar.text.trim() === '') continue;
          const value = scalar.interpolated.text;
          const critical = key === 'devices' ? isCriticalDevice(deviceHostPath(value)) : isCriticalCgroupRule(value);
          hits.push({ node, service, via: item.via, data: { key, text: scalar.text, critical } });
        }
      }
    }
    const findings: RuleFinding[] = [];
    for (const group of groupByWritten(hits)) {
      const { key, text, critical } = group.data;
      const names = capitalize(serviceNames(group));
      const verb = group.hits.length === 1 ? 'gets' : 'get';
      let message: string;
      if (key === 'device_cgroup_rules' && critical) {
        message = `${names} ${verb} the device cgroup rule "${text}", which lets the container create and use host disks or memory devices: raw access that bypasses every file permission and is root-equivalent. Narrow it to the devices the service needs.`;
      } else if (key === 'device_cgroup_rules') {
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
