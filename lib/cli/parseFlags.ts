import { parseArgs, type ParseArgsConfig } from 'node:util';

type Parsed<O extends NonNullable<ParseArgsConfig['options']>> = ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>;
import { UsageError } from './UsageError';

/**
 * `util.parseArgs` in strict mode with positionals, its errors (an unknown
 * flag, a missing value) turned into {@link UsageError}s.
 *
 * @param args - the words after the command's name
 * @param options - the command's flags
 * @returns the flag values and the positionals
 */
export function parseFlags<O extends NonNullable<ParseArgsConfig['options']>>(args: readonly string[], options: O): Parsed<O> {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}
