import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './UsageError.js';

/** Marks a negative number while parseArgs reads the words. */
const NEGATIVE = '\u0000negative:';

type Parsed<O extends NonNullable<ParseArgsConfig['options']>> = ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>;

/**
 * `util.parseArgs` in strict mode with positionals, its errors (an unknown
 * flag, a missing value) turned into {@link UsageError}s. A word that is a
 * negative number is a positional argument.
 *
 * @param args - the words after the command's name
 * @param options - the command's flags
 * @returns the flag values and the positionals
 */
export function parseFlags<O extends NonNullable<ParseArgsConfig['options']>>(args: readonly string[], options: O): Parsed<O> {
  // A negative number (`fail -32000 nope`) is an argument, never a flag: hide it from parseArgs.
  const hidden = args.map((word) => (/^-(\d|\.\d)/.test(word) ? `${NEGATIVE}${word}` : word));
  try {
    const parsed = parseArgs({ args: hidden, options, allowPositionals: true, strict: true });
    const reveal = (word: unknown): unknown => (typeof word === 'string' && word.startsWith(NEGATIVE) ? word.slice(NEGATIVE.length) : word);
    const values = Object.fromEntries(Object.entries(parsed.values).map(([name, value]) => [name, Array.isArray(value) ? value.map(reveal) : reveal(value)]));
    return { values, positionals: parsed.positionals.map(reveal) } as Parsed<O>;
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}
