import { UsageError } from './UsageError.js';

/**
 * One command-line word as a JSON-RPC argument: the JSON value it spells
 * (`12`, `true`, `null`, `'"me"'`, `'[1,2]'`), or, when it is not JSON, the
 * word itself as a string — so `echo hello` sends `"hello"`.
 */
export function parseArgumentWord(word: string): unknown {
  try {
    return JSON.parse(word) as unknown;
  } catch {
    return word;
  }
}

/**
 * The arguments of a call: by position (`[1, "two"]`), or with `named`, each
 * word `key=value` into an object (`{ "key": value }`), the value read as
 * {@link parseArgumentWord} does.
 *
 * @param words - the words after the method
 * @param named - `--named`: the words are `key=value`
 * @returns the `params` to send
 */
export function parseCallArguments(words: readonly string[], named: boolean): unknown[] | Record<string, unknown> {
  if (!named) return words.map(parseArgumentWord);
  const params: Record<string, unknown> = {};
  for (const word of words) {
    const equals = word.indexOf('=');
    if (equals <= 0) throw new UsageError(`--named takes key=value arguments, not ${JSON.stringify(word)}`);
    params[word.slice(0, equals)] = parseArgumentWord(word.slice(equals + 1));
  }
  return params;
}
