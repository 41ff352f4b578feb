// CG-C044 (off by default): the service sets neither `networks` nor `network_mode`, so it joins the
// project's default network together with every other such service.
import { isMap } from 'yaml';
import type { ComposeModel, ComposeService } from '../../engine/compose/model';
import { insertPairsIntoService } from '../../engine/compose/absence';
import { insertPairs } from '../../engine/compose/edits';
import type { RuleFinding, Rule, TextEdit } from '../../engine/types';

const NETWORK = 'internal';

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C044',
    title: 'No network chosen',
    description:
      'A service sets neither `networks` nor `network_mode`, so it shares the project\'s default network with every other such service instead of only the ones it must reach.',
    kind: 'compose',
    severity: 'off',
    equivalents: ['KICS ce14a68b-1668-41a0-ab7d-facd9f784742', 'CIS 5.30'],
    fixable: true,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const service of model.services) {
      const view = service.view;
      if (!view || view.has('networks') || view.has('network_mode')) continue;
      const edits = fixEdits(model, service);
      findings.push({
        message: `Service "${service.name}" sets neither "networks" nor "network_mode": it shares the project's default network with every other service that does not choose one. Attach it to the networks it needs.`,
        range: service.keyRange,
        // Moving one service off the default network cuts it off from the services left there: never unattended.
        fixes: edits ? [{ title: `Attach to a "${NETWORK}" network (declared at the top level)`, edits, isPreferred: false }] : [],
      });
    }
    return findings;
  },
};

/** `networks: [internal]` in the service, plus `internal: {}` in the top-level `networks` when missing. */
function fixEdits(model: ComposeModel, service: ComposeService): TextEdit[] | undefined {
  const document = model.documents[service.document];
  const root = document?.root;
  if (!root) return undefined;
  const inService = insertPairsIntoService(model, service, [['networks', { sequence: [NETWORK] }]]);
  if (!inService) return undefined;
  const top = root.get('networks');
  if (!top) {
    // Above the first top-level key: the one place no other fix appends to.
    const edit = insertPairs(model.source, model.style, root.node, [['networks', { mapping: [[NETWORK, { mapping: [] }]] }]], { atStart: true });
    return edit ? [inService, edit] : undefined;
  }
  const networks = model.viewOf(top.rawValue, top.via);
  if (networks?.has(NETWORK)) return [inService];
  if (top.via.length > 0 || !isMap(top.rawValue)) return undefined;
  const edit = insertPairs(model.source, model.style, top.rawValue, [[NETWORK, { mapping: [] }]], { atStart: true });
  return edit ? [inService, edit] : undefined;
}
