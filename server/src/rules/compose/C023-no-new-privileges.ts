// CG-C023: the service does not set `security_opt: [no-new-privileges:true]`.
import { isSeq } from 'yaml';
import type { ComposeModel, ComposeService, MapEntry, ScalarInfo } from '../../engine/compose/model';
import { addSecurityOptFixes, missingMeasure, NO_NEW_PRIVILEGES as OPTION, writtenList } from '../../engine/compose/absence';
import { appendSequenceItem, fillEmptyValue, replaceNode } from '../../engine/compose/edits';
import { UNKNOWN } from '../../engine/compose/interpolate';
import { groupByWritten, isShared, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { RuleFinding, Fix, Rule, TextEdit } from '../../engine/types';
import type { Node } from '../../engine/compose/yaml-ast';

const ITEM = /^no-new-privileges(?:[:=](.*))?$/i;
// Docker reads the value with Go's strconv.ParseBool.
const TRUE = new Set(['1', 't', 'true']);
const FALSE = new Set(['0', 'f', 'false']);

interface Weak {
  message: string;
  edit: TextEdit | undefined;
  title: string;
}

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C023',
    title: 'no-new-privileges not set',
    description:
      'A service does not set `security_opt: [no-new-privileges:true]`, so a process inside can gain privileges through setuid/setgid binaries or file capabilities.',
    kind: 'compose',
    severity: 'warning',
    equivalents: [
      'KICS 27fcc7d6-c49b-46e0-98f1-6c082a6a2750',
      'Semgrep yaml.docker-compose.security.no-new-privileges',
      'CIS 5.26',
    ],
    fixable: true,
    measure: { label: 'no no-new-privileges', order: 2 },
  },
  check(model) {
    const findings: RuleFinding[] = [];
    const weak: Hit<Weak>[] = [];
    for (const service of model.services) {
      const view = service.view;
      if (!view) continue;
      const entry = view.get('security_opt');
      if (!entry) {
        const message = `Service "${service.name}" does not set "no-new-privileges": processes can gain privileges through setuid binaries. Add "security_opt: [${OPTION}]".`;
        findings.push(missingMeasure(model, service, message, () => addSecurityOptFixes(model, service)));
        continue;
      }
      weak.push(...inspect(model, entry, service));
    }
    for (const group of groupByWritten(weak)) {
      const { message, edit, title } = group.data;
      const n = group.hits.length;
      findings.push({
        message: `${message} (${serviceNames(group)}).`,
        range: model.rangeOf(group.node),
        related: receiversInfo(group),
        fixes: edit ? [{ title: isShared(group) ? `${title} in the anchor (affects ${n} service${n === 1 ? '' : 's'})` : title, edits: [edit], isPreferred: false }] : [],
      });
    }
    return findings;
  },
};

function inspect(model: ComposeModel, entry: MapEntry, service: Hit<Weak>['service']): Hit<Weak>[] {
  const value = entry.value;
  const written = writtenList(model, entry);
  const missing = (edit: TextEdit | undefined): Hit<Weak>[] => [
    {
      node: written.node,
      service,
      via: written.via,
      data: { message: '"security_opt" lacks "no-new-privileges:true"', edit, title: `Add "${OPTION}"` },
    },
  ];
  if (!isSeq(value)) {
    const scalar = model.scalar(value);
    if (scalar?.isNull || !value) return missing(fillEmptyValue(model.source, entry.pair, { sequence: [OPTION] }));
    return missing(undefined);
  }
  const disabled: { node: Node; scalar: ScalarInfo; via: Hit<Weak>['via'] }[] = [];
  for (const item of model.entryItems(entry)) {
    const scalar = model.scalar(item.node);
    if (!scalar || !item.node) continue;
    const match = ITEM.exec(scalar.interpolated.text.trim());
    if (!match) continue;
    const setting = match[1]?.trim().toLowerCase();
    // Bare option, a true value, or one we cannot know (an unresolved variable): satisfied.
    if (setting === undefined || TRUE.has(setting) || setting.includes(UNKNOWN)) return [];
    if (FALSE.has(setting)) disabled.push({ node: item.node, scalar, via: item.via });
  }
  if (disabled.length > 0) {
    return disabled.map(({ node, scalar, via }) => ({
      node,
      service,
      via,
      data: {
        message: `"${scalar.text}" turns no-new-privileges off`,
        edit: scalar.quote === undefined ? undefined : replaceNode(model.source, node, `${scalar.quote}${OPTION}${scalar.quote}`),
        title: `Change to "${OPTION}"`,
      },
    }));
  }
  return missing(appendSequenceItem(model.source, value, value.flow ? `"${OPTION}"` : OPTION));
}
