// CG-C020: the service does not drop all capabilities (`cap_drop: [ALL]`).
import { isSeq } from 'yaml';
import type { ComposeModel, MapEntry } from '../../engine/compose/model';
import { insertIntoService, missingMeasure } from '../../engine/compose/absence';
import { appendSequenceItem, fillEmptyValue } from '../../engine/compose/edits';
import { UNKNOWN } from '../../engine/compose/interpolate';
import { groupByWritten, isShared, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { RuleFinding, Rule, TextEdit } from '../../engine/types';
import { writtenList } from '../../engine/compose/absence';

const ALL = /^(cap_)?all$/i;

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C020',
    title: 'Capabilities not dropped',
    description:
      'A service does not set `cap_drop: [ALL]`, so it keeps Docker\'s default capability set (CHOWN, NET_RAW, SETUID, …). Drop all and add back only what it needs.',
    kind: 'compose',
    severity: 'warning',
    equivalents: ['KICS ce76b7d0-9e77-464d-b86f-c5c48e03e22d', 'CIS 5.4'],
    fixable: true,
    measure: { label: 'no cap_drop ALL', order: 1 },
  },
  check(model) {
    const findings: RuleFinding[] = [];
    const weak: Hit<{ entry: MapEntry; edit: TextEdit | undefined }>[] = [];
    for (const service of model.services) {
      const view = service.view;
      if (!view) continue;
      const entry = view.get('cap_drop');
      if (!entry) {
        const message = `Service "${service.name}" keeps Docker's default capabilities: add "cap_drop: [ALL]" and add back only the capabilities it needs with "cap_add".`;
        const fixes = () => {
          const edit = insertIntoService(model, service, 'cap_drop', { sequence: ['ALL'] });
          return edit ? [{ title: 'Add "cap_drop: [ALL]"', edits: [edit], isPreferred: false }] : [];
        };
        findings.push(missingMeasure(model, service, message, fixes));
        continue;
      }
      const verdict = dropsAll(model, entry);
      if (verdict === 'yes') continue;
      let edit: TextEdit | undefined;
      if (verdict === 'empty') edit = fillEmptyValue(model.source, entry.pair, { sequence: ['ALL'] });
      else if (verdict === 'no' && isSeq(entry.value)) edit = appendSequenceItem(model.source, entry.value, 'ALL');
      // A list reached through an alias (`cap_drop: *drops`) is written, and reported, in its anchor.
      const written = writtenList(model, entry);
      weak.push({ node: written.node, service, via: written.via, data: { entry, edit } });
    }
    for (const group of groupByWritten(weak)) {
      const { edit } = group.data;
      const n = group.hits.length;
      findings.push({
        message: `"cap_drop" does not contain ALL: ${serviceNames(group)} keep${n === 1 ? 's' : ''} the default capabilities not listed. Drop ALL and add back only what is needed with "cap_add".`,
        range: model.rangeOf(group.node),
        related: receiversInfo(group),
        fixes: edit
          ? [{ title: isShared(group) ? `Add ALL to "cap_drop" in the anchor (affects ${n} service${n === 1 ? '' : 's'})` : 'Add ALL to "cap_drop"', edits: [edit], isPreferred: false }]
          : [],
      });
    }
    return findings;
  },
};

/** 'yes' when ALL is dropped (or may be: an unknown variable), 'empty' for `cap_drop:` with no value. */
function dropsAll(model: ComposeModel, entry: MapEntry): 'yes' | 'no' | 'empty' {
  const value = entry.value;
  if (isSeq(value)) {
    for (const item of model.entryItems(entry)) {
      const text = model.scalar(item.node)?.interpolated.text.trim();
      if (text !== undefined && (ALL.test(text) || text.includes(UNKNOWN))) return 'yes';
    }
    return 'no';
  }
  const scalar = model.scalar(value);
  if (!scalar) return value ? 'no' : 'empty';
  if (scalar.isNull) return 'empty';
  const text = scalar.interpolated.text.trim();
  return ALL.test(text) || text.includes(UNKNOWN) ? 'yes' : 'no';
}
