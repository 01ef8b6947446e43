import { styleText } from 'node:util';
import { NotConnectedError } from '../index.js';
import { colourEnabled } from './colourEnabled.js';
import { formatJSON } from './formatJSON.js';
import { Spinner } from './Spinner.js';

/** The streams and environment an {@link Output} writes to. */
export interface OutputStreams {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Everything the CLI shows: JSON values on stdout — indented and coloured on
 * a terminal, one compact value per line when piped (so `| jq` works) —
 * and errors, logs and the spinner on stderr, coloured only where stderr is a
 * terminal that takes colour.
 */
export class Output {
  readonly #stdout: NodeJS.WriteStream;
  readonly #stderr: NodeJS.WriteStream;
  /** Values are indented (stdout is a terminal). */
  readonly pretty: boolean;
  /** stdout is coloured. */
  readonly colour: boolean;
  /** stderr is coloured. */
  readonly errorColour: boolean;
  /** The spinner, on stderr. */
  readonly spinner: Spinner;

  /** @param streams - stdout, stderr and the environment (for `NO_COLOR` / `FORCE_COLOR`) */
  constructor(streams: OutputStreams) {
    const env = streams.env ?? process.env;
    this.#stdout = streams.stdout;
    this.#stderr = streams.stderr;
    this.pretty = streams.stdout.isTTY === true;
    this.colour = colourEnabled(streams.stdout, env);
    this.errorColour = colourEnabled(streams.stderr, env);
    this.spinner = new Spinner(streams.stderr, { style: (text) => this.#paint('dim', text) });
  }

  /** Writes one JSON value to stdout. */
  value(value: unknown): void {
    this.spinner.stop();
    this.#stdout.write(`${formatJSON(value, { pretty: this.pretty, colour: this.colour })}\n`);
  }

  /** Writes a line of text to stdout (help, version). */
  text(text: string): void {
    this.#stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Writes a log line to stderr. */
  log(text: string): void {
    this.spinner.stop();
    this.#stderr.write(`${text}\n`);
  }

  /**
   * Writes an error to stderr as `error: Name [code]: message`, then its
   * causes, one per line. A client that gave up is shown by its last error.
   */
  error(error: unknown): void {
    this.spinner.stop();
    const shown = error instanceof NotConnectedError && error.cause !== undefined ? error.cause : error;
    const lines = [`${this.#paint('red', 'error:')} ${describeError(shown)}`];
    let cause = shown instanceof Error ? shown.cause : undefined;
    for (let depth = 0; cause !== undefined && depth < 5; depth++) {
      lines.push(`  ${this.#paint('dim', 'cause:')} ${describeError(cause)}`);
      cause = cause instanceof Error ? cause.cause : undefined;
    }
    this.#stderr.write(`${lines.join('\n')}\n`);
  }

  /** Styles stderr text when stderr takes colour. */
  paintError(format: Parameters<typeof styleText>[0], text: string): string {
    return this.#paint(format, text);
  }

  #paint(format: Parameters<typeof styleText>[0], text: string): string {
    return this.errorColour ? styleText(format, text) : text;
  }
}

/**
 * `Name [code]: message` for an error (the `code` a JSON-RPC number or a
 * stable string), or the value as text for anything else thrown.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const codeText = typeof code === 'number' || typeof code === 'string' ? ` ${code}` : '';
  const reason = (error as { reason?: unknown }).reason;
  const reasonText = typeof reason === 'string' ? ` (${reason})` : '';
  return `${error.name}${codeText}${reasonText}: ${error.message}`;
}
