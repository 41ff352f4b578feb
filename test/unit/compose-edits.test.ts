import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pair, YAMLMap, YAMLSeq } from 'yaml';
import { parseCompose } from '../../server/src/engine/compose/model';
import {
  appendSequenceItem,
  deletePair,
  deleteSequenceItem,
  fillEmptyValue,
  insertPair,
} from '../../server/src/engine/compose/edits';
import { applyEdits } from '../../server/src/engine/text';
import { assertComposeParses as reparsesCleanly } from './kit';

/** The mapping or sequence at a dotted path of the first document (no aliases). */
function at(text: string, path: string[]) {
  const model = parseCompose(text);
  let node = model.documents[0].doc.contents as unknown as YAMLMap | YAMLSeq;
  for (const key of path) node = (node as YAMLMap).get(key, true) as never;
  return { model, node };
}

function pairOf(map: YAMLMap, key: string): Pair<unknown, unknown> {
  return map.items.find((p) => (p.key as { value?: unknown }).value === key) as Pair<unknown, unknown>;
}

describe('compose edits: deletePair', () => {
  it('deletes the whole line of a block pair, comments elsewhere kept', () => {
    const text = 'web:\n  # keep me\n  privileged: true # gone\n  image: x\n';
    const { model, node } = at(text, ['web']);
    const out = applyEdits(text, [deletePair(model.source, node as YAMLMap, pairOf(node as YAMLMap, 'privileged'))!]);
    assert.equal(out, 'web:\n  # keep me\n  image: x\n');
  });

  it('deletes a multi-line pair', () => {
    const text = 'web:\n  command: |\n    a\n    b\n\n  image: x\n';
    const { model, node } = at(text, ['web']);
    assert.equal(applyEdits(text, [deletePair(model.source, node as YAMLMap, pairOf(node as YAMLMap, 'command'))!]), 'web:\n\n  image: x\n');
  });

  it('deletes the last line without a final line break', () => {
    const text = 'web:\n  image: x\n  privileged: true';
    const { model, node } = at(text, ['web']);
    assert.equal(applyEdits(text, [deletePair(model.source, node as YAMLMap, pairOf(node as YAMLMap, 'privileged'))!]), 'web:\n  image: x');
  });

  it('leaves {} when the only pair goes', () => {
    const text = 'web:\n  privileged: true\n';
    const { model, node } = at(text, ['web']);
    const out = applyEdits(text, [deletePair(model.source, node as YAMLMap, pairOf(node as YAMLMap, 'privileged'))!]);
    assert.equal(out, 'web:\n  {}\n');
    reparsesCleanly(out);
  });

  it('deletes a flow pair with one comma', () => {
    for (const [text, key, expected] of [
      ['web: {privileged: true, image: x}\n', 'privileged', 'web: {image: x}\n'],
      ['web: {image: x, privileged: true}\n', 'privileged', 'web: {image: x}\n'],
      ['web: {image: x, privileged: true, user: u}\n', 'privileged', 'web: {image: x, user: u}\n'],
      ['web: {privileged: true}\n', 'privileged', 'web: {}\n'],
      ['web: {\n  image: x,\n  privileged: true\n}\n', 'privileged', 'web: {\n  image: x\n}\n'],
    ]) {
      const { model, node } = at(text, ['web']);
      const out = applyEdits(text, [deletePair(model.source, node as YAMLMap, pairOf(node as YAMLMap, key))!]);
      assert.equal(out, expected);
      reparsesCleanly(out);
    }
  });

  it('pulls the next key up when the pair follows a sequence indicator', () => {
    const text = 'items:\n  - privileged: true\n    image: x\n';
    const model = parseCompose(text);
    const map = ((model.documents[0].doc.contents as YAMLMap).get('items') as YAMLSeq).items[0] as YAMLMap;
    const out = applyEdits(text, [deletePair(model.source, map, pairOf(map, 'privileged'))!]);
    assert.equal(out, 'items:\n  - image: x\n');
  });
});

describe('compose edits: sequences', () => {
  it('deletes a block item line and keeps neighbours', () => {
    const text = 'v:\n  - a # one\n  - b\n  - c\n';
    const { model, node } = at(text, ['v']);
    assert.equal(applyEdits(text, [deleteSequenceItem(model.source, node as YAMLSeq, 1)!]), 'v:\n  - a # one\n  - c\n');
    assert.equal(applyEdits(text, [deleteSequenceItem(model.source, node as YAMLSeq, 2)!]), 'v:\n  - a # one\n  - b\n');
  });

  it('deletes a long-form (mapping) item with all its lines', () => {
    const text = 'v:\n  - type: bind\n    source: /x\n    target: /y\n  - b\n';
    const { model, node } = at(text, ['v']);
    assert.equal(applyEdits(text, [deleteSequenceItem(model.source, node as YAMLSeq, 0)!]), 'v:\n  - b\n');
  });

  it('leaves [] when the only item goes, block or flow', () => {
    for (const [text, expected] of [
      ['v:\n  - a\n', 'v:\n  []\n'],
      ['v: [a]\n', 'v: []\n'],
      ['v: [a, b]\n', 'v: [b]\n'],
      ['v: [a, b]\n', 'v: [b]\n'],
    ]) {
      const { model, node } = at(text, ['v']);
      const out = applyEdits(text, [deleteSequenceItem(model.source, node as YAMLSeq, 0)!]);
      assert.equal(out, expected);
      reparsesCleanly(out);
    }
    const text = 'v: [a, b]\n';
    const { model, node } = at(text, ['v']);
    assert.equal(applyEdits(text, [deleteSequenceItem(model.source, node as YAMLSeq, 1)!]), 'v: [a]\n');
  });

  it('appends to block and flow sequences', () => {
    const cases: [string, string][] = [
      ['v:\n  - a # c\nw: 1\n', 'v:\n  - a # c\n  - ALL\nw: 1\n'],
      ['v:\n- a\n', 'v:\n- a\n- ALL\n'],
      ['v: [a]\n', 'v: [a, ALL]\n'],
      ['v: []\n', 'v: [ALL]\n'],
      ['v:\n  - a', 'v:\n  - a\n  - ALL'],
    ];
    for (const [text, expected] of cases) {
      const { model, node } = at(text, ['v']);
      const out = applyEdits(text, [appendSequenceItem(model.source, node as YAMLSeq, 'ALL')!]);
      assert.equal(out, expected);
      reparsesCleanly(out);
    }
  });
});

describe('compose edits: insertPair', () => {
  it('inserts block lines at the keys column after the last pair, with the file line ending', () => {
    const text = 'services:\r\n  web:\r\n    image: x\r\n    ports:\r\n      - "80"\r\n  db: {}\r\n';
    const { model, node } = at(text, ['services', 'web']);
    const out = applyEdits(text, [insertPair(model.source, model.style, node as YAMLMap, 'cap_drop', { sequence: ['ALL'] })!]);
    assert.equal(out, 'services:\r\n  web:\r\n    image: x\r\n    ports:\r\n      - "80"\r\n    cap_drop:\r\n      - ALL\r\n  db: {}\r\n');
  });

  it('inserts after a given pair and at EOF without a final line break', () => {
    const text = 'web:\n  <<: *x\n  image: y';
    const model = parseCompose('x: &x {a: 1}\n' + text);
    const web = (model.documents[0].doc.contents as YAMLMap).get('web') as YAMLMap;
    const out = applyEdits(model.source.text, [insertPair(model.source, model.style, web, 'k', { scalar: 'v' }, { after: pairOf(web, '<<') })!]);
    assert.equal(out, 'x: &x {a: 1}\nweb:\n  <<: *x\n  k: v\n  image: y');
    const end = applyEdits(model.source.text, [insertPair(model.source, model.style, web, 'k', { scalar: 'v' })!]);
    assert.equal(end, 'x: &x {a: 1}\nweb:\n  <<: *x\n  image: y\n  k: v');
  });

  it('inserts into flow mappings', () => {
    for (const [text, expected] of [
      ['web: {image: x}\n', 'web: {image: x, cap_drop: [ALL]}\n'],
      ['web: {}\n', 'web: {cap_drop: [ALL]}\n'],
    ]) {
      const { model, node } = at(text, ['web']);
      assert.equal(applyEdits(text, [insertPair(model.source, model.style, node as YAMLMap, 'cap_drop', { sequence: ['ALL'] })!]), expected);
    }
  });

  it('fills an empty value', () => {
    const text = 'cap_drop:\nx: 1\n';
    const model = parseCompose(text);
    const pair = pairOf(model.documents[0].doc.contents as YAMLMap, 'cap_drop');
    assert.equal(applyEdits(text, [fillEmptyValue(model.source, pair, { sequence: ['ALL'] })!]), 'cap_drop: [ALL]\nx: 1\n');
  });
});
