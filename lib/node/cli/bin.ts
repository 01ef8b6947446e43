#!/usr/bin/env node
/**
 * The `rxrpcx` executable (the package's `bin`): runs {@link main} on the
 * process's arguments; Ctrl-C aborts the command's signal (a second one
 * exits at once). Only ever run, never imported — the one module of the
 * package that acts when loaded.
 *
 * @packageDocumentation
 */
import { ExitCode } from './ExitCode.js';
import { InterruptedError } from './InterruptedError.js';
import { main } from './main.js';
import { Output } from './Output.js';

const out = new Output({ stdout: process.stdout, stderr: process.stderr });
// `rxrpcx call … | head -1`: a closed pipe ends the command, quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => process.exit(error.code === 'EPIPE' ? ExitCode.OK : ExitCode.USAGE));
const controller = new AbortController();
const onSignal = (signal: NodeJS.Signals): void => {
  if (controller.signal.aborted) process.exit(ExitCode.INTERRUPTED);
  controller.abort(new InterruptedError(signal));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
void main(process.argv.slice(2), out, controller.signal).then((code) => {
  out.spinner.stop();
  process.exitCode = code;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  // Everything is closed by now; should a handle linger, do not hang on it.
  setTimeout(() => process.exit(code), 1000).unref();
});
