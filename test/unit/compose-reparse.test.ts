// Incremental Compose parsing (issue 17): a re-parse of one entry must give exactly the tree, and the
// analysis, that a full parse gives; edits it cannot take are parsed whole.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isAlias, isMap, isPair, isScalar, isSeq, type Document } from 'yaml';
import { parseYaml, reparse, type YamlParse } from '../../server/src/engine/compose/reparse';
import { analyze, type Analysis } from '../../server/src/engine/engine';
import type { ComposeModel } from '../../server/src/engine/compose/model';
import { lines } from './kit';

/** Every node with its range, value and anchor; the dash offsets of block sequences (used for fixes); warnings. */
function shape(documents: Document[]): string {
  const out: string[] = [];
  const walk = (node: unknown, depth: number): void => {
    const pad = ' '.repeat(depth);
    if (node === null || node === undefined) out.push(`${pad}null`);
    else if (isPair(node)) {
      out.push(`${pad}pair`);
      walk(node.key, depth + 1);
      walk(node.value, depth + 1);
    } else if (isMap(node) || isSeq(node)) {
      const token = (node as { srcToken?: { type: string; items?: { start: { type: string; offset: number }[] }[] } }).srcToken;
      const dashes = token?.type === 'block-seq' ? token.items?.map((item) => item.start.find((t) => t.type === 'seq-item-ind')?.offset) : [];
      out.push(`${pad}${isMap(node) ? 'map' : 'seq'} ${JSON.stringify(node.range)} ${node.anchor ?? ''} ${token?.type} ${JSON.stringify(dashes)}`);
      for (const item of node.items) walk(item, depth + 1);
    } else if (isScalar(node)) out.push(`${pad}scalar ${JSON.stringify(node.range)} ${JSON.stringify(node.value)} ${node.type} ${node.anchor ?? ''}`);
    else if (isAlias(node)) out.push(`${pad}alias ${JSON.stringify(node.range)} ${node.source}`);
    else out.push(`${pad}?`);
  };
  for (const doc of documents) {
    out.push(`document ${JSON.stringify((doc as { range?: unknown }).range)} errors ${doc.errors.length} warnings ${JSON.stringify(doc.warnings.map((w) => [w.code, w.pos]))}`);
    walk(doc.contents, 0);
  }
  return out.join('\n');
}

const stack = lines(
  '# a stack',
  'name: demo',
  '',
  'x-base: &base',
  '  restart: unless-stopped',
  '  logging:',
  '    driver: json-file',
  '',
  'services:',
  '  web:',
  '    <<: *base',
  '    image: nginx:1.27',
  '    ports:',
  '      - "8080:80"',
  '    environment:',
  '      LOG_LEVEL: info',
  '      EMPTY:',
  '    # a comment in the service',
  '',
  '  worker:',
  '    image: "example/worker:2"',
  '    command: |',
  '      run --fast',
  '      # not a comment',
  '    labels:',
  '#   - commented.out=true',
  '',
  '  db:',
  '    image: postgres:16',
  '    environment:',
  '      - POSTGRES_PASSWORD=literal-secret',
  '    volumes:',
  '      - db:/var/lib/postgresql/data',
  '#trailing comment at column 0',
  'volumes:',
  '  db:',
  'secrets:',
  '  token:',
  '    file: ./token.txt',
  '',
);

/** A small deterministic generator (the test must give the same edits on every run). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

const pieces = ['a', ' ', '\n', ':', '- ', '#', '"', "'", '  ', '\n    ', '&x ', '*base', '[', ']', '{', '}', ',', '|', '\t', 'k: 1', '\n  ', '\r\n', '<<: *base', '!reset ', '\n# c', '\n      - x', '---', '\u2028'];

/** Random edits, each applied to the text before it: typing, deleting and pasting anywhere, the end of the text more often. */
function* edits(text: string, count: number, seed: number): Generator<string> {
  const next = random(seed);
  for (let k = 0; k < count; k++) {
    const at = next() < 0.15 ? Math.max(0, text.length - 1 - Math.floor(next() * 3)) : Math.floor(next() * (text.length + 1));
    const removed = next() < 0.3 ? Math.floor(next() * 4) : 0;
    const inserted = next() < 0.8 ? pieces[Math.floor(next() * pieces.length)] : '';
    text = text.slice(0, at) + inserted + text.slice(Math.min(text.length, at + removed));
    yield text;
  }
}

describe('compose re-parse', () => {
  it('gives the tree of a full parse after every edit it takes, and takes edits inside one entry', () => {
    let reused = 0;
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      let previous: YamlParse = { text: stack, documents: parseYaml(stack) };
      for (const text of edits(stack, 150, seed)) {
        const expected = parseYaml(text);
        const got = reparse(previous, text);
        if (got) {
          reused++;
          assert.equal(shape(got), shape(expected), `seed ${seed}, text:\n${text}`);
        }
        previous = { text, documents: got ?? expected };
      }
    }
    // Most random edits break the YAML (then the file is parsed whole); the rest must be taken.
    assert.ok(reused > 100, `only ${reused} edits were re-parsed incrementally`);
  });

  it('re-parses typing inside a service, and a comment typed at the end of the file', () => {
    const typed = [stack.replace('LOG_LEVEL: info', 'LOG_LEVEL: infox'), stack.replace('      EMPTY:\n', '      EMPTY:\n      NEW: 1\n'), stack + '# done\n'];
    for (const text of typed) {
      const previous = { text: stack, documents: parseYaml(stack) };
      const got = reparse(previous, text);
      assert.ok(got, text);
      assert.equal(shape(got), shape(parseYaml(text)));
    }
  });

  it('parses whole what changes the structure: a renamed or new service, a dedent, a document marker, broken YAML', () => {
    const changed = [
      stack.replace('  worker:', '  workers:'),
      stack.replace('  worker:\n', '  extra:\n    image: x\n  worker:\n'),
      stack.replace('    image: postgres:16', 'image: postgres:16'),
      stack.replace('      LOG_LEVEL: info', '---\n      LOG_LEVEL: info'),
      stack.replace('      LOG_LEVEL: info', '      LOG_LEVEL: "info'),
    ];
    for (const text of changed) assert.equal(reparse({ text: stack, documents: parseYaml(stack) }, text), undefined, text);
  });

  it('analyzes a typed Compose file exactly as a fresh analysis would (findings, ranges, fixes, problems)', () => {
    const options = { kind: 'compose' as const, filePath: '/nonexistent/project/compose.yaml', readFile: () => undefined };
    let previous: Analysis = analyze(stack, options);
    let text = stack;
    // Type a new environment entry into "web", then a comment at the end, then break and mend the YAML.
    const script = typingScript(stack, [
      ['LOG_LEVEL: info', '\n      API_TOKEN: abcdef'],
      ['file: ./token.txt', '\n# typed at the end'],
      ['image: ', '"'],
    ]);
    script.push(script[script.length - 1].replace('image: "nginx', 'image: nginx'));
    let reusedTrees = 0;
    for (const next of script) {
      const fresh = analyze(next, options);
      const previousTree = (previous.model as ComposeModel).documents[0]?.doc;
      // As the server analyzes an edited document: fixes built when read (here, by the comparison).
      const incremental = analyze(next, { ...options, previous, fixesWhenRead: true });
      if ((incremental.model as ComposeModel).documents[0]?.doc === previousTree) reusedTrees++;
      assert.deepEqual(incremental.findings, fresh.findings, next);
      assert.deepEqual(incremental.problems, fresh.problems, next);
      previous = incremental;
      text = next;
    }
    assert.ok(text.includes('API_TOKEN: abcdef'));
    // Every version but the one with an unterminated quote (a key typed without its colon yet is re-parsed).
    assert.equal(reusedTrees, script.length - 1);
  });
});

/** Texts after each character typed at the end of each anchor's first occurrence, one site after the other. */
function typingScript(text: string, sites: [string, string][]): string[] {
  const texts: string[] = [];
  for (const [anchor, typed] of sites) {
    let at = text.indexOf(anchor) + anchor.length;
    for (const ch of typed) {
      text = text.slice(0, at) + ch + text.slice(at);
      at += ch.length;
      texts.push(text);
    }
  }
  return texts;
}
