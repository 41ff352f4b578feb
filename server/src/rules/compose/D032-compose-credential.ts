// CG-D032 in Compose files (the catalogue's "CG-D032 also applies to Compose files"): credential
// material in any value of the file — `command:`, `entrypoint:`, `healthcheck.test`, `labels`, hooks,
// `x-*` fields, inline `configs.content` … — with the Dockerfile side's formats (PEM private keys,
// token formats, `scheme://user:pass@host` with a literal password, a high-entropy literal next to a
// secret name: `--api-token=…`, `["--api-token", "…"]`, `API_TOKEN: …`). Values under a service's
// `environment:` and `build.args` are CG-C030's (one finding per value, not both). Same id as the
// Dockerfile rule, so one setting and one ignore comment cover both kinds.
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { ComposeModel, ScalarInfo } from '../../engine/compose/model';
import { replaceNode } from '../../engine/compose/edits';
import type { Node, Scalar } from '../../engine/compose/yaml-ast';
import { findCredentials, isHighEntropyLiteral, isSecretName, type CredentialMatch } from '../../engine/secrets';
import type { Fix, Range, Rule, RuleFinding } from '../../engine/types';

/** Checkov's secrets framework checks (CKV_SECRET_1 … CKV_SECRET_19). */
const CHECKOV_SECRET_IDS = Array.from({ length: 19 }, (_, i) => `CKV_SECRET_${i + 1}`);
/**
 * Password options of common server commands whose names the secret-name words do not split out
 * (`redis-server --requirepass …`, `--masterauth …`): read as secret names here.
 */
const PASSWORD_OPTIONS = new Set(['requirepass', 'masterauth']);
/** `--requirepass value` / `--requirepass=value` inside one string: group 1 the option, group 2 the value. */
const PASSWORD_OPTION = /(?<![A-Za-z0-9_-])--?(requirepass|masterauth)(?:=|[ \t]+)("[^"\r\n]*"|'[^'\r\n]*'|[^\s"'`;&|<>()]+)/gi;

/** What every PASSWORD_OPTION match contains: most values do not, and are not searched further. */
const PASSWORD_HINT = /requirepass|masterauth/i;

/** Bounds the walk over hostile input (the model's own limits bound aliases; this bounds plain nesting). */
const MAX_NODES = 200_000;

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-D032',
    title: 'Hard-coded credential',
    description:
      'A private key, access token, URL password or high-entropy secret value is written into a Compose value outside `environment:` and `build.args` (a command line, a label, a health check). It is committed with the file; rotate it and pass it from the environment or as a Compose secret.',
    kind: 'compose',
    severity: 'error',
    equivalents: ['KICS a88baa34-e2ad-44ea-ad6f-8cac87bc7c71', ...CHECKOV_SECRET_IDS, 'CIS 4.10'],
    fixable: true,
  },
  check(model) {
    const skipped = c030Values(model);
    const findings: RuleFinding[] = [];
    let budget = MAX_NODES;
    const visit = (node: Node | null | undefined, key: string | undefined): void => {
      if (!node || isAlias(node) || skipped.has(node) || --budget < 0) return;
      if (isScalar(node)) {
        findings.push(...scalarFindings(model, node, key));
      } else if (isMap(node)) {
        for (const pair of node.items) {
          if (!isPair(pair)) continue;
          const pairKey = isScalar(pair.key) ? String(pair.key.value) : undefined;
          visit(pair.value as Node | null, pairKey);
        }
      } else if (isSeq(node)) {
        const items = node.items as (Node | null)[];
        items.forEach((item, index) => {
          // `["--api-token", "<value>"]`: the flag names the next item.
          const flag = index > 0 ? model.scalar(items[index - 1]) : undefined;
          const name = flag && /^--?[A-Za-z]/.test(flag.text) && !flag.text.includes('=') ? flag.text.replace(/^-+/, '') : undefined;
          visit(item, name);
        });
      }
    };
    for (const document of model.documents) visit(document.doc.contents as Node | null, undefined);
    return findings;
  },
};

/** The values CG-C030 judges: every `environment:` and `build.args` value of every service (anchors included). */
function c030Values(model: ComposeModel): Set<Node> {
  const nodes = new Set<Node>();
  const add = (node: Node | null | undefined) => {
    if (!node) return;
    nodes.add(node);
    const target = model.deref(node);
    if (target) nodes.add(target);
  };
  for (const service of model.services) {
    const environment = service.view?.get('environment');
    const build = service.view?.get('build');
    const args = model.viewOf(build?.rawValue, build?.via)?.get('args');
    for (const entry of [environment, args]) {
      if (!entry) continue;
      add(entry.rawValue);
      const map = model.viewOf(entry.rawValue, entry.via);
      if (map) for (const item of map.entries) add(item.rawValue);
      else for (const item of model.entryItems(entry)) add(item.raw);
    }
  }
  return nodes;
}

/**
 * Literals are judged without Compose's `$$` escape: `$${REDIS_PASSWORD}` becomes `${REDIS_PASSWORD}`,
 * which the container's shell (`sh -c`) expands, so it is a reference, not a literal.
 */
function scalarFindings(model: ComposeModel, node: Scalar, key: string | undefined): RuleFinding[] {
  const scalar = model.scalar(node);
  if (!scalar || scalar.isNull || scalar.nonString) return [];
  const findings: RuleFinding[] = [];
  // A high-entropy literal under a secret-named key or after a secret-named flag: the whole value.
  if (key !== undefined && isHighEntropyLiteral(scalar.text) && isCredentialName(key)) {
    findings.push(finding(model, scalar, { kind: 'secret-assignment', label: `a high-entropy value for ${key}`, start: 0, end: scalar.text.length, name: key }));
    return findings;
  }
  const matches = findCredentials(scalar.text);
  for (const m of PASSWORD_HINT.test(scalar.text) ? scalar.text.matchAll(PASSWORD_OPTION) : []) {
    const quoted = /^["']/.test(m[2]);
    const value = quoted ? m[2].slice(1, -1) : m[2];
    if (!isHighEntropyLiteral(value)) continue;
    const start = m.index! + m[0].length - m[2].length + (quoted ? 1 : 0);
    if (matches.some((other) => start < other.end && other.start < start + value.length)) continue;
    matches.push({ kind: 'secret-assignment', label: `a high-entropy value for ${m[1]}`, start, end: start + value.length, name: m[1] });
  }
  for (const match of matches.sort((a, b) => a.start - b.start)) findings.push(finding(model, scalar, match));
  return findings;
}

function finding(model: ComposeModel, scalar: ScalarInfo, match: CredentialMatch): RuleFinding {
  const whole = match.start === 0 && match.end === scalar.text.length;
  const variable = match.kind === 'secret-assignment' && match.name ? variableName(match.name) : undefined;
  return {
    message: `This looks like ${match.label}, hard-coded in the Compose file: it is committed with the source and visible to anyone who can read the file or inspect the container. Revoke it, then pass it from the environment or a git-ignored .env${variable ? ` ("\${${variable}}")` : ''}, or use Compose secrets.`,
    range: rangeIn(model, scalar, match.start, match.end),
    fixes: variable ? referenceFix(model, scalar, match, variable, whole) : [],
  };
}

function isCredentialName(name: string): boolean {
  return isSecretName(name) || PASSWORD_OPTIONS.has(name.toLowerCase());
}

/** The range of characters [start, end) of a scalar's text: exact when written verbatim on one line, else the whole scalar. */
function rangeIn(model: ComposeModel, scalar: ScalarInfo, start: number, end: number): Range {
  const range = model.rangeOf(scalar.node);
  if (!scalar.verbatim || range.start.line !== range.end.line) return range;
  const first = range.start.character + (scalar.quote ? 1 : 0);
  return { start: { line: range.start.line, character: first + start }, end: { line: range.start.line, character: first + end } };
}

/** `api-token` → `API_TOKEN`: the variable the value should come from. */
function variableName(name: string): string | undefined {
  const upper = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toUpperCase();
  return /^[A-Z_][A-Z0-9_]*$/.test(upper) ? upper : undefined;
}

/** "Read NAME from the environment": the value becomes `${NAME:?NAME must be set}` (not preferred: NAME must then be set). */
function referenceFix(model: ComposeModel, scalar: ScalarInfo, match: CredentialMatch, variable: string, whole: boolean): Fix[] {
  if (model.hasReferencedAnchor(scalar.node) || scalar.quote === undefined) return [];
  const reference = `\${${variable}:?${variable} must be set}`;
  let text: string;
  if (whole) text = reference;
  else if (scalar.verbatim) text = scalar.text.slice(0, match.start) + reference + scalar.text.slice(match.end);
  else return [];
  // A plain scalar holding `${…:?…}` stays valid YAML only when quoted (`{`, `:`).
  const quote = scalar.quote || '"';
  if (quote === '"' && /["\\]/.test(text)) return [];
  if (quote === "'" && text.includes("'")) return [];
  return [{ title: `Read ${variable} from the environment (\${${variable}:?})`, edits: [replaceNode(model.source, scalar.node, `${quote}${text}${quote}`)], isPreferred: false }];
}
