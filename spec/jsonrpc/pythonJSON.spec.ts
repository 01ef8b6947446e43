/**
 * JSON as Python's json.loads reads it: NaN, Infinity and -Infinity where a
 * value may stand, and nowhere else (the verdicts are Python 3's).
 */
import { decodeJSONMessage } from '../../lib/jsonrpc/jsonrpcInternals';

const decode = (text: string) => decodeJSONMessage(new TextEncoder().encode(text));

describe('decodeJSONMessage with Python’s non-finite tokens', () => {
  it('reads them as values, in arrays and objects, at any depth', () => {
    const r = decode('{"a":[NaN, Infinity, -Infinity, {"b": NaN}], "NaN": "NaN", "s": "Infinity -Infinity"}');
    expect(r.ok).toBe(true);
    const value = (r as { value: { a: [number, number, number, { b: number }]; NaN: string; s: string } }).value;
    expect(value.a[0]).toBeNaN();
    expect(value.a.slice(1, 3)).toEqual([Infinity, -Infinity]);
    expect(value.a[3].b).toBeNaN();
    expect(value.NaN).toBe('NaN');
    expect(value.s).toBe('Infinity -Infinity');
    expect(decode('NaN')).toMatchObject({ ok: true });
    expect(decode(' -Infinity ')).toEqual({ ok: true, value: -Infinity });
  });

  it.each([
    ['a NaN key', '{NaN: 1}'],
    ['an Infinity key', '{Infinity: 1}'],
    ['-NaN', '[-NaN]'],
    ['+Infinity', '[+Infinity]'],
    ['a glued number', '[1Infinity]'],
    ['a glued literal', '[NaNNaN]'],
    ['lower case', '[nan]'],
    ['an unterminated string', '["a NaN]'],
    ['trailing garbage', 'NaN x'],
  ])('refuses %s', (_name, text) => {
    expect(decode(text)).toEqual({ ok: false, failure: 'json' });
  });

  it('keeps __proto__ an own key, as JSON.parse does', () => {
    const r = decode('{"__proto__": NaN}') as { ok: true; value: object };
    expect(Object.keys(r.value)).toEqual(['__proto__']);
  });
});
