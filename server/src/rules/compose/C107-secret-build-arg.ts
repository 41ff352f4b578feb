// CG-C107: a `build.args` key that names a secret (CG-D030's secret names), whatever its value: it ends up
// in the image history and the build's provenance. Use `build.secrets` and `RUN --mount=type=secret`.
import { isMap, isScalar, isSeq } from 'yaml';
import type { Range } from 'vscode-languageserver-types';
import type { ComposeModel, ComposeService, MapEntry } from '../../engine/compose/model';
import { appendSequenceItem, deletePair, deleteSequenceItem, insertPair, insertPairs } from '../../engine/compose/edits';
import { isSecretName } from '../../engine/secrets';
import { groupByWritten, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import { builtImage } from '../../engine/compose/built-image';
import type { RuleFinding, Fix, RelatedInfo, Rule, RuleContext, TextEdit } from '../../engine/types';
import type { Node } from '../../engine/compose/yaml-ast';

/** A variable name that can feed a secret's `environment:` (and a secret id). */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** `${NAME}`, `${NAME:?…}`, `${NAME?…}` or `$NAME`: the value is exactly one variable. */
const ONE_VARIABLE = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:[:]?\?[^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*))$/;

interface Data {
  name: string;
  range: Range;
  /** The move to `secrets:`, when the entry can be rewritten. */
  edits: TextEdit[] | undefined;
}

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C107',
    title: 'Secret passed as a build argument',
    description:
      'A `build.args` key names a secret (a password, token or key): build arguments are recorded in the image history and the build provenance, whatever their value. Pass it with `build.secrets` and `RUN --mount=type=secret` instead.',
    kind: 'compose',
    severity: 'warning',
    equivalents: [],
    fixable: true,
  },
  check(model, context) {
    const hits: Hit<Data>[] = [];
    for (const service of model.services) {
      const build = service.view?.get('build');
      const buildView = build ? model.viewOf(build.rawValue, build.via) : undefined;
      const args = buildView?.get('args');
      if (!build || !buildView || !args) continue;
      for (const arg of argsOf(model, args)) {
        if (!isSecretName(arg.name)) continue;
        const edits = moveEdits(model, service, build, args, arg);
        hits.push({ node: arg.node, service, via: arg.via, data: { name: arg.name, range: arg.range, edits } });
      }
    }
    const findings: RuleFinding[] = [];
    for (const group of groupByWritten(hits)) {
      const { name, range, edits } = group.data;
      const fixes: Fix[] = [];
      // The Dockerfile must then read /run/secrets/<id> instead of the ARG: never applied unattended.
      if (edits) fixes.push({ title: `Move ${name} to a build secret (build.secrets)`, edits, isPreferred: false });
      const related = [...(receiversInfo(group) ?? []), ...declarations(model, group.hits.map((hit) => hit.service), name, context)];
      findings.push({
        message: `Build argument "${name}" of ${serviceNames(group)} names a secret: build arguments are recorded in the image history and the build provenance, whatever their value. Pass it with "build.secrets" and read it in the Dockerfile with "RUN --mount=type=secret,id=${secretId(name)}".`,
        range,
        related: related.length > 0 ? related : undefined,
        fixes,
      });
    }
    return findings;
  },
};

interface Arg {
  name: string;
  /** The key (map form) or the item (list form). */
  node: Node;
  via: MapEntry['via'];
  range: Range;
  /** The variable that holds the value: the value `${NAME}`, or the name itself for a key-only entry. */
  variable: string | undefined;
  /** How to delete the entry, when it is written in the service's own build mapping. */
  remove: () => TextEdit | undefined;
}

/** The entries of `build.args`: map form (`NAME: value`) or list form (`- NAME=value`, `- NAME`). */
function argsOf(model: ComposeModel, args: MapEntry): Arg[] {
  const result: Arg[] = [];
  const map = model.viewOf(args.rawValue, args.via);
  if (map) {
    for (const item of map.entries) {
      const scalar = model.scalar(item.value);
      const raw = !scalar || scalar.isNull ? '' : scalar.text.trim();
      result.push({
        name: item.key,
        node: item.keyNode,
        via: item.via,
        range: model.rangeOf(item.keyNode),
        variable: variableOf(item.key, raw, !scalar || scalar.isNull),
        remove: () => deletePair(model.source, item.map, item.pair),
      });
    }
    return result;
  }
  for (const item of model.entryItems(args)) {
    const scalar = model.scalar(item.node);
    if (!item.node || !scalar || scalar.isNull || !isScalar(item.node)) continue;
    const equals = scalar.text.indexOf('=');
    const name = (equals < 0 ? scalar.text : scalar.text.slice(0, equals)).trim();
    if (name === '') continue;
    let range = model.rangeOf(item.node);
    const at = scalar.text.indexOf(name);
    if (scalar.verbatim && range.start.line === range.end.line && at >= 0) {
      const start = range.start.character + (scalar.quote ? 1 : 0) + at;
      range = { start: { line: range.start.line, character: start }, end: { line: range.start.line, character: start + name.length } };
    }
    result.push({
      name,
      node: item.node,
      via: item.via,
      range,
      variable: variableOf(name, equals < 0 ? '' : scalar.text.slice(equals + 1).trim(), equals < 0),
      remove: () => (item.raw === item.node ? deleteSequenceItem(model.source, item.seq, item.index) : undefined),
    });
  }
  return result;
}

/** The environment variable a secret can read the value from; undefined for a literal value. */
function variableOf(name: string, value: string, keyOnly: boolean): string | undefined {
  if (keyOnly) return VARIABLE_NAME.test(name) ? name : undefined;
  const match = ONE_VARIABLE.exec(value);
  return match ? match[1] ?? match[2] : undefined;
}

/** A secret id derived from the argument name (`NPM_TOKEN` → `npm_token`). */
function secretId(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_.-]/g, '_');
}

/**
 * Deletes the entry, adds its id to `build.secrets` and declares a top-level secret read from the same
 * environment variable. Only for an entry whose value is a variable (or key-only), written in the
 * service's own `build` mapping (not an anchor), in a block-style file with one document.
 */
function moveEdits(model: ComposeModel, service: ComposeService, build: MapEntry, args: MapEntry, arg: Arg): TextEdit[] | undefined {
  if (!arg.variable || arg.via.length > 0 || args.via.length > 0 || build.via.length > 0 || model.documents.length !== 1) return undefined;
  if (!service.ownMap || !isMap(build.rawValue) || build.rawValue.flow) return undefined;
  const root = model.documents[0].root;
  if (!root || root.node.flow) return undefined;
  const id = secretId(arg.name);
  const remove = arg.remove();
  if (!remove) return undefined;
  // build.secrets: append the id, or add the key.
  const buildMap = build.rawValue;
  const secretsEntry = model.viewOf(buildMap)?.get('secrets');
  let addToBuild: TextEdit | undefined;
  if (!secretsEntry) {
    addToBuild = insertPairs(model.source, model.style, buildMap, [['secrets', { sequence: [id] }]], { atStart: true });
  } else if (secretsEntry.via.length === 0 && isSeq(secretsEntry.rawValue)) {
    const listed = model.items(secretsEntry.rawValue).some((i) => model.scalar(i.node)?.text === id);
    if (listed) return undefined;
    addToBuild = appendSequenceItem(model.source, secretsEntry.rawValue, id);
  }
  if (!addToBuild) return undefined;
  // Top-level secrets: declare it (from the environment), or leave an existing declaration alone.
  const top = root.get('secrets');
  let declare: TextEdit | undefined;
  if (!top) {
    const source = model.source;
    const text = ['secrets:', `${' '.repeat(model.style.indentUnit)}${id}:`, `${' '.repeat(2 * model.style.indentUnit)}environment: ${arg.variable}`].join(source.eol);
    const end = source.text.length;
    const prefix = end > 0 && !source.text.endsWith('\n') ? source.eol : '';
    declare = { range: source.rangeOf(end, end), newText: `${prefix}${text}${source.eol}` };
  } else {
    const topView = model.viewOf(top.rawValue, top.via);
    if (topView?.has(id)) declare = undefined;
    else if (top.via.length === 0 && isMap(top.rawValue) && top.rawValue.items.length > 0) {
      declare = insertPair(model.source, model.style, top.rawValue, id, { scalar: `{environment: ${arg.variable}}` });
      if (!declare) return undefined;
    } else return undefined;
  }
  return [remove, addToBuild, ...(declare ? [declare] : [])];
}

/**
 * Where the built Dockerfile declares the argument (`ARG NAME`), so the reader sees which build step
 * receives the secret. The finding stands either way: an argument no ARG declares is still sent with the
 * build request and recorded in its provenance.
 */
function declarations(model: ComposeModel, services: ComposeService[], name: string, context: RuleContext): RelatedInfo[] {
  const related: RelatedInfo[] = [];
  for (const service of services) {
    const image = builtImage(model, service, context);
    if (!image?.uri) continue;
    const declared = image.dockerfile.instructions.find((instruction) => instruction.keyword === 'ARG' && instruction.args[0]?.value.split('=')[0] === name);
    if (declared && !related.some((info) => info.uri === image.uri)) {
      related.push({ uri: image.uri, range: declared.args[0].range, message: `${image.label} declares ARG ${name} here: the value the build passes is visible to every later step and in the image history.` });
    }
  }
  return related;
}
