// CG-C050: the service's root filesystem is writable (`read_only` missing or false).
import type { ComposeModel, ComposeService, MapEntry } from '../../engine/compose/model';
import { insertPairsIntoService, missingMeasure } from '../../engine/compose/absence';
import { fillEmptyValue, replaceNode } from '../../engine/compose/edits';
import { groupByWritten, isShared, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { RuleFinding, Rule, TextEdit } from '../../engine/types';
import type { Node } from '../../engine/compose/yaml-ast';

interface Weak {
  edit: TextEdit | undefined;
  written: string;
}

// Not preferred (never in fix-all): a read-only root breaks services that write outside /tmp; the wizard offers it.
export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C050',
    title: 'Writable root filesystem',
    description:
      'A service does not set `read_only: true`, so a compromised process can modify binaries and configuration inside the container and keep tools it downloads.',
    kind: 'compose',
    severity: 'warning',
    equivalents: ['Semgrep yaml.docker-compose.security.writable-filesystem-service', 'CIS 5.13'],
    fixable: true,
    measure: { label: 'writable root filesystem', order: 3 },
  },
  check(model) {
    const findings: RuleFinding[] = [];
    const weak: Hit<Weak>[] = [];
    for (const service of model.services) {
      const view = service.view;
      if (!view) continue;
      const entry = view.get('read_only');
      if (!entry) {
        const message = `Service "${service.name}" has a writable root filesystem: add "read_only: true" and mount writable paths (e.g. /tmp) as tmpfs or volumes.`;
        const fixes = () => {
          const withTmp = !view.has('tmpfs');
          const edit = withTmp
            ? insertPairsIntoService(model, service, [
                ['read_only', { scalar: 'true' }],
                ['tmpfs', { sequence: ['/tmp'] }],
              ])
            : insertPairsIntoService(model, service, [['read_only', { scalar: 'true' }]]);
          return edit ? [{ title: withTmp ? 'Add "read_only: true" with a tmpfs for /tmp' : 'Add "read_only: true"', edits: [edit], isPreferred: false }] : [];
        };
        findings.push(missingMeasure(model, service, message, fixes));
        continue;
      }
      const hit = weakValue(model, service, entry);
      if (hit) weak.push(hit);
    }
    for (const group of groupByWritten(weak)) {
      const { edit, written } = group.data;
      const n = group.hits.length;
      findings.push({
        message: `${written === '' ? '"read_only" without a value' : `"read_only: ${written}"`} leaves the root filesystem of ${serviceNames(group)} writable. Set it to true and mount writable paths as tmpfs or volumes.`,
        range: model.rangeOf(group.node),
        related: receiversInfo(group),
        fixes: edit
          ? [{ title: isShared(group) ? `Set "read_only: true" in the anchor (affects ${n} service${n === 1 ? '' : 's'})` : 'Set "read_only: true"', edits: [edit], isPreferred: false }]
          : [],
      });
    }
    return findings;
  },
};

/** `read_only: false` (or `"false"`, `${RO:-false}`) and a bare `read_only:`; unknown variables pass. */
function weakValue(model: ComposeModel, service: ComposeService, entry: MapEntry): Hit<Weak> | undefined {
  const value = entry.value;
  const via = entry.rawValue !== value && entry.rawValue ? entry.via.concat({ kind: 'alias', node: entry.rawValue, range: model.rangeOf(entry.rawValue) }) : entry.via;
  const scalar = model.scalar(value);
  if (!value || scalar?.isNull) {
    const edit = fillEmptyValue(model.source, entry.pair, { scalar: 'true' });
    return { node: entry.keyNode as Node, service, via: entry.via, data: { edit, written: '' } };
  }
  if (!scalar || scalar.boolean !== false) return undefined;
  let edit: TextEdit | undefined;
  // A variable (`${RO:-false}`) is the user's switch: it is not overwritten.
  if (scalar.quote !== undefined && !scalar.interpolated.hasVariables) {
    edit = replaceNode(model.source, scalar.node, scalar.nonString ? 'true' : `${scalar.quote}true${scalar.quote}`);
  }
  return { node: scalar.node, service, via, data: { edit, written: scalar.text } };
}
