import { INVALID_ARGS, INVALID_REQUEST } from './jsonrpcInternals.js';

/**
 * Options for {@link RPCError}.
 *
 * ## Example
 * ```ts
 * import { RPCError, type RPCErrorOptions } from 'rxrpcx';
 * const options: RPCErrorOptions = { cost: 500 };
 * throw new RPCError(1, 'too expensive', options);
 * ```
 */
export interface RPCErrorOptions {
  /**
   * Extra session cost this error charges the peer (on top of the session's
   * base error cost).
   * @default 0
   */
  readonly cost?: number;
  /** The underlying cause, kept on the standard `cause` property. */
  readonly cause?: unknown;
}

/**
 * The wire form of an error: what goes in a response's `"error"` member.
 *
 * ## Example
 * ```ts
 * import { RPCError, type RPCErrorJSON } from 'rxrpcx';
 * const wire: RPCErrorJSON = new RPCError(1, 'no').toJSON(); // { code: 1, message: 'no' }
 * ```
 */
export interface RPCErrorJSON {
  /** The JSON-RPC error code (`JSONRPC.METHOD_NOT_FOUND` and the like, or an application code). */
  readonly code: number;
  /** The error message, as sent. */
  readonly message: string;
}

/**
 * A JSON-RPC error: a numeric wire `code` and a `message`.
 *
 * A handler throws (or returns) one to answer a request with an error
 * response; a response that carries an error arrives as one. `toJSON()` gives
 * the wire `{code, message}`, so `JSON.stringify(error)` is the error object
 * of a response. `cost` lets a handler charge the peer extra for the failure.
 *
 * {@link ProtocolError} extends this class, so `instanceof RPCError` catches
 * both.
 *
 * ## Example
 *
 * ```ts
 * import { JSONRPC, RPCError } from 'rxrpcx';
 *
 * const error = new RPCError(JSONRPC.INVALID_ARGS, 'height must be positive');
 * JSON.stringify(error); // '{"code":-32602,"message":"height must be positive"}'
 * ```
 *
 * @param code - the numeric JSON-RPC error code (see the constants on `JSONRPC`)
 * @param message - the error message sent to the peer
 * @param options - `cost` and `cause`
 */
export class RPCError extends Error {
  /** `'RPCError'`, or `'ProtocolError'` for the subclass: a string that survives minification, unlike the class's own name. */
  override readonly name: 'RPCError' | 'ProtocolError' = 'RPCError';
  /** The JSON-RPC error code sent on the wire. */
  readonly code: number;
  /** Extra session cost of this error; the session may raise it. */
  cost: number;

  constructor(code: number, message: string, options: RPCErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.cost = options.cost ?? 0;
  }

  /** The wire form, `{code, message}`. */
  toJSON(): RPCErrorJSON {
    return { code: this.code, message: this.message };
  }

  /** An `INVALID_ARGS` (−32602) error with the given message, of the class it is called on (`ProtocolError.invalidArgs` makes a ProtocolError). */
  static invalidArgs<E extends RPCError>(this: new (code: number, message: string) => E, message: string): E {
    return new this(INVALID_ARGS, message);
  }

  /** An `INVALID_REQUEST` (−32600) error with the given message, of the class it is called on. */
  static invalidRequest<E extends RPCError>(this: new (code: number, message: string) => E, message: string): E {
    return new this(INVALID_REQUEST, message);
  }

  /** The `INVALID_REQUEST` error for an empty batch, `'batch is empty'`, of the class it is called on. */
  static emptyBatch<E extends RPCError>(this: new (code: number, message: string) => E): E {
    return new this(INVALID_REQUEST, 'batch is empty');
  }
}
