// CG-C064: a restart policy that retries on failure other than 5 times, or restarts forever without limits.
import type { ComposeModel, ComposeService, MapEntry, ScalarInfo } from '../../engine/compose/model';
import { insertPairs, replaceNode } from '../../engine/compose/edits';
import { hasAnyLimit } from '../../engine/compose/limits';
import { groupByWritten, isShared, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { RuleFinding, Rule, TextEdit } from '../../engine/types';
import type { Node } from '../../engine/compose/yaml-ast';

const RETRIES = 5;
const ON_FAILURE = /^on-failure(?::\s*([-+]?\d+))?$/i;

interface Data {
  message: (names: string) => string;
  edit: TextEdit | undefined;
  title: string;
  preferred: boolean;
  /** The restart-forever-without-limits branch: a missing measure (limits), folded into CG-C100. */
  absent?: boolean;
}

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C064',
    title: 'Restart policy not on-failure:5',
    description:
      'A restart policy retries a failing container other than 5 times, or restarts it forever (`always`, `unless-stopped`) while no memory, CPU or PID limit bounds it, so a crash loop can keep the host busy.',
    kind: 'compose',
    severity: 'info',
    equivalents: ['KICS 2fc99041-ddad-49d5-853f-e35e70a48391', 'CIS 5.15'],
    fixable: true,
    // Only the restart-without-limits branch is a member of CG-C100, never listed: the missing limits say it.
    measure: { order: 10 },
  },
  check(model) {
    const hits: Hit<Data>[] = [];
    for (const service of model.services) {
      if (!service.view) continue;
      const restart = service.view.get('restart');
      if (restart) {
        const hit = checkRestart(model, service, restart);
        if (hit) hits.push(hit);
      }
      const hit = checkDeployPolicy(model, service);
      if (hit) hits.push(hit);
    }
    const findings: RuleFinding[] = [];
    for (const group of groupByWritten(hits)) {
      const { message, edit, title, preferred, absent } = group.data;
      const n = group.hits.length;
      findings.push({
        message: message(serviceNames(group)),
        range: model.rangeOf(group.node),
        related: receiversInfo(group),
        absentIn: absent ? group.hits[0].service.name : undefined,
        fixes: edit ? [{ title: isShared(group) ? `${title} in the anchor (affects ${n} service${n === 1 ? '' : 's'})` : title, edits: [edit], isPreferred: preferred }] : [],
      });
    }
    return findings;
  },
};

function viaOf(model: ComposeModel, entry: MapEntry) {
  return entry.rawValue && entry.rawValue !== entry.value ? entry.via.concat({ kind: 'alias' as const, node: entry.rawValue, range: model.rangeOf(entry.rawValue) }) : entry.via;
}

/** The replacement `"on-failure:5"`, keeping single quotes when the value had them. */
function replaceRestart(model: ComposeModel, scalar: ScalarInfo): TextEdit | undefined {
  if (scalar.quote === undefined || scalar.interpolated.hasVariables) return undefined;
  const quote = scalar.quote === "'" ? "'" : '"';
  return replaceNode(model.source, scalar.node, `${quote}on-failure:${RETRIES}${quote}`);
}

function checkRestart(model: ComposeModel, service: ComposeService, entry: MapEntry): Hit<Data> | undefined {
  const scalar = model.scalar(entry.value);
  if (!scalar || !scalar.interpolated.known) return undefined;
  const value = scalar.interpolated.value!.trim();
  const via = viaOf(model, entry);
  const match = ON_FAILURE.exec(value);
  if (match) {
    if (match[1] !== undefined && Number(match[1]) === RETRIES) return undefined;
    const tries = match[1] === undefined ? 'without a retry limit' : `up to ${Number(match[1])} times`;
    return {
      node: scalar.node,
      service,
      via,
      data: {
        message: (names) => `"restart: ${scalar.text}" restarts ${names} ${tries} after a failure; CIS 5.15 recommends "on-failure:${RETRIES}", so a crash loop stops and is noticed.`,
        edit: replaceRestart(model, scalar),
        title: `Change to "restart: on-failure:${RETRIES}"`,
        preferred: false,
      },
    };
  }
  const lower = value.toLowerCase();
  if ((lower === 'always' || lower === 'unless-stopped') && !hasAnyLimit(model, service)) {
    return {
      node: scalar.node,
      service,
      via,
      data: {
        message: (names) =>
          `"restart: ${scalar.text}" restarts ${names} forever, and no memory, CPU or PID limit bounds a crash loop. Set resource limits, or use "restart: on-failure:${RETRIES}".`,
        edit: replaceRestart(model, scalar),
        title: `Change to "restart: on-failure:${RETRIES}"`,
        // The service would no longer come back after a clean exit or a daemon restart.
        preferred: false,
        absent: true,
      },
    };
  }
  return undefined;
}

/** `deploy.restart_policy` with `condition: on-failure` and `max_attempts` other than 5 (or none). */
function checkDeployPolicy(model: ComposeModel, service: ComposeService): Hit<Data> | undefined {
  const deploy = service.view?.get('deploy');
  const policy = deploy ? model.viewOf(deploy.rawValue, deploy.via)?.get('restart_policy') : undefined;
  const view = policy ? model.viewOf(policy.rawValue, policy.via) : undefined;
  if (!policy || !view) return undefined;
  const condition = model.scalar(view.get('condition')?.value);
  if (!condition?.interpolated.known || condition.interpolated.value!.trim().toLowerCase() !== 'on-failure') return undefined;
  const attempts = view.get('max_attempts');
  if (!attempts) {
    return {
      node: policy.keyNode as Node,
      service,
      via: policy.via,
      data: {
        message: (names) => `"restart_policy" of ${names} retries on failure without "max_attempts"; set it to ${RETRIES} so a crash loop stops and is noticed.`,
        edit: insertPairs(model.source, model.style, view.node, [['max_attempts', { scalar: String(RETRIES) }]], { atStart: true }),
        title: `Add "max_attempts: ${RETRIES}"`,
        preferred: false,
      },
    };
  }
  const scalar = model.scalar(attempts.value);
  if (!scalar || !scalar.interpolated.known) return undefined;
  const text = scalar.interpolated.value!.trim();
  if (/^[-+]?\d+$/.test(text) && Number(text) === RETRIES) return undefined;
  return {
    node: scalar.node,
    service,
    via: viaOf(model, attempts),
    data: {
      message: (names) => `"max_attempts: ${scalar.text}" retries ${names} other than ${RETRIES} times on failure; CIS 5.15 recommends ${RETRIES}.`,
      edit: scalar.quote === undefined || scalar.interpolated.hasVariables ? undefined : replaceNode(model.source, scalar.node, String(RETRIES)),
      title: `Set "max_attempts: ${RETRIES}"`,
      preferred: false,
    },
  };
}
