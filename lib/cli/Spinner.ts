import { clearLine, cursorTo } from 'node:readline';

/** Braille frames, as most terminal spinners use. */
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Options of a {@link Spinner}. */
export interface SpinnerOptions {
  /** Milliseconds of waiting before the spinner shows, so a quick answer never flickers. @default 150 */
  readonly delay?: number;
  /** Milliseconds between frames. @default 80 */
  readonly interval?: number;
  /** Styles the label (e.g. dim), or leaves it. @default as it is */
  readonly style?: (text: string) => string;
}

/**
 * A one-line spinner with the elapsed time (`⠹ connecting to tls://…:50002  1.4s`),
 * drawn on a terminal stream (stderr) with `readline.cursorTo` / `clearLine`,
 * so stdout stays clean for the answer. On a stream that is not a terminal it
 * draws nothing. Its timers are unref'd: it never keeps the process alive.
 */
export class Spinner {
  readonly #stream: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly #options: Required<SpinnerOptions>;
  #label = '';
  #since = 0;
  #frame = 0;
  #drawn = false;
  #timer: NodeJS.Timeout | undefined;
  #delayTimer: NodeJS.Timeout | undefined;

  /**
   * @param stream - where to draw (stderr); nothing is drawn unless it is a TTY
   * @param options - delay, interval, label style
   */
  constructor(stream: NodeJS.WritableStream & { readonly isTTY?: boolean }, options: SpinnerOptions = {}) {
    this.#stream = stream;
    this.#options = { delay: options.delay ?? 150, interval: options.interval ?? 80, style: options.style ?? ((text) => text) };
  }

  /** Whether this spinner draws at all (its stream is a terminal). */
  get enabled(): boolean {
    return this.#stream.isTTY === true;
  }

  /**
   * Shows `label` and the time since this call, after the delay; a spinner
   * already running switches to the new label and restarts its clock.
   */
  start(label: string): void {
    if (!this.enabled) return;
    this.#label = label;
    this.#since = Date.now();
    if (this.#timer !== undefined || this.#delayTimer !== undefined) return;
    this.#delayTimer = setTimeout(() => {
      this.#delayTimer = undefined;
      this.#draw();
      this.#timer = setInterval(() => this.#draw(), this.#options.interval);
      this.#timer.unref();
    }, this.#options.delay);
    this.#delayTimer.unref();
  }

  /** Stops and erases the spinner's line. */
  stop(): void {
    clearTimeout(this.#delayTimer);
    clearInterval(this.#timer);
    this.#delayTimer = undefined;
    this.#timer = undefined;
    if (this.#drawn) {
      cursorTo(this.#stream, 0);
      clearLine(this.#stream, 0);
      this.#drawn = false;
    }
  }

  #draw(): void {
    const seconds = ((Date.now() - this.#since) / 1000).toFixed(1);
    const frame = FRAMES[this.#frame++ % FRAMES.length]!;
    cursorTo(this.#stream, 0);
    clearLine(this.#stream, 0);
    this.#stream.write(`${frame} ${this.#options.style(`${this.#label}  ${seconds}s`)}`);
    this.#drawn = true;
  }
}
