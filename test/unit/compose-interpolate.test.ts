import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UNKNOWN, booleanOf, interpolate } from '../../server/src/engine/compose/interpolate';

describe('compose interpolation', () => {
  it('leaves text without variables alone', () => {
    assert.deepEqual(interpolate('nginx:1.27'), { text: 'nginx:1.27', known: true, value: 'nginx:1.27', hasVariables: false, variables: [] });
  });

  it('turns $$ into a literal dollar sign', () => {
    const r = interpolate('echo $$HOME and $${X}');
    assert.equal(r.value, 'echo $HOME and ${X}');
    assert.equal(r.known, true);
    assert.equal(r.hasVariables, false);
  });

  it('marks $VAR and ${VAR} unknown', () => {
    const r = interpolate('${PORT}:80');
    assert.equal(r.known, false);
    assert.equal(r.value, undefined);
    assert.equal(r.text, `${UNKNOWN}:80`);
    assert.deepEqual(r.variables, ['PORT']);
    assert.equal(interpolate('$HOST_IP:8080:80').text, `${UNKNOWN}:8080:80`);
    assert.equal(interpolate('a$B-c').text, `a${UNKNOWN}-c`);
  });

  it('substitutes defaults for :- and -', () => {
    assert.equal(interpolate('${PRIV:-false}').value, 'false');
    assert.equal(interpolate('${PRIV-true}').value, 'true');
    assert.equal(interpolate('${A:-${B:-x}}y').value, 'xy');
    assert.equal(interpolate('${A:-}').value, '');
  });

  it('keeps :? and :+ unknown without a value', () => {
    assert.equal(interpolate('${PRIV:?must be set}').known, false);
    assert.equal(interpolate('${PRIV?err}').known, false);
    assert.equal(interpolate('${PRIV:+true}').known, false);
    assert.equal(interpolate('${PRIV+true}').known, false);
  });

  it('uses a lookup when given', () => {
    const env = new Map([['PRIV', 'true'], ['EMPTY', '']]);
    const lookup = (name: string) => env.get(name);
    assert.equal(interpolate('${PRIV}', lookup).value, 'true');
    assert.equal(interpolate('${EMPTY:-x}', lookup).value, 'x');
    assert.equal(interpolate('${EMPTY-x}', lookup).value, '');
    assert.equal(interpolate('${PRIV:+yes}', lookup).value, 'yes');
    assert.equal(interpolate('${EMPTY:+yes}', lookup).value, '');
    assert.equal(interpolate('${PRIV:?e}', lookup).value, 'true');
  });

  it('reports malformed templates as unknown', () => {
    for (const raw of ['${', '${PORT', '${}', '$ x', '${1A}', '${A:x}']) {
      const r = interpolate(raw);
      assert.equal(r.known, false, raw);
      assert.ok(r.error, raw);
    }
  });

  it('bounds nesting', () => {
    const raw = '${A:-'.repeat(2000) + 'x' + '}'.repeat(2000);
    const r = interpolate(raw);
    assert.equal(r.known, false);
  });

  it('reads Compose booleans', () => {
    assert.equal(booleanOf('true'), true);
    assert.equal(booleanOf('TRUE'), true);
    assert.equal(booleanOf('False'), false);
    assert.equal(booleanOf('yes'), undefined);
    assert.equal(booleanOf('1'), undefined);
  });
});
