// Speed-ups for dockerfile-ast, which both our model and the syntax validator call many times.
//
// 1. An instruction's arguments are recomputed on every getArguments() call by scanning its text
//    character by character. Instructions never change after parsing, so the scan is done once.
//    Callers get fresh Argument objects with fresh ranges every time, exactly as before: the library
//    mutates returned ranges in place (From.getImageNameRange() shortens the image range), so
//    sharing them would corrupt later answers.
// 2. The model, the validator and the editor features parse the same text one after the other;
//    the last parsed tree is reused. That is safe because of (1): no call leaves state behind.
import 'dockerfile-ast';
import { DockerfileParser } from 'dockerfile-ast';
import { Argument } from 'dockerfile-ast/lib/argument';
import { Dockerfile } from 'dockerfile-ast/lib/dockerfile';
import { Instruction } from 'dockerfile-ast/lib/instruction';
import type { Range } from 'vscode-languageserver-types';

interface ArgumentShape {
  getValue(): string;
  getRange(): Range;
}

const memo = new WeakMap<object, ArgumentShape[]>();
const instruction = Instruction.prototype as unknown as { getRawArguments(): ArgumentShape[]; __containerGuardMemo?: true };
if (!instruction.__containerGuardMemo) {
  const compute = instruction.getRawArguments;
  instruction.getRawArguments = function (this: object) {
    let args = memo.get(this);
    if (!args) {
      args = compute.call(this);
      memo.set(this, args);
    }
    return args.map((arg) => {
      const { start, end } = arg.getRange();
      return new Argument(arg.getValue(), { start: { ...start }, end: { ...end } }) as unknown as ArgumentShape;
    });
  };
  instruction.__containerGuardMemo = true;
}

const parser = DockerfileParser as unknown as { parse(text: string): unknown; __containerGuardMemo?: true };
if (!parser.__containerGuardMemo) {
  const parse = parser.parse.bind(DockerfileParser);
  let lastText: string | undefined;
  let lastTree: unknown;
  parser.parse = (text: string) => {
    if (text !== lastText) {
      lastTree = parse(text);
      lastText = text;
      (lastTree as Partial<Lookups>).__containerGuardLookups = new Map();
    }
    return lastTree;
  };
  parser.__containerGuardMemo = true;
}

// 3. Every `$VAR` an instruction mentions is resolved through Dockerfile.resolveVariable, which finds
//    the stage around a line by scanning every stage's instructions: quadratic in large files. A parsed
//    tree never changes, so once the parser has returned it (marked above), both answers are kept.
interface Lookups {
  __containerGuardLookups?: Map<string, unknown>;
}

const tree = Dockerfile.prototype as unknown as {
  getContainingImage(position: { line: number; character: number }): unknown;
  resolveVariable(variable: string, line: number): unknown;
  __containerGuardMemo?: true;
};
if (!tree.__containerGuardMemo) {
  const getContainingImage = tree.getContainingImage;
  const resolveVariable = tree.resolveVariable;
  const remembered = (self: Lookups, key: string, compute: () => unknown): unknown => {
    const lookups = self.__containerGuardLookups;
    if (!lookups) return compute();
    if (lookups.has(key)) return lookups.get(key);
    const value = compute();
    lookups.set(key, value);
    return value;
  };
  tree.getContainingImage = function (this: Lookups, position) {
    return remembered(this, `image\0${position?.line}\0${position?.character}`, () => getContainingImage.call(this, position));
  };
  tree.resolveVariable = function (this: Lookups, variable, line) {
    return remembered(this, `variable\0${line}\0${variable}`, () => resolveVariable.call(this, variable, line));
  };
  tree.__containerGuardMemo = true;
}
