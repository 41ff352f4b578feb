import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isMap, isSeq } from 'yaml';
import { parseCompose } from '../../server/src/engine/compose/model';
import { composeRules } from '../../server/src/rules/compose';
import { lines } from './kit';
import { runRule } from '../../server/src/engine/engine';

function analyzeAll(text: string) {
  const model = parseCompose(text);
  return { model, findings: composeRules.flatMap((rule) => runRule(rule, model, { profile: 'baseline' })) };
}

describe('compose model: services', () => {
  it('lists services with key ranges, skipping x-* extension keys', () => {
    const text = lines('x-common: &c', '  image: base', 'services:', '  web:', '    image: nginx', '  x-notes: {a: 1}', '  db: {image: postgres}');
    const model = parseCompose(text);
    assert.deepEqual(model.services.map((s) => s.name), ['web', 'db']);
    assert.deepEqual(model.services[0].keyRange, { start: { line: 3, character: 2 }, end: { line: 3, character: 5 } });
    assert.deepEqual(model.services[1].keyRange, { start: { line: 6, character: 2 }, end: { line: 6, character: 4 } });
    assert.equal(model.services[0].view?.get('image')?.key, 'image');
    assert.ok(model.services[1].ownMap?.flow);
    assert.deepEqual(model.problems, []);
  });

  it('survives services that are not a mapping', () => {
    for (const text of ['services: 3\n', 'services:\n  - web\n', 'services:\n', '- a\n- b\n', 'just text\n', 'services:\n  web: 1\n  db:\n']) {
      const { model } = analyzeAll(text);
      assert.ok(Array.isArray(model.services), text);
    }
    const model = parseCompose('services:\n  web: 1\n  db:\n');
    assert.equal(model.services.length, 2);
    assert.equal(model.services[0].view, undefined);
  });

  it('resolves merge keys: own keys win, earlier merge sources win, via records the merge key', () => {
    const text = lines(
      'x-a: &a',
      '  privileged: true',
      '  image: a',
      'x-b: &b',
      '  image: b',
      '  user: b',
      'services:',
      '  web:',
      '    <<: [*a, *b]',
      '    image: own',
    );
    const model = parseCompose(text);
    const view = model.services[0].view!;
    assert.deepEqual(view.entries.map((e) => [e.key, model.scalar(e.value)?.text, e.via.length]), [
      ['image', 'own', 0],
      ['privileged', 'true', 1],
      ['user', 'b', 1],
    ]);
    const privileged = view.get('privileged')!;
    assert.equal(privileged.via[0].kind, 'merge');
    assert.deepEqual(privileged.via[0].range, { start: { line: 8, character: 4 }, end: { line: 8, character: 16 } });
    assert.deepEqual(model.rangeOf(privileged.keyNode), { start: { line: 1, character: 2 }, end: { line: 1, character: 12 } });
  });

  it('follows nested merges and a service that is an alias', () => {
    const text = lines(
      'x-base: &base',
      '  cap_drop: [ALL]',
      'x-mid: &mid',
      '  <<: *base',
      '  read_only: true',
      'services:',
      '  web: &web',
      '    <<: *mid',
      '  web2: *web',
    );
    const model = parseCompose(text);
    const [web, web2] = model.services;
    assert.deepEqual(web.view!.entries.map((e) => [e.key, e.via.length]), [['read_only', 1], ['cap_drop', 2]]);
    assert.ok(web.ownMap);
    assert.equal(web2.ownMap, undefined);
    assert.deepEqual(web2.view!.entries.map((e) => [e.key, e.via.map((v) => v.kind)]), [
      ['read_only', ['alias', 'merge']],
      ['cap_drop', ['alias', 'merge', 'merge']],
    ]);
    const items = model.entryItems(web.view!.get('cap_drop')!);
    assert.equal(items.length, 1);
    assert.equal(model.scalar(items[0].node)?.text, 'ALL');
  });

  it('is cycle-safe and reports unknown anchors', () => {
    const model = parseCompose(lines('x-a: &a', '  <<: *a', '  k: 1', 'services:', '  web:', '    <<: *nope', '    image: x'));
    assert.equal(model.services.length, 1);
    assert.deepEqual(model.services[0].view!.entries.map((e) => e.key), ['image']);
    const unknown = model.problems.find((p) => p.message.includes('Unknown anchor'));
    assert.ok(unknown);
    assert.equal(unknown.severity, 'error');
    assert.deepEqual(unknown.range, { start: { line: 5, character: 8 }, end: { line: 5, character: 13 } });
  });

  it('describes scalars: text, interpolation, booleans, quoting', () => {
    const model = parseCompose(lines('a: true', 'b: "true"', 'c: ${P:-true}', 'd: ${P:-false}', 'e: ${P}', 'f: 80', "g: 'x'", 'h:', 'i: True', 'j: yes'));
    const get = (k: string) => model.scalar(model.documents[0].root!.get(k)!.value)!;
    assert.equal(get('a').boolean, true);
    assert.equal(get('b').boolean, true);
    assert.equal(get('c').boolean, true);
    assert.equal(get('d').boolean, false);
    assert.equal(get('e').boolean, undefined);
    assert.equal(get('e').interpolated.known, false);
    assert.equal(get('f').text, '80');
    assert.equal(get('f').nonString, true);
    assert.equal(get('g').quote, "'");
    assert.equal(get('g').verbatim, true);
    assert.equal(get('h').isNull, true);
    assert.equal(get('i').boolean, true);
    assert.equal(get('j').boolean, undefined);
  });

  it('lists top-level volumes', () => {
    const model = parseCompose(lines('volumes:', '  data: {}', '  sock:', '    driver_opts: {device: /var/run/docker.sock}'));
    assert.deepEqual(model.volumes.map((v) => v.name), ['data', 'sock']);
    assert.deepEqual(model.topLevel('networks'), []);
  });

  it('detects the file style', () => {
    assert.deepEqual(parseCompose(lines('services:', '    web:', '        ports:', '        - "80"')).style, { indentUnit: 4, sequenceOffset: 0 });
    assert.deepEqual(parseCompose(lines('services:', '  web:', '    ports:', '      - "80"')).style, { indentUnit: 2, sequenceOffset: 2 });
    assert.deepEqual(parseCompose(lines('services:', '    web: {}')).style, { indentUnit: 4, sequenceOffset: 4 });
  });

  it('reads services from every document', () => {
    const model = parseCompose(lines('services:', '  a: {image: x}', '---', 'services:', '  b: {image: y}'));
    assert.deepEqual(model.services.map((s) => [s.name, s.document]), [['a', 0], ['b', 1]]);
  });
});

describe('compose model: statementStart', () => {
  const text = lines(
    'services:', //            0
    '  web:', //               1
    '    image: nginx', //     2
    '    command: |', //       3
    '      run', //            4
    '      more', //           5
    '    ports:', //           6
    '      - "80:80"', //      7
    '      - target: 80', //   8
    '        published: 8', // 9
    '    environment: {A: 1,', // 10
    '      B: 2}', //          11
  );
  const model = parseCompose(text);
  it('gives the line of the innermost block entry', () => {
    assert.equal(model.statementStart(2), 2);
    assert.equal(model.statementStart(4), 3);
    assert.equal(model.statementStart(5), 3);
    assert.equal(model.statementStart(7), 7);
    assert.equal(model.statementStart(9), 9);
    assert.equal(model.statementStart(8), 8);
    assert.equal(model.statementStart(11), 10);
    assert.equal(model.statementStart(1), 1);
    assert.equal(model.statementStart(0), 0);
    assert.equal(model.fileCommentLine, 0);
  });
  it('never throws for lines out of range', () => {
    assert.equal(model.statementStart(500), model.source.lineCount - 1);
    assert.equal(model.statementStart(-3), 0);
  });
});

describe('compose model: robustness', () => {
  it('handles an empty file', () => {
    const { model, findings } = analyzeAll('');
    assert.deepEqual(model.services, []);
    assert.deepEqual(model.problems, []);
    assert.deepEqual(findings, []);
    assert.equal(model.statementStart(0), 0);
  });

  it('handles binary junk', () => {
    let junk = '';
    for (let i = 0; i < 4096; i++) junk += String.fromCharCode((i * 7919) % 256);
    const { model } = analyzeAll(junk);
    assert.ok(Array.isArray(model.problems));
    analyzeAll('\u0000\u0001\u0002: [\u00ff{\n\t- ]]]}}}: *&!%@`');
  });

  it('reports tabs used as indentation as a YAML error, without crashing', () => {
    const { model } = analyzeAll('services:\n  web:\n\tprivileged: true\n');
    const tab = model.problems.find((p) => /tab/i.test(p.message));
    assert.ok(tab);
    assert.equal(tab.source, 'container-guard-yaml');
    assert.equal(tab.severity, 'error');
    assert.equal(tab.range.start.line, 2);
  });

  it('maps positions correctly after a BOM and with CRLF line endings', () => {
    const model = parseCompose('\uFEFFservices:\r\n  web:\r\n    privileged: true\r\n');
    assert.equal(model.source.eol, '\r\n');
    assert.deepEqual(model.services[0].keyRange, { start: { line: 1, character: 2 }, end: { line: 1, character: 5 } });
    const value = model.services[0].view!.get('privileged')!.value!;
    assert.deepEqual(model.rangeOf(value), { start: { line: 2, character: 16 }, end: { line: 2, character: 20 } });
  });

  it('keeps a billion-laughs alias bomb cheap', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    const names = 'abcdefghi';
    for (let i = 1; i < 9; i++) levels.push(`${names[i]}: &${names[i]} [${Array(9).fill('*' + names[i - 1]).join(',')}]`);
    const text = lines(...levels, 'services:', '  web:', '    image: x', '    volumes: *i', '    ports: *i', '    cap_drop: *i', '    security_opt: *i');
    const started = Date.now();
    const { model } = analyzeAll(text);
    assert.equal(model.services.length, 1);
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  });

  it('keeps a merge-key bomb cheap and reports nothing worse than a problem', () => {
    const levels = ['x-a: &a {k0: 1, k1: 2, k2: 3}'];
    const names = 'abcdefghij';
    for (let i = 1; i < 10; i++) levels.push(`x-${names[i]}: &${names[i]} {<<: [${Array(9).fill('*' + names[i - 1]).join(', ')}], k${i + 2}: ${i}}`);
    const text = lines(...levels, 'services:', '  web:', '    <<: *j');
    const started = Date.now();
    const { model } = analyzeAll(text);
    assert.equal(model.services[0].view!.entries.length, 12);
    assert.ok(Date.now() - started < 1000);
  });

  it('does not hang on a deeply unclosed flow collection', () => {
    const started = Date.now();
    const { model } = analyzeAll('services: ' + '['.repeat(10000));
    assert.ok(model.problems.length > 0);
    assert.ok(model.problems.length <= 101);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    analyzeAll('services:\n  web: ' + '{a: '.repeat(5000));
  });

  it('analyzes a 2,000-line file: one finding per service for each dangerous value (speed: npm run bench)', () => {
    const blocks: string[] = ['services:'];
    for (let i = 0; i < 200; i++) {
      blocks.push(
        `  svc${i}:`,
        `    image: nginx:1.${i}`,
        '    privileged: true',
        '    ports:',
        `      - "${8000 + i}:80"`,
        '    volumes:',
        '      - ./data:/data',
        '      - /var/run/docker.sock:/var/run/docker.sock',
        '    cap_drop: [ALL]',
        '    security_opt: [no-new-privileges:true]',
      );
    }
    const text = lines(...blocks);
    assert.ok(text.split('\n').length > 2000);
    const { findings } = analyzeAll(text);
    const count = (id: string) => findings.filter((f) => f.ruleId === id).length;
    assert.deepEqual(['CG-C070', 'CG-C041', 'CG-C043', 'CG-C020', 'CG-C023'].map(count), [200, 200, 200, 0, 0]);
  });

  it('never calls toJS-style conversion on hostile aliases (unresolved inside sequences)', () => {
    const { model } = analyzeAll(lines('services:', '  web:', '    ports: [*x, *y]', '    cap_drop: *z', '    <<: [*q, 3, [1]]'));
    assert.ok(model.problems.some((p) => p.message.includes('Unknown anchor "x"')));
    assert.ok(model.problems.some((p) => p.message.includes('merge key')));
    assert.ok(isMap(model.services[0].node));
    assert.ok(!isSeq(model.services[0].node));
  });
});

describe('compose model: broken YAML invents no service', () => {
  const names = (text: string) => parseCompose(text).services.map((service) => service.name);
  const hasError = (text: string) => parseCompose(text).problems.some((p) => p.severity === 'error');

  it('keeps the services that end before the first error, and reports the error', () => {
    const cases: [string, string[]][] = [
      [lines('services:', '  web:', '    image: nginx:1.27', '  "db:', '    image: postgres'), ['web']],
      [lines('services:', '  web: {image: nginx:1.27', '  db:', '    image: postgres:16'), []],
      [lines('services:', '  web:', '    image: nginx', '  environment:', '    - A=1', '   - B=2'), ['web']],
      [lines('services:', '  web:', '    image: nginx', '  db:', '    image: pg', '    ports:', '     - "80:80'), ['web']],
    ];
    for (const [text, expected] of cases) {
      assert.deepEqual(names(text), expected, text);
      assert.ok(hasError(text), text);
    }
  });

  it('a valid file keeps every service', () => {
    assert.deepEqual(names(lines('services:', '  web:', '    image: a', '  db:', '    image: b')), ['web', 'db']);
  });
});
