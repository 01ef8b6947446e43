/**
 * Jest `setupFiles`: sessions made without a `logger` are silent in the
 * suite, where thousands of handlers throw on purpose. Specs of the default
 * logger set it themselves (spec/session/defaultLogger.spec.ts).
 */
import { quietLogger, setDefaultLogger } from 'rxrpcx';

setDefaultLogger(quietLogger);
