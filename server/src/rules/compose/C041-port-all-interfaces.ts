// CG-C041: a published port bound to every host interface (no host IP, or 0.0.0.0 / :: / [::]).
import { isMap } from 'yaml';
import type { ComposeModel, ScalarInfo } from '../../engine/compose/model';
import { insertInScalar, insertPair, replaceNode } from '../../engine/compose/edits';
import { UNKNOWN } from '../../engine/compose/interpolate';
import { bindsAllInterfaces, loopbackFor, parseShortPort } from '../../engine/compose/ports';
import { groupByWritten, isShared, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { Fix, RuleFinding, Rule, TextEdit } from '../../engine/types';
import type { Node, YAMLMap } from '../../engine/compose/yaml-ast';

interface Data {
  /** Where the finding sits (the port scalar, or the long-form item's `published`/`target` key). */
  at: Node;
  describe: string;
  edit: TextEdit | undefined;
  fixTitle: string;
}

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C041',
    title: 'Port published on all interfaces',
    description:
      'A published port has no host IP (or 0.0.0.0 / ::), so it is reachable from every network the host is on, bypassing host firewalls that Docker rewrites.',
    kind: 'compose',
    severity: 'warning',
    equivalents: ['KICS 451d79dc-0588-476a-ad03-3c7f0320abb3', 'dclint no-unbound-port-interfaces', 'CIS 5.14'],
    fixable: true,
  },
  check(model) {
    const hits: Hit<Data>[] = [];
    for (const service of model.services) {
      const entry = service.view?.get('ports');
      if (!entry) continue;
      for (const item of model.entryItems(entry)) {
        const node = item.node;
        if (!node) continue;
        const data = isMap(node) ? checkLong(model, node) : checkShort(model, model.scalar(node));
        if (data) hits.push({ node: data.at, service, via: item.via, data });
      }
    }
    const findings: RuleFinding[] = [];
    for (const group of groupByWritten(hits)) {
      const { describe, edit, fixTitle } = group.data;
      const fixes: Fix[] = [];
      if (edit) {
        const n = group.hits.length;
        fixes.push({
          title: isShared(group) ? `${fixTitle} in the anchor (affects ${n} service${n === 1 ? '' : 's'})` : fixTitle,
          edits: [edit],
          isPreferred: false,
        });
      }
      findings.push({
        message: `Port ${describe} of ${serviceNames(group)} is published on all host interfaces. Bind it to an address, e.g. 127.0.0.1, unless it must be reachable from other machines.`,
        range: model.rangeOf(group.node),
        related: receiversInfo(group),
        fixes,
      });
    }
    return findings;
  },
};

function checkShort(model: ComposeModel, scalar: ScalarInfo | undefined): Data | undefined {
  if (!scalar || scalar.isNull) return undefined;
  const spec = scalar.interpolated.text.trim();
  if (spec === '') return undefined;
  const port = parseShortPort(spec);
  // A value that is only a variable could hold anything, an IP included.
  if (!port.hasHostField && port.container.includes(UNKNOWN)) return undefined;
  if (bindsAllInterfaces(port.ip) !== true) return undefined;
  const describe = `"${scalar.text}"`;
  const node = scalar.node;
  let edit: TextEdit | undefined;
  let fixTitle = 'Bind to 127.0.0.1';
  if (scalar.quote !== undefined) {
    if (port.ip === '') {
      const prefix = port.hasHostField ? '127.0.0.1:' : '127.0.0.1::';
      if (scalar.nonString) {
        // `- 80` (a YAML number) becomes a quoted string.
        edit = replaceNode(model.source, node, `"${prefix}${scalar.text}"`);
      } else {
        edit = insertInScalar(model.source, node, 0, prefix);
      }
    } else if (scalar.verbatim) {
      // Written IP: replace it with the loopback address of the same family.
      const raw = scalar.text;
      const start = raw.length - raw.trimStart().length;
      const loopback = loopbackFor(port.ip);
      fixTitle = `Bind to ${loopback}`;
      const offset = node.range![0] + (scalar.quote ? 1 : 0) + start;
      edit = { range: model.source.rangeOf(offset, offset + port.ipLength), newText: loopback };
    }
  }
  return { at: node, describe, edit, fixTitle };
}

function checkLong(model: ComposeModel, map: YAMLMap): Data | undefined {
  const view = model.viewOf(map);
  if (!view) return undefined;
  const published = view.get('published');
  const target = view.get('target');
  if (!published && !target) return undefined;
  const hostIp = view.get('host_ip');
  const at = (published ?? target)!.keyNode;
  const describe = `${model.scalar(published?.value)?.text ?? ''}${published ? ':' : ''}${model.scalar(target?.value)?.text ?? '?'}`;
  if (!hostIp) {
    // The item's own mapping gets the key (a merged item would need the insert where it is written).
    const edit = insertPair(model.source, model.style, map, 'host_ip', { scalar: '127.0.0.1' });
    return { at, describe: `"${describe}"`, edit, fixTitle: 'Add "host_ip: 127.0.0.1"' };
  }
  const ip = model.scalar(hostIp.value);
  if (!ip || ip.isNull) {
    return { at, describe: `"${describe}"`, edit: undefined, fixTitle: '' };
  }
  if (bindsAllInterfaces(ip.interpolated.text) !== true) return undefined;
  const loopback = loopbackFor(ip.interpolated.text);
  const newText = loopback === '[::1]' ? '"::1"' : '127.0.0.1';
  const edit = replaceNode(model.source, ip.node, newText);
  return { at: hostIp.value!, describe: `"${describe}"`, edit, fixTitle: `Set "host_ip: ${newText.replace(/"/g, '')}"` };
}
