/**
 * Received messages worth interpreting: garbage, bad encodings, every shape of
 * bad request and response, batches. Each entry is JSON text, or `{ hex }` for
 * bytes that are not UTF-8. None of these hits a documented JS-vs-Python
 * difference (see README, 'JSON in JavaScript and Python' and jsonNotes.spec.ts for those).
 */
export type TableMessage = string | { readonly hex: string };

export const GARBAGE: readonly TableMessage[] = [
  '',
  ' ',
  'garbage',
  '{',
  '[',
  'nul',
  'true',
  'null',
  '1',
  '"str"',
  '1.5',
  '[1,]',
  '{"a":1,}',
  "{'method':'m'}",
  '{"method":"a\tb","id":1}',
  '{"method":"m"} x',
  '{"method":"m"}\n',
  ' \t\r\n{"jsonrpc":"2.0","method":"m","id":1} ',
  { hex: 'efbbbf7b7d' }, // BOM + {}
  { hex: 'ff' },
  { hex: 'c0af' }, // overlong
  { hex: 'eda080' }, // encoded surrogate
  { hex: 'e282' }, // truncated
  { hex: '7b226d6574686f64223a22a5227d' }, // {"method":"\xa5"}
  { hex: '00' },
];

export const REQUESTS: readonly TableMessage[] = [
  '{"jsonrpc":"2.0","method":"m","params":[1,"a",null,true,{"k":[]}],"id":1}',
  '{"jsonrpc":"2.0","method":"m","params":{"a":1,"b":[2]},"id":"abc"}',
  '{"jsonrpc":"2.0","method":"m","id":0}',
  '{"jsonrpc":"2.0","method":"m","params":[],"id":-5}',
  '{"jsonrpc":"2.0","method":"m","params":{},"id":1.5}',
  '{"jsonrpc":"2.0","method":"m","id":true}',
  '{"jsonrpc":"2.0","method":"m","id":false}',
  '{"jsonrpc":"2.0","method":"m","id":null}',
  '{"jsonrpc":"2.0","method":"m"}',
  '{"jsonrpc":"2.0","method":"m","params":[1]}',
  '{"method":"m","params":[1],"id":1}',
  '{"method":"m","params":[1],"id":null}',
  '{"method":"m","params":{"a":1},"id":1}',
  '{"method":"m","params":[1]}',
  '{"method":"m","id":1}',
  '{"method":"m","id":null}',
  '{"jsonrpc":"1.0","method":"m","params":[],"id":1}',
  '{"jsonrpc":2.0,"method":"m","id":1}',
  '{"jsonrpc":"2.0 ","method":"m","id":1}',
  '{"jsonrpc":null,"method":"m","id":1}',
  '{"jsonrpc":"2.0","method":"m","id":{"a":1}}',
  '{"jsonrpc":"2.0","method":"m","id":[1,"it\'s"]}',
  '{"jsonrpc":"2.0","method":"m","id":{}}',
  '{"method":"m","params":[],"id":{"a":[1,{"b":null}]}}',
  '{"method":"m","params":[],"id":[]}',
  '{"jsonrpc":"2.0","method":"m","params":null,"id":1}',
  '{"jsonrpc":"2.0","method":"m","params":5,"id":1}',
  '{"jsonrpc":"2.0","method":"m","params":"a string","id":1}',
  '{"jsonrpc":"2.0","method":"m","params":true,"id":1}',
  '{"jsonrpc":"2.0","method":"m","params":1.25,"id":1}',
  '{"jsonrpc":"2.0","method":"m","params":"it\'s \\"quoted\\" \\\\ \\n\\u0001\\u00e9\\u2028","id":1}',
  '{"method":"m","params":null,"id":1}',
  '{"method":"m","params":"x","id":1}',
  '{"jsonrpc":"2.0","method":null,"id":1}',
  '{"jsonrpc":"2.0","method":5,"params":[],"id":1}',
  '{"jsonrpc":"2.0","method":["m"],"id":"x"}',
  '{"jsonrpc":"2.0","method":{},"params":{}}',
  '{"jsonrpc":"2.0","method":5,"params":5,"id":1}',
  '{"method":null,"params":[],"id":7}',
  '{"jsonrpc":"2.0","method":"m","params":[NaN, Infinity, -Infinity],"id":1}',
  '{"jsonrpc":"2.0","method":"ünïcødé ✓ 😀","params":["\\ud800", "\\udc00x"],"id":1}',
  '{"jsonrpc":"2.0","method":"m","params":{"__proto__":{"x":1},"constructor":2},"id":1}',
  '{"jsonrpc":"2.0","method":"toString","id":1}',
  '{"jsonrpc":"2.0","method":"m","id":1,"extra":[1,2]}',
  '{"jsonrpc":"2.0","method":"m","params":[1],"params":{"a":2},"id":1,"id":2}',
  '{"jsonrpc":"2.0","method":"m","params":[1e400, 1E2, 0.5, -1.5e-7],"id":1}',
];

export const RESPONSES: readonly TableMessage[] = [
  '{"jsonrpc":"2.0","result":5,"id":1}',
  '{"jsonrpc":"2.0","result":null,"id":"a"}',
  '{"jsonrpc":"2.0","result":{"a":[1]},"id":null}',
  '{"jsonrpc":"2.0","error":{"code":-32000,"message":"boom"},"id":1}',
  '{"jsonrpc":"2.0","error":{"code":5,"message":"boom","data":[1]},"id":1}',
  '{"jsonrpc":"2.0","error":{"code":-32600,"message":"bad"},"id":null}',
  '{"jsonrpc":"2.0","result":1,"error":null,"id":1}',
  '{"jsonrpc":"2.0","result":null,"error":{"code":1,"message":"x"},"id":1}',
  '{"jsonrpc":"2.0","id":1}',
  '{"jsonrpc":"2.0"}',
  '{}',
  '{"jsonrpc":"2.0","result":5}',
  '{"result":5}',
  '{"jsonrpc":"2.0","error":{"code":"5","message":"x"},"id":1}',
  '{"jsonrpc":"2.0","error":{"code":1.5,"message":"x"},"id":1}',
  '{"jsonrpc":"2.0","error":{"code":1},"id":1}',
  '{"jsonrpc":"2.0","error":{"message":"x"},"id":1}',
  '{"jsonrpc":"2.0","error":"a string","id":1}',
  '{"jsonrpc":"2.0","error":null,"id":1}',
  '{"jsonrpc":"2.0","error":[1,"x"],"id":1}',
  '{"jsonrpc":"2.0","error":5,"id":1}',
  '{"jsonrpc":"2.0","result":5,"id":{"a":1}}',
  '{"jsonrpc":"2.0","result":5,"id":[1]}',
  '{"result":5,"id":1}',
  '{"jsonrpc":"1.0","result":5,"id":1}',
  '{"result":5,"error":null,"id":1}',
  '{"result":null,"error":null,"id":1}',
  '{"result":null,"error":"oops","id":1}',
  '{"result":null,"error":42,"id":1}',
  '{"result":null,"error":{"code":3,"message":"m"},"id":1}',
  '{"result":null,"error":{"code":"3","message":7},"id":1}',
  '{"result":null,"error":{},"id":1}',
  '{"result":null,"error":[1],"id":1}',
  '{"result":null,"error":1.5,"id":1}',
  '{"result":1,"error":"oops","id":1}',
  '{"error":"oops","id":1}',
  '{"error":null,"id":1}',
  '{"error":{"code":-1,"message":"x"},"id":null}',
  '{"result":5,"error":null}',
  '{"result":5,"error":null,"id":{"x":"y"}}',
  '{"id":1,"toString":1,"constructor":2}',
];

export const BATCHES: readonly TableMessage[] = [
  '[]',
  '[ ]',
  '[1]',
  '[1,2,"x"]',
  '[{}]',
  '[[]]',
  '[null]',
  '[{"jsonrpc":"2.0","method":"m","id":1}]',
  '[{"jsonrpc":"2.0","method":"m","id":1},{"jsonrpc":"2.0","method":"n"}]',
  '[{"jsonrpc":"2.0","result":1,"id":0},{"jsonrpc":"2.0","error":{"code":1,"message":"x"},"id":1}]',
  '[{"jsonrpc":"2.0","method":"m","id":1},{"jsonrpc":"2.0","result":1,"id":0}]',
  '[{"method":"m","params":[],"id":1},{"result":1,"error":null,"id":0}]',
  '[{"jsonrpc":"1.0","method":"m","params":[],"id":1}]',
  '[' + '['.repeat(300) + ']'.repeat(300) + ']',
];

export const ALL_MESSAGES: readonly TableMessage[] = [...GARBAGE, ...REQUESTS, ...RESPONSES, ...BATCHES];

export function tableHex(message: TableMessage): string {
  return typeof message === 'string' ? Buffer.from(message, 'utf8').toString('hex') : message.hex;
}

export function tableLabel(message: TableMessage): string {
  const text = typeof message === 'string' ? JSON.stringify(message) : `0x${message.hex}`;
  return text.length > 90 ? `${text.slice(0, 87)}...` : text;
}
