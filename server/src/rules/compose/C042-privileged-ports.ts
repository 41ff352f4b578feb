// CG-C042: a published port below 1024 — on the host (Info, CIS 5.8) or, without cap_drop ALL /
// NET_BIND_SERVICE, in the container (Hint, KICS).
import { isMap } from 'yaml';
import type { ComposeModel, ComposeService } from '../../engine/compose/model';
import { UNKNOWN } from '../../engine/compose/interpolate';
import { parseShortPort } from '../../engine/compose/ports';
import { groupByWritten, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { RuleFinding, Rule } from '../../engine/types';
import type { Node } from '../../engine/compose/yaml-ast';

const PRIVILEGED = 1024;

interface Data {
  tier: 'host' | 'container';
  port: number;
  written: string;
}

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C042',
    title: 'Privileged port published',
    description:
      'A published port is below 1024 on the host, or in a container that keeps NET_BIND_SERVICE: binding it needs privileges that a hardened service should not have.',
    kind: 'compose',
    severity: 'info',
    equivalents: ['KICS bc2908f3-f73c-40a9-8793-c1b7d5544f79', 'CIS 5.8'],
    fixable: false,
  },
  check(model) {
    const hits: Hit<Data>[] = [];
    for (const service of model.services) {
      const entry = service.view?.get('ports');
      if (!entry) continue;
      let canBind: boolean | undefined;
      for (const item of model.entryItems(entry)) {
        const node = item.node;
        if (!node) continue;
        const port = isMap(node) ? longPort(model, node) : shortPort(model, node);
        if (!port) continue;
        if (port.host !== undefined && port.host < PRIVILEGED) {
          hits.push({ node: port.hostNode, service, via: item.via, data: { tier: 'host', port: port.host, written: port.written } });
        } else if (port.container !== undefined && port.container < PRIVILEGED) {
          canBind ??= keepsBindCapability(model, service);
          if (canBind) hits.push({ node: port.containerNode, service, via: item.via, data: { tier: 'container', port: port.container, written: port.written } });
        }
      }
    }
    const findings: RuleFinding[] = [];
    for (const group of groupByWritten(hits)) {
      const { tier, port, written } = group.data;
      findings.push(
        tier === 'host'
          ? {
              message: `Port ${written} of ${serviceNames(group)} publishes host port ${port}, a privileged port (below ${PRIVILEGED}). Publish a host port of ${PRIVILEGED} or above and put a reverse proxy or load balancer in front if it must be ${port}.`,
              range: model.rangeOf(group.node),
              related: receiversInfo(group),
              fixes: [],
            }
          : {
              severity: 'hint',
              message: `Port ${written} of ${serviceNames(group)} maps to container port ${port}, below ${PRIVILEGED}, and the service keeps NET_BIND_SERVICE (no "cap_drop: [ALL]"). Let the service listen on a port of ${PRIVILEGED} or above, or drop the capability.`,
              range: model.rangeOf(group.node),
              related: receiversInfo(group),
              fixes: [],
            },
      );
    }
    return findings;
  },
};

interface Port {
  host?: number;
  hostNode: Node;
  container?: number;
  containerNode: Node;
  written: string;
}

/** The lowest port of `80` or `8000-8010`; undefined when unknown or not a port. */
function lowest(text: string | undefined): number | undefined {
  if (text === undefined || text.includes(UNKNOWN)) return undefined;
  const match = /^\s*(\d+)(?:\s*-\s*(\d+))?\s*$/.exec(text);
  if (!match) return undefined;
  return Math.min(Number(match[1]), match[2] === undefined ? Infinity : Number(match[2]));
}

function shortPort(model: ComposeModel, node: Node): Port | undefined {
  const scalar = model.scalar(node);
  if (!scalar || scalar.isNull) return undefined;
  const spec = parseShortPort(scalar.interpolated.text.trim());
  return {
    host: spec.hasHostField ? lowest(spec.host) : undefined,
    hostNode: scalar.node,
    container: lowest(spec.container),
    containerNode: scalar.node,
    written: `"${scalar.text}"`,
  };
}

function longPort(model: ComposeModel, map: Node): Port | undefined {
  const view = model.viewOf(map);
  const published = view?.get('published');
  const target = view?.get('target');
  if (!target?.value) return undefined;
  const publishedText = model.scalar(published?.value)?.interpolated.text;
  const targetText = model.scalar(target.value)?.interpolated.text;
  return {
    host: lowest(publishedText),
    hostNode: published?.value ?? target.value,
    container: lowest(targetText),
    containerNode: target.value,
    written: `"${publishedText !== undefined ? `${model.scalar(published!.value)!.text}:` : ''}${model.scalar(target.value)?.text ?? ''}"`,
  };
}

/** Whether the merged service keeps NET_BIND_SERVICE: its `cap_drop` lists neither ALL nor it. */
function keepsBindCapability(model: ComposeModel, service: ComposeService): boolean {
  const entry = service.view?.get('cap_drop');
  if (!entry) return true;
  const names = model.entryItems(entry).map((item) => model.scalar(item.node)?.interpolated.text.trim().toUpperCase().replace(/^CAP_/, ''));
  const single = model.scalar(entry.value)?.interpolated.text.trim().toUpperCase().replace(/^CAP_/, '');
  return ![...names, single].some((name) => name !== undefined && (name === 'ALL' || name === 'NET_BIND_SERVICE' || name.includes(UNKNOWN)));
}
