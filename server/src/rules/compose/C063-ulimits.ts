// CG-C063: the merged service's `ulimits` limits neither open files (`nofile`) nor processes (`nproc`).
import { isMap } from 'yaml';
import type { ComposeModel } from '../../engine/compose/model';
import { insertPairsIntoService, missingMeasure, writtenList } from '../../engine/compose/absence';
import { fillEmptyTree, insertPairs, type NewTree } from '../../engine/compose/edits';
import { groupByWritten, isShared, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { RuleFinding, Rule, TextEdit } from '../../engine/types';

const LIMITS: [string, NewTree][] = [
  ['nproc', { scalar: '512' }],
  [
    'nofile',
    {
      mapping: [
        ['soft', { scalar: '1024' }],
        ['hard', { scalar: '2048' }],
      ],
    },
  ],
];

// Not preferred (never in fix-all): nofile 1024 is too low for databases and proxies; the wizard offers it.
export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C063',
    title: 'No nofile/nproc ulimit',
    description:
      'A service\'s `ulimits` sets neither `nofile` nor `nproc`, so it inherits the daemon\'s defaults, which are often high enough to let one container exhaust file descriptors or processes.',
    kind: 'compose',
    severity: 'hint',
    equivalents: ['CIS 5.19'],
    fixable: true,
    measure: { label: 'no ulimits', order: 7 },
  },
  check(model) {
    const findings: RuleFinding[] = [];
    const weak: Hit<TextEdit | undefined>[] = [];
    for (const service of model.services) {
      const view = service.view;
      if (!view) continue;
      const entry = view.get('ulimits');
      if (!entry) {
        const message = `Service "${service.name}" sets no "ulimits": it inherits the daemon's open-file and process limits. Set "nofile" and "nproc".`;
        const fixes = () => {
          const edit = insertPairsIntoService(model, service, [['ulimits', { mapping: LIMITS }]]);
          return edit ? [{ title: 'Add "ulimits" for nproc and nofile', edits: [edit], isPreferred: false }] : [];
        };
        findings.push(missingMeasure(model, service, message, fixes));
        continue;
      }
      const limits = model.viewOf(entry.rawValue, entry.via);
      if (limits?.has('nofile') || limits?.has('nproc')) continue;
      const scalar = model.scalar(entry.value);
      // A value we cannot read (`ulimits: ${X}` is not valid Compose anyway) is left alone.
      if (!limits && !(entry.value === null || scalar?.isNull)) continue;
      let edit: TextEdit | undefined;
      if (limits && isMap(entry.value)) edit = insertPairs(model.source, model.style, entry.value, LIMITS, { atStart: true });
      else if (!limits) edit = fillEmptyTree(model.source, entry.pair, { mapping: LIMITS });
      const written = writtenList(model, entry);
      weak.push({ node: written.node, service, via: written.via, data: edit });
    }
    for (const group of groupByWritten(weak)) {
      const n = group.hits.length;
      findings.push({
        message: `"ulimits" of ${serviceNames(group)} sets neither "nofile" nor "nproc": the daemon's open-file and process limits apply. Set at least one of them.`,
        range: model.rangeOf(group.node),
        related: receiversInfo(group),
        fixes: group.data
          ? [{ title: isShared(group) ? `Add nproc and nofile in the anchor (affects ${n} service${n === 1 ? '' : 's'})` : 'Add nproc and nofile to "ulimits"', edits: [group.data], isPreferred: false }]
          : [],
      });
    }
    return findings;
  },
};
