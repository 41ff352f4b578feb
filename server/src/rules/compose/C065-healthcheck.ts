// CG-C065: the service has no health check (none, `disable: true`, or `test: ["NONE"]`).
import { isSeq } from 'yaml';
import type { ComposeModel, ComposeService, MapEntry } from '../../engine/compose/model';
import { insertPairsIntoService, missingMeasure } from '../../engine/compose/absence';
import { builtImage } from '../../engine/compose/built-image';
import { groupByWritten, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { RelatedInfo, RuleContext, RuleFinding, Rule } from '../../engine/types';

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
  check(model, context) {
    const findings: RuleFinding[] = [];
    const off: Hit<string>[] = [];
    for (const service of model.services) {
      const view = service.view;
      if (!view) continue;
      const entry = view.get('healthcheck');
      if (!entry) {
        if (view.has('build')) {
          // A built image's HEALTHCHECK is in its Dockerfile: the shipped chain decides; unread, nothing is said.
          const built = builtWithout(model, service, context);
          if (built) findings.push(missing(model, service, built));
          continue;
        }
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

/**
 * For a service with `build:`: what its Dockerfile says when the image it ships has no health check (no
 * HEALTHCHECK in the shipped chain, or `HEALTHCHECK NONE` last); undefined when it has one or is not known.
 */
function builtWithout(model: ComposeModel, service: ComposeService, context: RuleContext): { why: string; related?: RelatedInfo } | undefined {
  const image = builtImage(model, service, context);
  if (!image) return undefined;
  const last = image.dockerfile.lastInChain(image.stage, 'HEALTHCHECK');
  if (!last) return { why: `its image, built from ${image.label}, defines no HEALTHCHECK in the stage that ships` };
  const first = last.instruction.args[0];
  if (first?.value.toUpperCase() !== 'NONE') return undefined;
  const related = image.uri ? { uri: image.uri, range: first.range, message: 'HEALTHCHECK NONE turns the image\'s health check off.' } : undefined;
  return { why: `its image, built from ${image.label}, turns it off with HEALTHCHECK NONE`, related };
}

function missing(model: ComposeModel, service: ComposeService, built?: { why: string; related?: RelatedInfo }): RuleFinding {
  const fixes = () => {
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
    // A template with a placeholder probe the user must edit: never applied unattended.
    return edit ? [{ title: 'Add a "healthcheck" template (edit its probe)', edits: [edit], isPreferred: false }] : [];
  };
  const image = built ? built.why : 'its image is not known to define one';
  const message = `Service "${service.name}" has no health check and ${image}: Docker cannot tell a hung service from a healthy one. Add a "healthcheck" with a probe.`;
  return missingMeasure(model, service, message, fixes, built?.related ? [built.related] : undefined);
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
