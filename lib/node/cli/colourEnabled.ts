/** The parts of a stream {@link colourEnabled} looks at. */
export interface ColourStream {
  readonly isTTY?: boolean;
  hasColors?(): boolean;
}

/**
 * Whether to colour what goes to `stream`: `FORCE_COLOR` (not `0`) forces it
 * on; otherwise only a terminal gets colour, and Node's own check
 * (`tty.WriteStream#hasColors`, which honours `NO_COLOR`,
 * `NODE_DISABLE_COLORS` and `TERM=dumb`) has the last word.
 *
 * @param stream - stdout or stderr
 * @param env - the environment
 * @returns true to colour
 */
export function colourEnabled(stream: ColourStream, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  if (stream.isTTY !== true) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.hasColors?.() ?? false;
}
