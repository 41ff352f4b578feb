// CG-C108: the service logs with the `json-file` driver (written, or Docker's default) and no
// `options.max-size` (or `-1`), so its log file grows without limit.
import type { ComposeModel, ComposeService, MapEntry } from '../../engine/compose/model';
import { insertAtPathInService, missingMeasure } from '../../engine/compose/absence';
import { fillEmptyValue, replaceNode, type NewTree } from '../../engine/compose/edits';
import { groupByWritten, isShared, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { RuleFinding, Rule, TextEdit } from '../../engine/types';

export const MAX_SIZE = '"10m"';
export const MAX_FILE = '"3"';

interface Weak {
  written: string;
  edit: TextEdit | undefined;
}

// Not preferred (never in fix-all): the sizes are a guess; a service whose logs are collected from the file may need more.
export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C108',
    title: 'No log rotation',
    description:
      'A service logs with the `json-file` driver (Docker\'s default) without `max-size`, so its log file grows without limit and a chatty or hostile process can fill the host disk.',
    kind: 'compose',
    severity: 'info',
    equivalents: [],
    fixable: true,
    measure: { label: 'no log rotation', order: 9 },
  },
  check(model) {
    const findings: RuleFinding[] = [];
    const weak: Hit<Weak>[] = [];
    for (const service of model.services) {
      if (!service.view) continue;
      const logging = service.view.get('logging');
      const view = logging ? model.viewOf(logging.rawValue, logging.via) : undefined;
      if (logging && !view && !model.scalar(logging.value)?.isNull) continue; // not a mapping: not judged
      const driver = model.scalar(view?.get('driver')?.value);
      if (driver && !driver.isNull) {
        // `local` rotates by default and other drivers send logs elsewhere; a variable is the user's choice.
        if (!driver.interpolated.known || driver.interpolated.value!.trim().toLowerCase() !== 'json-file') continue;
      }
      const options = view?.get('options');
      const optionsView = options ? model.viewOf(options.rawValue, options.via) : undefined;
      const maxSize = optionsView?.get('max-size');
      const size = model.scalar(maxSize?.value);
      if (maxSize && size && !size.isNull && size.interpolated.text.trim() !== '') {
        if (size.interpolated.known && size.interpolated.value!.trim() === '-1') weak.push(weakHit(model, service, maxSize));
        continue;
      }
      if (maxSize && !size) continue; // a mapping or list: not judged
      const pairs: [string, NewTree][] = [['max-size', { scalar: MAX_SIZE }]];
      if (!optionsView?.has('max-file')) pairs.push(['max-file', { scalar: MAX_FILE }]);
      const what = pairs.length === 2 ? `max-size: ${MAX_SIZE}, max-file: ${MAX_FILE}` : `max-size: ${MAX_SIZE}`;
      const fixes = () => {
        // An empty `max-size:` is filled in place rather than written twice.
        const edit = maxSize ? fillEmpty(model, maxSize) : insertAtPathInService(model, service, ['logging', 'options'], pairs);
        return edit ? [{ title: `Add log rotation (${maxSize ? `max-size: ${MAX_SIZE}` : what})`, edits: [edit], isPreferred: false }] : [];
      };
      const message = `Service "${service.name}" logs with the json-file driver${driver && !driver.isNull ? '' : " (Docker's default)"} and no "max-size": its log file grows without limit, so a chatty or hostile process can fill the host disk. Set logging.options.max-size (and max-file).`;
      findings.push(missingMeasure(model, service, message, fixes));
    }
    for (const group of groupByWritten(weak)) {
      const { written, edit } = group.data;
      const n = group.hits.length;
      findings.push({
        message: `"max-size: ${written}" turns off log rotation for ${serviceNames(group)}: the json-file log grows without limit, so a chatty or hostile process can fill the host disk. Set a size such as ${MAX_SIZE}.`,
        range: model.rangeOf(group.node),
        related: receiversInfo(group),
        fixes: edit
          ? [{ title: isShared(group) ? `Set max-size to ${MAX_SIZE} in the anchor (affects ${n} service${n === 1 ? '' : 's'})` : `Set max-size to ${MAX_SIZE}`, edits: [edit], isPreferred: false }]
          : [],
      });
    }
    return findings;
  },
};

function weakHit(model: ComposeModel, service: ComposeService, entry: MapEntry): Hit<Weak> {
  const scalar = model.scalar(entry.value)!;
  const via = entry.rawValue && entry.rawValue !== entry.value ? entry.via.concat({ kind: 'alias', node: entry.rawValue, range: model.rangeOf(entry.rawValue) }) : entry.via;
  // A variable (`${LOG_SIZE:--1}`) is the user's switch: it is not overwritten.
  const edit = scalar.quote === undefined || scalar.interpolated.hasVariables ? undefined : replaceNode(model.source, scalar.node, MAX_SIZE);
  return { node: scalar.node, service, via, data: { written: scalar.text, edit } };
}

/** `max-size:` or `max-size: ""` written in the service itself: give it the value. */
function fillEmpty(model: ComposeModel, entry: MapEntry): TextEdit | undefined {
  if (entry.via.length > 0) return undefined;
  const scalar = model.scalar(entry.rawValue);
  if (scalar && !scalar.isNull && scalar.quote) return replaceNode(model.source, scalar.node, MAX_SIZE);
  if (scalar?.isNull && (!entry.rawValue?.range || entry.rawValue.range[0] === entry.rawValue.range[1])) {
    return fillEmptyValue(model.source, entry.pair, { scalar: MAX_SIZE });
  }
  return undefined;
}
