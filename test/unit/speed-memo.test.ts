// What is remembered across versions and files for speed (issue 17) gives exactly what a fresh
// computation gives: syntax problems replayed for unchanged instructions, RUN commands moved to where
// their body is now, credential searches, and the CLI's file-system reads within one batch.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDockerfile } from '../../server/src/engine/dockerfile/model';
import { validateSyntax } from '../../server/src/engine/dockerfile/syntax';
import { forgetValidatedInstructions } from '../../server/src/engine/dockerfile/validator-memo';
import { commandsOf, forgetReadRuns } from '../../server/src/engine/dockerfile/shell';
import { findCredentials } from '../../server/src/engine/secrets';
import { DiskReader, disk } from '../../server/src/engine/fs-cache';
import { lines } from './kit';

const dockerfile = lines(
  'from alpine:3.20',
  'RUN apk add --no-cache curl \\',
  '',
  '    git',
  'ENV A=${B:x}',
  'FORM oops',
  'HEALTHCHECK --retries=x CMD true',
  'CMD ["a", \'b\']',
);

describe('speed memos give what a fresh computation gives', () => {
  test('syntax problems of unchanged instructions are replayed at their new lines', () => {
    forgetValidatedInstructions();
    const first = validateSyntax(dockerfile);
    assert.ok(first.length >= 4, 'the text has problems to replay');
    // Two lines above, and a change inside one instruction: the others are replayed, moved by two lines.
    const edited = `# a\n# b\n${dockerfile.replace('FORM oops', 'FORM oopsy')}`;
    const replayed = validateSyntax(edited);
    forgetValidatedInstructions();
    assert.deepEqual(replayed, validateSyntax(edited));
    assert.deepEqual(
      replayed.map((problem) => problem.range.start.line),
      first.map((problem) => problem.range.start.line + 2),
    );
  });

  test('the commands of a RUN body read before are moved to where the body is now', () => {
    const text = lines('FROM alpine:3.20', 'RUN apk add curl && curl -fsSL https://x.example/i.sh | sh -c "cat > /x"', 'RUN echo "$(id -u)" >/tmp/u');
    forgetReadRuns();
    const before = parseDockerfile(text);
    before.instructions.filter((i) => i.keyword === 'RUN').forEach((run) => commandsOf(before, run));
    const moved = `# typed\n\n${text.replace('FROM alpine', 'FROM  alpine')}`;
    const model = parseDockerfile(moved);
    const reused = model.instructions.filter((i) => i.keyword === 'RUN').map((run) => commandsOf(model, run));
    forgetReadRuns();
    const freshModel = parseDockerfile(moved);
    const fresh = freshModel.instructions.filter((i) => i.keyword === 'RUN').map((run) => commandsOf(freshModel, run));
    const plain = (commands: typeof fresh) => JSON.parse(JSON.stringify(commands.map((list) => list.map(({ instruction, ...rest }) => ({ ...rest, line: instruction.startLine })))));
    assert.deepEqual(plain(reused), plain(fresh));
    assert.equal(reused[0][0].instruction, model.instructions[1], 'each command belongs to the new model');
  });

  test('a credential search remembered for a text hands out copies', () => {
    const text = 'curl https://admin:Zk8s9dLq2Xv7Pm3Nw4Rt6Yb1@example.com/x';
    const first = findCredentials(text);
    assert.equal(first.length, 1);
    first[0].start = -1;
    first.push({ ...first[0] });
    assert.deepEqual(findCredentials(text), [{ kind: 'url-password', label: 'a password in a URL', start: 19, end: 43, name: 'admin' }]);
  });

  test('a reader that remembers reads each file once, until it forgets it; the shared disk reader always reads', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-fs-cache-'));
    try {
      const file = path.join(dir, 'compose.yaml');
      fs.writeFileSync(file, 'one');
      const run = new DiskReader({ remember: true });
      assert.equal(run.readText(file), 'one');
      assert.deepEqual(run.list(dir), ['compose.yaml']);
      fs.writeFileSync(file, 'two');
      fs.writeFileSync(path.join(dir, '.env'), '');
      assert.equal(run.readText(file), 'one', 'remembered by the reader');
      assert.deepEqual(run.list(dir), ['compose.yaml']);
      run.forget(file);
      assert.equal(run.readText(file), 'two');
      assert.equal(run.stat(path.join(dir, 'missing')), undefined);
      assert.equal(disk.readText(file), 'two');
      assert.deepEqual(disk.list(dir)?.sort(), ['.env', 'compose.yaml']);
      assert.equal(disk.list(path.join(dir, 'missing')), undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
