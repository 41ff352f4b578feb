// ARG / ENV declarations as written (name, value and their ranges) and the edits that delete one
// of them, shared by the secret rules (CG-D030, CG-D031) and the variable rules.
import type * as ast from 'dockerfile-ast';
import type { Range, TextEdit } from 'vscode-languageserver-types';
import type { DockerfileModel, Instruction } from '../../engine/dockerfile/model';
import type { Fix, RelatedInfo, RuleContext } from '../../engine/types';
import { relatedToDeclarations } from './helpers';

export interface Declared {
  name: string;
  nameRange: Range;
  /** The value as dockerfile-ast reads it (quotes removed), null for `ARG NAME` with no default. */
  value: string | null;
  /** The value as written (quotes included), null when no value is written. */
  valueRange: Range | null;
}

/** The `NAME[=value]` pairs of an ARG or ENV instruction (the legacy `ENV KEY value` form included). */
export function declaredProperties(instruction: Instruction): Declared[] {
  if (instruction.keyword !== 'ARG' && instruction.keyword !== 'ENV') return [];
  let properties: ast.Property[] = [];
  try {
    properties = (instruction.node as ast.Arg | ast.Env).getProperties();
  } catch {
    return [];
  }
  const result: Declared[] = [];
  for (const property of properties) {
    try {
      const name = property.getName();
      const nameRange = property.getNameRange();
      if (!name || !nameRange) continue;
      result.push({ name, nameRange, value: property.getValue(), valueRange: property.getValueRange() ?? null });
    } catch {
      // a property dockerfile-ast cannot read is skipped
    }
  }
  return result;
}

/** The top-level instruction, or the trigger of an ONBUILD, for rules that judge both alike. */
export function effectiveInstructions(model: DockerfileModel): Instruction[] {
  return model.instructions.map((i) => (i.keyword === 'ONBUILD' ? i.trigger : i)).filter((i): i is Instruction => i !== null);
}

/** Deletes the lines of an instruction, including its line break (or the preceding one on the last line). */
export function deleteInstructionEdit(model: DockerfileModel, instruction: Instruction): TextEdit {
  const { source } = model;
  if (instruction.endLine + 1 < source.lineCount) {
    return { range: { start: { line: instruction.startLine, character: 0 }, end: { line: instruction.endLine + 1, character: 0 } }, newText: '' };
  }
  if (instruction.startLine > 0) {
    return { range: { start: source.positionAt(source.lineEnd(instruction.startLine - 1)), end: source.positionAt(source.text.length) }, newText: '' };
  }
  return { range: { start: { line: 0, character: 0 }, end: source.positionAt(source.text.length) }, newText: '' };
}

/**
 * Deletes one `NAME[=value]` pair: the whole instruction when it is the only pair, else the pair
 * and the blanks (or continuation) up to the next pair; the last pair takes the blanks before it.
 * An ONBUILD trigger deletes the whole ONBUILD line.
 */
export function deletePropertyEdit(model: DockerfileModel, instruction: Instruction, owner: Instruction, index: number): TextEdit {
  const properties = declaredProperties(instruction);
  if (properties.length <= 1) return deleteInstructionEdit(model, owner);
  const property = properties[index];
  const end = (p: Declared) => (p.valueRange ?? p.nameRange).end;
  if (index + 1 < properties.length) {
    return { range: { start: property.nameRange.start, end: properties[index + 1].nameRange.start }, newText: '' };
  }
  return { range: { start: end(properties[index - 1]), end: end(property) }, newText: '' };
}

/** Whether text references `$NAME` or `${NAME…}` (a `\$` escape does not count). */
export function referencesVariable(text: string, name: string, escapeChar = '\\'): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`\\$(?:\\{${escaped}(?=[}:+\\-?#%/])|${escaped}(?![A-Za-z0-9_]))`, 'g');
  for (const match of text.matchAll(pattern)) {
    if (match.index! > 0 && text[match.index! - 1] === escapeChar) continue;
    return true;
  }
  return false;
}

/** One item of a space-separated or JSON list argument (EXPOSE ports, VOLUME paths). */
export interface ListItem {
  /** The item's text, quotes removed for JSON strings. */
  value: string;
  /** The item as written (JSON quotes included). */
  range: Range;
}

/** The items of an instruction's argument list: JSON array elements (exec form) or the whitespace-separated words. */
export function listItems(model: DockerfileModel, instruction: Instruction): ListItem[] {
  if (instruction.execForm && instruction.argsRange) {
    const { source } = model;
    const base = source.offsetAt(instruction.argsRange.start);
    const text = source.text.slice(base, source.offsetAt(instruction.argsRange.end));
    const items: ListItem[] = [];
    for (const m of text.matchAll(/"(?:[^"\\]|\\.)*"/g)) {
      let value: string;
      try {
        value = JSON.parse(m[0]) as string;
      } catch {
        return [];
      }
      items.push({ value, range: source.rangeOf(base + m.index!, base + m.index! + m[0].length) });
    }
    return items.length === instruction.execForm.length ? items : [];
  }
  return instruction.args.map((a) => ({ value: a.value, range: a.range }));
}

/**
 * Deletes one list item: the whole instruction when it is the only one, else the item and the
 * separator (blanks, a comma, a continuation) up to the next item; the last item takes the
 * separator before it.
 */
export function deleteListItemEdit(model: DockerfileModel, owner: Instruction, items: ListItem[], index: number): TextEdit {
  if (items.length <= 1) return deleteInstructionEdit(model, owner);
  if (index + 1 < items.length) return { range: { start: items[index].range.start, end: items[index + 1].range.start }, newText: '' };
  return { range: { start: items[index - 1].range.end, end: items[index].range.end }, newText: '' };
}

/** A path as the builder compares it: quotes removed, `//` collapsed, trailing `/` and `/.` dropped. */
export function normalizePath(path: string): string {
  let p = path.trim();
  if (/^(["']).*\1$/.test(p)) p = p.slice(1, -1);
  p = p.replace(/\/{2,}/g, '/');
  const segments: string[] = [];
  for (const segment of p.split('/')) {
    if (segment === '.' || (segment === '' && segments.length > 0)) continue;
    if (segment === '..' && segments.length > 0 && (segments.length > 1 || segments[0] === '')) {
      if (segments.length > 1) segments.pop();
      continue;
    }
    segments.push(segment);
  }
  const joined = segments.join('/');
  return joined === '' && p.startsWith('/') ? '/' : joined;
}

/** One port written in an EXPOSE of the shipped chain (EXPOSE is inherited through `FROM <stage>`). */
export interface ExposedPort {
  instruction: Instruction;
  items: ListItem[];
  index: number;
  item: ListItem;
  /** After ARG/ENV resolution; null when a variable stays unresolved. */
  value: string | null;
  /** How the port reads in a message: `22`, or `$SSH_PORT (= 22)` when it came from a variable. */
  written: string;
  /** The ARG/ENV declarations the value came from. */
  related: RelatedInfo[] | undefined;
  /** "Remove port … from EXPOSE" (or delete the whole EXPOSE when it is the only port). Never preferred. */
  removeFix: Fix;
}

/** Every port of every EXPOSE in the shipped chain, resolved (CG-D040, CG-D109). */
export function exposedPorts(model: DockerfileModel, context: RuleContext): ExposedPort[] {
  const ports: ExposedPort[] = [];
  for (const stage of model.shippedChain(context.buildTarget)) {
    for (const instruction of stage.instructions) {
      if (instruction.keyword !== 'EXPOSE') continue;
      const items = listItems(model, instruction);
      items.forEach((item, index) => {
        const expansion = item.value.includes('$') ? model.expand(item.value, instruction) : null;
        const value = expansion ? expansion.value : item.value;
        const related = expansion
          ? relatedToDeclarations(expansion.used, (d) => `'${value}' comes from ${d.kind === 'ENV' ? 'ENV' : 'ARG'} ${d.name}.`)
          : [];
        ports.push({
          instruction,
          items,
          index,
          item,
          value,
          written: item.value === value ? item.value : `${item.value} (= ${value})`,
          related: related.length ? related : undefined,
          removeFix: {
            title: items.length > 1 ? `Remove port ${value} from EXPOSE` : `Delete EXPOSE ${item.value}`,
            edits: [deleteListItemEdit(model, instruction, items, index)],
            isPreferred: false,
          },
        });
      });
    }
  }
  return ports;
}
