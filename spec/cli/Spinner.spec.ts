/**
 * The command line's spinner in virtual time: nothing before the delay, then
 * a frame per interval with the elapsed time, a new label restarting the
 * clock, erased on stop, and nothing at all on a stream that is not a TTY.
 */
import { Writable } from 'node:stream';
import { asyncScheduler } from 'rxjs';
import { Spinner } from '../../lib/node/cli/Spinner';
import { testScheduler } from '../session/sessionTestKit';

/** A terminal-like stream that keeps what was drawn last, and when. */
function terminal(isTTY: boolean, now: () => number) {
  const frames: string[] = [];
  let line = '';
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        const text = chunk.toString();
        // readline's cursorTo(0) and clearLine(0) are escape sequences; keep only the drawn text.
        const drawn = text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '').replace(/\r/g, '');
        if (drawn !== '') {
          line = drawn;
          frames.push(`${now()} ${line}`);
        } else if (/\u001b\[2K/.test(text)) line = '';
        done();
      },
    }),
    { isTTY },
  );
  return { stream, frames, line: () => line };
}

describe('Spinner', () => {
  it('draws after the delay, then each interval, with the time since start; a new label restarts the clock; stop erases it', () => {
    let result: ReturnType<typeof terminal> | undefined;
    testScheduler().run(({ flush }) => {
      const scheduler = asyncScheduler; // virtual inside the run
      const tty = terminal(true, () => scheduler.now());
      result = tty;
      const spinner = new Spinner(tty.stream, { delay: 200, interval: 100, scheduler });
      spinner.start('connecting');
      scheduler.schedule(() => spinner.start('waiting'), 410);
      scheduler.schedule(() => spinner.stop(), 650);
      flush();
    });
    const frames = result!.frames.map((f) => f.replace(/^(\d+) \S+ /, '$1 '));
    expect(frames).toEqual([
      '200 connecting  0.2s',
      '300 connecting  0.3s',
      '400 connecting  0.4s',
      '500 waiting  0.1s', // the clock restarted at 410
      '600 waiting  0.2s',
    ]);
    expect(result!.line()).toBe('');
  });

  it('draws nothing on a stream that is not a terminal', () => {
    let frames: string[] = [];
    testScheduler().run(({ flush }) => {
      const scheduler = asyncScheduler; // virtual inside the run
      const pipe = terminal(false, () => scheduler.now());
      frames = pipe.frames;
      const spinner = new Spinner(pipe.stream, { scheduler });
      expect(spinner.enabled).toBe(false);
      spinner.start('connecting');
      scheduler.schedule(() => spinner.stop(), 1000);
      flush();
    });
    expect(frames).toEqual([]);
  });
});
