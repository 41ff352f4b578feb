// CG-C109: a `tmpfs:` mount that turns Docker's `noexec`, `nosuid` or `nodev` default off.
import type { Range } from 'vscode-languageserver-types';
import type { ComposeModel } from '../../engine/compose/model';
import { UNKNOWN } from '../../engine/compose/interpolate';
import { capitalize } from '../../engine/compose/presence';
import { groupByWritten, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { RuleFinding, Rule } from '../../engine/types';

/** The options that undo Docker's tmpfs defaults (`noexec,nosuid,nodev`, moby `daemon/oci_linux.go`). */
const UNSAFE: Record<string, string> = { exec: 'noexec', suid: 'nosuid', dev: 'nodev' };

interface Data {
  target: string;
  /** The unsafe options, in the order written (`exec`, `suid`, `dev`). */
  options: string[];
  range: Range;
}

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C109',
    title: 'tmpfs mount allows exec, suid or devices',
    description:
      'A `tmpfs:` mount sets `exec`, `suid` or `dev`, turning off the `noexec,nosuid,nodev` defaults: a writable in-memory directory from which downloaded programs can run, undoing much of a read-only root filesystem.',
    kind: 'compose',
    severity: 'hint',
    equivalents: [],
    fixable: false,
  },
  check(model) {
    const hits: Hit<Data>[] = [];
    for (const service of model.services) {
      const entry = service.view?.get('tmpfs');
      if (!entry?.value) continue;
      const scalarValue = model.scalar(entry.value);
      const items = scalarValue ? [{ node: entry.value, via: entry.via }] : model.entryItems(entry);
      for (const item of items) {
        const scalar = model.scalar(item.node);
        if (!item.node || !scalar || scalar.isNull) continue;
        const spec = scalar.interpolated.text.trim();
        const colon = spec.indexOf(':');
        if (colon < 0) continue;
        const options = spec
          .slice(colon + 1)
          .split(',')
          .map((o) => o.trim().toLowerCase())
          .filter((o) => o in UNSAFE && !o.includes(UNKNOWN));
        if (options.length === 0) continue;
        const target = spec.slice(0, colon).split(UNKNOWN).join('${…}');
        hits.push({ node: item.node, service, via: item.via, data: { target, options: [...new Set(options)], range: model.rangeOf(item.node) } });
      }
    }
    const findings: RuleFinding[] = [];
    for (const group of groupByWritten(hits)) {
      const { target, options, range } = group.data;
      const list = options.map((o) => `"${o}"`).join(', ');
      const n = group.hits.length;
      findings.push({
        message: `${capitalize(serviceNames(group))} mount${n === 1 ? 's' : ''} tmpfs "${target}" with ${list}, turning off Docker's ${options.map((o) => UNSAFE[o]).join(', ')} default: a writable directory from which programs (or setuid binaries, or device nodes) work. Remove ${options.length === 1 ? 'that option' : 'those options'} unless the service needs them.`,
        range,
        related: receiversInfo(group),
        fixes: [],
      });
    }
    return findings;
  },
};
