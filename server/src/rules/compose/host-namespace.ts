// Shared by CG-C071–C074: a service-level key set to `host` joins one of the host's namespaces.
import type { ComposeModel } from '../../engine/compose/model';
import { capitalize, isHostValue, removeKeyFixes, scalarKeyHits, variableList, verbS } from '../../engine/compose/presence';
import { groupByWritten, receiversInfo, serviceNames } from '../../engine/compose/written';
import type { RuleFinding, Rule, RuleMeta } from '../../engine/types';

export interface HostNamespaceSpec {
  meta: RuleMeta;
  /** The Compose key (`pid`, `ipc`, `uts`, `userns_mode`). */
  key: string;
  /** "the host's PID namespace". */
  namespace: string;
  /** What that gives the container, one sentence ending with a period. */
  risk: string;
}

export function hostNamespaceRule(spec: HostNamespaceSpec): Rule<ComposeModel> {
  const { key, namespace, risk } = spec;
  return {
    meta: spec.meta,
    check(model) {
      const findings: RuleFinding[] = [];
      const hits = scalarKeyHits(model, key, isHostValue, { unknownMayMatch: true });
      for (const group of groupByWritten(hits)) {
        const { variables } = group.data;
        const names = serviceNames(group);
        findings.push({
          ...(variables ? { severity: 'info' as const } : {}),
          message: variables
            ? `"${key}" depends on ${variableList(variables)}: ${names} share${verbS(group)} ${namespace} when it is "host". ${risk}`
            : `${capitalize(names)} share${verbS(group)} ${namespace} (${key}: host). ${risk} Remove the key unless the service really needs it.`,
          range: model.rangeOf(group.node),
          related: receiversInfo(group),
          fixes: removeKeyFixes(model, group, key, `${key}: host`),
        });
      }
      return findings;
    },
  };
}
