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
    }
    return lastTree;
  };
  parser.__containerGuardMemo = true;
}
