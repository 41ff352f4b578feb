// CG-C030: a literal secret in a service's `environment:` or `build.args` — a secret-named key with a
// literal value (CG-D030/D031), or any value that holds credential material (the CG-D032 formats).
import { isScalar } from 'yaml';
import type { Range } from 'vscode-languageserver-types';
import type { ComposeModel, ComposeService, MapEntry, ScalarInfo } from '../../engine/compose/model';
import { replaceNode } from '../../engine/compose/edits';
import { findCredentials, isLiteralSecretValue, isSecretName } from '../../engine/secrets';
import { groupByWritten, isShared, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { Fix, RuleFinding, Rule, TextEdit } from '../../engine/types';
import type { Node } from '../../engine/compose/yaml-ast';
import { endWithoutBlanks } from '../../engine/text';

/** Checkov's secrets framework checks (CKV_SECRET_1 … CKV_SECRET_19). */
const CHECKOV_SECRET_IDS = Array.from({ length: 19 }, (_, i) => `CKV_SECRET_${i + 1}`);
/** A name Compose can interpolate (`${NAME:?…}`). */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Data {
  name: string;
  /** Where: `environment` or `build.args`. */
  where: string;
  /** What was found: undefined for a secret name with a literal value, else the credential's label. */
  credential: string | undefined;
  range: Range;
  edit: TextEdit | undefined;
}

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C030',
    title: 'Literal secret in Compose environment',
    description:
      'A secret-named `environment:` or `build.args` entry has a literal value, or a value holds credential material (a token, a private key, a URL password). It is committed with the Compose file; pass it from the environment or use Compose `secrets:`.',
    kind: 'compose',
    severity: 'error',
    equivalents: ['KICS a88baa34-e2ad-44ea-ad6f-8cac87bc7c71', ...CHECKOV_SECRET_IDS],
    fixable: true,
  },
  check(model) {
    const hits: Hit<Data>[] = [];
    for (const service of model.services) {
      const view = service.view;
      if (!view) continue;
      const environment = view.get('environment');
      if (environment) hits.push(...entries(model, service, environment, 'environment'));
      const build = view.get('build');
      const args = model.viewOf(build?.rawValue, build?.via)?.get('args');
      if (args) hits.push(...entries(model, service, args, 'build.args'));
    }
    const findings: RuleFinding[] = [];
    for (const group of groupByWritten(hits)) {
      const { name, where, credential, range, edit } = group.data;
      const fixes: Fix[] = [];
      if (edit) {
        const n = group.hits.length;
        fixes.push({
          title: isShared(group) ? `Read ${name} from the environment in the anchor (affects ${n} service${n === 1 ? '' : 's'})` : `Read ${name} from the environment (\${${name}:?})`,
          edits: [edit],
          // The service then needs NAME set (shell or .env) to start: never applied unattended.
          isPreferred: false,
        });
      }
      const names = serviceNames(group);
      findings.push({
        message: credential
          ? `The ${where} value of "${name}" (${names}) contains ${credential}: it is committed with the Compose file. Revoke it, then pass it from the environment or a git-ignored .env ("\${${name}:?}"), or use Compose secrets.`
          : `"${name}" in the ${where} of ${names} has a literal secret value: it is committed with the Compose file and visible in ${where === 'environment' ? '"docker inspect"' : 'the image history'}. Pass it from the environment or a git-ignored .env ("\${${name}:?}"), or use Compose secrets.`,
        range,
        related: receiversInfo(group),
        fixes,
      });
    }
    return findings;
  },
};

/** The entries of an `environment:` / `build.args` value, map form or `KEY=value` list form. */
function entries(model: ComposeModel, service: ComposeService, entry: MapEntry, where: string): Hit<Data>[] {
  const hits: Hit<Data>[] = [];
  const map = model.viewOf(entry.rawValue, entry.via);
  if (map) {
    for (const item of map.entries) {
      const scalar = model.scalar(item.value);
      // `KEY:` with no value passes the variable through from the shell.
      if (!item.value || !scalar || scalar.isNull) continue;
      const data = judge(model, item.key, scalar, where, item.value, 0);
      if (data) hits.push({ node: item.value, service, via: item.via, data });
    }
    return hits;
  }
  for (const item of model.entryItems(entry)) {
    const scalar = model.scalar(item.node);
    if (!item.node || !scalar || scalar.isNull || !isScalar(item.node)) continue;
    const equals = scalar.text.indexOf('=');
    // `- KEY` without `=` passes the variable through.
    if (equals <= 0) continue;
    const data = judge(model, scalar.text.slice(0, equals).trim(), scalar, where, item.node, equals + 1, item.raw === item.node);
    if (data) hits.push({ node: item.node, service, via: item.via, data });
  }
  return hits;
}

/**
 * Whether the value (from `at` characters into the scalar's text) is a literal secret or holds a
 * credential; the range is the value (inside a `KEY=value` item when the scalar is written verbatim).
 */
function judge(model: ComposeModel, name: string, scalar: ScalarInfo, where: string, node: Node, at: number, editable = true): Data | undefined {
  const value = scalar.text.slice(at);
  let credential: string | undefined;
  /** The reported part of `value`: all of it, or the credential found in it. */
  let [from, to] = [0, value.length];
  if (!(isSecretName(name) && isLiteralSecretValue(value, { compose: true }))) {
    const [match] = findCredentials(value, { compose: true });
    if (!match) return undefined;
    credential = match.label;
    [from, to] = [match.start, match.end];
  }
  let range = model.rangeOf(node);
  if ((at > 0 || from > 0 || to < value.length) && scalar.verbatim && range.start.line === range.end.line) {
    const start = range.start.character + (scalar.quote ? 1 : 0) + at;
    range = { start: { line: range.start.line, character: start + from }, end: { line: range.start.line, character: start + to } };
  }
  let edit: TextEdit | undefined;
  if (editable && VARIABLE_NAME.test(name) && scalar.quote !== undefined && !model.hasReferencedAnchor(node)) {
    const reference = `\${${name}:?${name} must be set}`;
    if (at === 0) edit = replaceNode(model.source, node, scalar.quote ? `${scalar.quote}${reference}${scalar.quote}` : `"${reference}"`);
    else {
      // `KEY=value` items: keep the quoting; a plain item in a flow list must be quoted (`{`, `}`).
      const quote = scalar.quote || (inFlowSequence(node, model) ? '"' : '');
      edit = replaceNode(model.source, node, `${quote}${scalar.text.slice(0, at)}${reference}${quote}`);
    }
  }
  return { name, where, credential, range, edit };
}

function inFlowSequence(node: Node, model: ComposeModel): boolean {
  // A flow item is preceded by `[` or `,` on its line rather than by `- `.
  const start = node.range?.[0] ?? 0;
  const text = model.source.text;
  const before = text[endWithoutBlanks(text, start) - 1];
  return before === '[' || before === ',';
}

