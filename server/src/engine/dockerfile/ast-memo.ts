// dockerfile-ast recomputes an instruction's arguments on every getArguments() call, scanning its
// text character by character, and both our model and the syntax validator call it many times per
// instruction. Instructions never change after parsing, so the first result is kept (a copy is
// returned, as callers may modify the array). This alone makes a 10 KB Dockerfile parse ~3× faster.
import 'dockerfile-ast';
import { Instruction } from 'dockerfile-ast/lib/instruction';

const memo = new WeakMap<object, unknown[]>();
const prototype = Instruction.prototype as unknown as { getRawArguments(): unknown[]; __containerGuardMemo?: true };
if (!prototype.__containerGuardMemo) {
  const compute = prototype.getRawArguments;
  prototype.getRawArguments = function (this: object) {
    let args = memo.get(this);
    if (!args) {
      args = compute.call(this);
      memo.set(this, args);
    }
    return args.slice();
  };
  prototype.__containerGuardMemo = true;
}

// The model and the syntax validator (and the editor features) parse the same text one after the
// other; the last parse is kept so the second costs nothing. Parsed trees are only ever read.
import { DockerfileParser } from 'dockerfile-ast';

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
