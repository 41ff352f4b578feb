// CG-C065: the service has no health check (none, `disable: true`, or `test: ["NONE"]`).
import { isSeq } from 'yaml';
import type { ComposeModel, ComposeService, MapEntry } from '../../engine/compose/model';
import { insertPairsIntoService } from '../../engine/compose/absence';
import { groupByWritten, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { RuleFinding, Rule } from '../../engine/types';

/**
 * The inserted probe is a visible placeholder: valid Compose that fails with a message in the health log
 * until the user writes a real probe (a plain TextEdit has no tab stops).
 */
export const PLACEHOLDER_TEST = `["CMD-SHELL", "echo 'TODO: replace with a real probe' >&2; exit 1"]`;

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C065',
    title: 'No health check',
    description:
      'A service defines no `healthcheck` (or disables it) and its image is not known to define one, so Docker cannot tell a hung service from a healthy one.',
    kind: 'compose',
    severity: 'info',
    equivalents: ['KICS 698ed579-b239-4f8f-a388-baa4bcb13ef8', 'CIS 5.27'],
    fixable: true,
    measure: { label: 'no health check', order: 8 },
  },
  check(model) {
    const findings: RuleFinding[] = [];
    const off: Hit<string>[] = [];
    for (const service of model.services) {
      const view = service.view;
      if (!view) continue;
      const entry = view.get('healthcheck');
      if (!entry) {
        // A built image's HEALTHCHECK is in its Dockerfile, which CG-D074 checks; this file cannot see it.
        if (view.has('build')) continue;
        findings.push(missing(model, service));
        continue;
      }
      const hit = disabled(model, service, entry);
      if (hit) off.push(hit);
    }
    for (const group of groupByWritten(off)) {
      findings.push({
        message: `${group.data} turns the health check of ${serviceNames(group)} off: Docker cannot tell a hung service from a healthy one. Define a "test" that probes the service instead.`,
        range: model.rangeOf(group.node),
        related: receiversInfo(group),
        fixes: [],
      });
    }
    return findings;
  },
};

function missing(model: ComposeModel, service: ComposeService): RuleFinding {
  const edit = insertPairsIntoService(model, service, [
    [
      'healthcheck',
      {
        mapping: [
          ['test', { scalar: PLACEHOLDER_TEST }],
          ['interval', { scalar: '30s' }],
          ['timeout', { scalar: '5s' }],
          ['retries', { scalar: '3' }],
        ],
      },
    ],
  ]);
  return {
    message: `Service "${service.name}" has no health check and its image is not known to define one: Docker cannot tell a hung service from a healthy one. Add a "healthcheck" with a probe.`,
    range: service.keyRange,
    absentIn: service.name,
    // A template with a placeholder probe the user must edit: never applied unattended.
    fixes: edit ? [{ title: 'Add a "healthcheck" template (edit its probe)', edits: [edit], isPreferred: false }] : [],
  };
}

/** `disable: true` (reported on its value) or a `test` list whose first item is NONE (on the list). */
function disabled(model: ComposeModel, service: ComposeService, entry: MapEntry): Hit<string> | undefined {
  const view = model.viewOf(entry.rawValue, entry.via);
  if (!view) return undefined;
  const disable = view.get('disable');
  const flag = model.scalar(disable?.value);
  if (disable?.value && flag?.boolean === true) {
    const via = disable.rawValue !== disable.value && disable.rawValue ? disable.via.concat({ kind: 'alias', node: disable.rawValue, range: model.rangeOf(disable.rawValue) }) : disable.via;
    return { node: flag.node, service, via, data: `"disable: ${flag.text}"` };
  }
  const test = view.get('test');
  if (test && isSeq(test.value)) {
    const first = model.entryItems(test)[0];
    const word = model.scalar(first?.node);
    if (word?.interpolated.known && word.interpolated.value!.trim() === 'NONE') {
      const via = test.rawValue !== test.value && test.rawValue ? test.via.concat({ kind: 'alias', node: test.rawValue, range: model.rangeOf(test.rawValue) }) : test.via;
      return { node: test.value, service, via, data: '"test: [NONE]"' };
    }
  }
  return undefined;
}
