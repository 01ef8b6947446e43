import { clearLine, cursorTo } from 'node:readline';
import { asyncScheduler, Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs';

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
  /** Drives the delay, the frames and the elapsed time. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * A one-line spinner with the elapsed time (`⠹ connecting to tls://…:50002  1.4s`),
 * drawn on a terminal stream (stderr) with `readline.cursorTo` / `clearLine`,
 * so stdout stays clean for the answer. On a stream that is not a terminal it
 * draws nothing. Its timing runs on the scheduler option, so a TestScheduler
 * can drive it; the command line stops it before it exits.
 */
export class Spinner {
  readonly #stream: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly #options: Required<SpinnerOptions>;
  #label = '';
  #since = 0;
  #frame = 0;
  #drawn = false;
  #running = Subscription.EMPTY;

  /**
   * @param stream - where to draw (stderr); nothing is drawn unless it is a TTY
   * @param options - delay, interval, label style
   */
  constructor(stream: NodeJS.WritableStream & { readonly isTTY?: boolean }, options: SpinnerOptions = {}) {
    this.#stream = stream;
    this.#options = {
      delay: options.delay ?? 150,
      interval: options.interval ?? 80,
      style: options.style ?? ((text) => text),
      scheduler: options.scheduler ?? asyncScheduler,
    };
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
    this.#since = this.#options.scheduler.now();
    if (!this.#running.closed) return;
    const draw = (): void => this.#draw();
    const interval = this.#options.interval;
    // One action: the first frame after the delay, then one per interval.
    this.#running = this.#options.scheduler.schedule(function (this: SchedulerAction<unknown>) {
      draw();
      this.schedule(undefined, interval);
    }, this.#options.delay);
  }

  /** Stops and erases the spinner's line. */
  stop(): void {
    this.#running.unsubscribe();
    if (this.#drawn) {
      cursorTo(this.#stream, 0);
      clearLine(this.#stream, 0);
      this.#drawn = false;
    }
  }

  #draw(): void {
    const seconds = ((this.#options.scheduler.now() - this.#since) / 1000).toFixed(1);
    const frame = FRAMES[this.#frame++ % FRAMES.length]!;
    cursorTo(this.#stream, 0);
    clearLine(this.#stream, 0);
    this.#stream.write(`${frame} ${this.#options.style(`${this.#label}  ${seconds}s`)}`);
    this.#drawn = true;
  }
}
