import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

/** Colours of JSON tokens in {@link formatJSON}, as `util.styleText` formats. */
const palette: Readonly<Record<'key' | 'string' | 'number' | 'literal' | 'punctuation', Style>> = {
  key: 'cyan',
  string: 'green',
  number: 'yellow',
  literal: 'magenta',
  punctuation: 'dim',
};

/**
 * A JSON value as text: compact (one line, for pipes and `jq`) or indented by
 * two spaces, either optionally coloured with `util.styleText`. What JSON cannot
 * hold prints as `JSON.stringify` would (`NaN` as `null`, `undefined` left out).
 *
 * @param value - the value (a JSON-RPC result, an error object…)
 * @param options - `pretty`: indent; `colour`: colour the tokens
 * @returns the text, without a trailing newline
 */
export function formatJSON(value: unknown, options: { readonly pretty: boolean; readonly colour: boolean }): string {
  if (!options.pretty && !options.colour) return JSON.stringify(value) ?? 'null';
  // One round through JSON first, so toJSON(), NaN and undefined come out as JSON has them.
  const plain: unknown = JSON.parse(JSON.stringify(value) ?? 'null');
  const paint = (kind: keyof typeof palette, text: string): string => (options.colour ? styleText(palette[kind], text) : text);
  const render = (node: unknown, indent: string): string => {
    if (node === null || typeof node === 'boolean') return paint('literal', String(node));
    if (typeof node === 'number') return paint('number', JSON.stringify(node));
    if (typeof node === 'string') return paint('string', JSON.stringify(node));
    // Pretty: a member per line, indented; compact (coloured, piped): all on one line.
    const inner = options.pretty ? `${indent}  ` : '';
    const open = options.pretty ? '\n' : '';
    const close = options.pretty ? `\n${indent}` : '';
    const space = options.pretty ? ' ' : '';
    if (Array.isArray(node)) {
      if (node.length === 0) return paint('punctuation', '[]');
      const items = node.map((item) => inner + render(item, inner));
      return `${paint('punctuation', '[')}${open}${items.join(`${paint('punctuation', ',')}${open}`)}${close}${paint('punctuation', ']')}`;
    }
    const entries = Object.entries(node as Record<string, unknown>);
    if (entries.length === 0) return paint('punctuation', '{}');
    const lines = entries.map(([key, item]) => `${inner}${paint('key', JSON.stringify(key))}${paint('punctuation', ':')}${space}${render(item, inner)}`);
    return `${paint('punctuation', '{')}${open}${lines.join(`${paint('punctuation', ',')}${open}`)}${close}${paint('punctuation', '}')}`;
  };
  return render(plain, '');
}
