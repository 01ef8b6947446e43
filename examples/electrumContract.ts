/**
 * A method contract for the common methods of the Electrum protocol 1.4, as
 * ElectrumX serves it: type a client session with it and every call's
 * method name, arguments and result are checked at compile time; type a
 * server's handlers with it and each handler's parameters and result are.
 *
 * Results are written as the JSON the server sends (amounts in satoshis are
 * numbers; fees in coins per kilobyte are floating-point numbers). The
 * contract is a compile-time promise only: nothing checks a server's replies
 * at run time.
 *
 * ```ts
 * const client = new RPCSession<ElectrumProtocol>(transport);
 * const [software, protocol] = await client.sendRequest('server.version', ['my wallet', '1.4']);
 * const { confirmed } = await client.sendRequest('blockchain.scripthash.get_balance', [scripthash]);
 * ```
 *
 * `spec/types/contract.spec.ts` proves that calls and handlers which break
 * this contract do not compile, and runs a typed server against a typed
 * client.
 */
import type { MethodContract } from 'rxrpcx';

/** A hexadecimal string: a hash, a raw header or a raw transaction. */
export type Hex = string;

/**
 * A script hash as Electrum servers index it: the SHA-256 of an output
 * script, byte-reversed, as a hexadecimal string.
 */
export type ScriptHash = Hex;

/**
 * The status of a script hash: a hash of its history (confirmed and
 * mempool transactions), or `null` when it has none.
 */
export type ScriptHashStatus = Hex | null;

/** The chain tip, as `blockchain.headers.subscribe` answers and notifies it. */
export interface HeaderNotification {
  /** The block height. */
  readonly height: number;
  /** The raw block header. */
  readonly hex: Hex;
}

/** A header with its proof against a checkpoint (`blockchain.block.header` with a non-zero `cp_height`). */
export interface HeaderWithProof {
  /** The merkle branch of `header` up to `root`, deepest pairing first. */
  readonly branch: readonly Hex[];
  /** The raw block header. */
  readonly header: Hex;
  /** The merkle root of all headers up to and including `cp_height`. */
  readonly root: Hex;
}

/** A run of headers (`blockchain.block.headers`). */
export interface HeadersChunk {
  /** How many headers came back: up to the number asked for, and at most `max`. */
  readonly count: number;
  /** The raw headers, concatenated in order. */
  readonly hex: Hex;
  /** The most headers the server returns for one request. */
  readonly max: number;
  /** With a non-zero `cp_height` and `count`: the merkle root of all headers up to `cp_height`. */
  readonly root?: Hex;
  /** With a non-zero `cp_height` and `count`: the merkle branch of the last header up to `root`. */
  readonly branch?: readonly Hex[];
}

/** The balances of a script hash, in satoshis. */
export interface Balance {
  /** From confirmed transactions. */
  readonly confirmed: number;
  /** From mempool transactions (may be negative). */
  readonly unconfirmed: number;
}

/** A transaction in a script hash's history (`blockchain.scripthash.get_history`). */
export interface HistoryItem {
  /** The block height; 0 for a mempool transaction whose inputs are confirmed, -1 for one whose inputs are not. */
  readonly height: number;
  /** The transaction hash. */
  readonly tx_hash: Hex;
  /** Mempool transactions only: the fee in satoshis. */
  readonly fee?: number;
}

/** A mempool transaction touching a script hash (`blockchain.scripthash.get_mempool`). */
export interface MempoolItem {
  /** 0 if all its inputs are confirmed, -1 otherwise. */
  readonly height: 0 | -1;
  /** The transaction hash. */
  readonly tx_hash: Hex;
  /** The fee in satoshis. */
  readonly fee: number;
}

/** An unspent output paying a script hash (`blockchain.scripthash.listunspent`). */
export interface Utxo {
  /** The block height; 0 for a mempool transaction. */
  readonly height: number;
  /** The output's index in its transaction. */
  readonly tx_pos: number;
  /** The transaction hash. */
  readonly tx_hash: Hex;
  /** The value in satoshis. */
  readonly value: number;
}

/** A transaction's merkle proof (`blockchain.transaction.get_merkle`). */
export interface MerkleProof {
  /** The height of the block that confirmed it. */
  readonly block_height: number;
  /** The hashes it pairs with up to the block's merkle root, deepest first. */
  readonly merkle: readonly Hex[];
  /** Its index in the block. */
  readonly pos: number;
}

/** Where a server can be reached (`server.features` `hosts`). */
export interface HostPorts {
  /** The TLS port; absent or null without TLS. */
  readonly ssl_port?: number | null;
  /** The TCP port; absent or null without plain TCP. */
  readonly tcp_port?: number | null;
}

/** What `server.features` reports (servers may add other keys). */
export interface ServerFeatures {
  /** Host names the server can be reached at, with their ports. */
  readonly hosts: Readonly<Record<string, HostPorts>>;
  /** The genesis block hash: tells which network the server serves. */
  readonly genesis_hash: Hex;
  /** The hash function of script hashes (`'sha256'`). */
  readonly hash_function: string;
  /** The server software, as `server.version` reports it. */
  readonly server_version: string;
  /** The newest protocol version the server speaks. */
  readonly protocol_max: string;
  /** The oldest protocol version the server speaks. */
  readonly protocol_min: string;
  /** The pruning limit, or null for none. */
  readonly pruning: number | null;
  /** Any further feature. */
  readonly [feature: string]: unknown;
}

/**
 * A peer server (`server.peers.subscribe`): its IP address, its host name,
 * and feature strings such as `'v1.4'` (protocol), `'p10000'` (pruning),
 * `'t50001'` (TCP port), `'s50002'` (TLS port).
 */
export type Peer = readonly [ip: string, host: string, features: readonly string[]];

/**
 * The common methods of the Electrum protocol 1.4, as served by ElectrumX:
 * a {@link MethodContract} for `RPCSession<ElectrumProtocol>`.
 *
 * Each entry gives the positional params (with their names from the
 * protocol documentation; `?` where the server has a default), the result,
 * and for the two subscriptions the arguments of the notifications they
 * bring.
 */
export interface ElectrumProtocol extends MethodContract {
  /** Names the client and negotiates the protocol version: answers `[server software, protocol version]`. Only the first call of a session is accepted. */
  'server.version': {
    params: [client_name?: string, protocol_version?: string | readonly [protocol_min: string, protocol_max: string]];
    result: [server_software: string, protocol_version: string];
  };
  /** Keeps the session alive; answers null. */
  'server.ping': { params: []; result: null };
  /** A banner to show the user. */
  'server.banner': { params: []; result: string };
  /** The server's features and services. */
  'server.features': { params: []; result: ServerFeatures };
  /** A donation address (may be empty). */
  'server.donation_address': { params: []; result: string };
  /** The server's peers. Despite the name, not a subscription: no notifications follow. */
  'server.peers.subscribe': { params: []; result: Peer[] };
  /** Subscribes to new chain tips: answers the current tip, then notifies each new one. */
  'blockchain.headers.subscribe': {
    params: [];
    result: HeaderNotification;
    notification: [header: HeaderNotification];
  };
  /** The raw header at a height; with a non-zero `cp_height`, with its proof against that checkpoint. */
  'blockchain.block.header': { params: [height: number, cp_height?: number]; result: Hex | HeaderWithProof };
  /** A run of raw headers from the main chain (with a proof when `cp_height` is non-zero). */
  'blockchain.block.headers': { params: [start_height: number, count: number, cp_height?: number]; result: HeadersChunk };
  /** The fee, in coins per kilobyte, for confirmation within `number` blocks; -1 when the daemon cannot estimate. */
  'blockchain.estimatefee': { params: [number: number]; result: number };
  /** The lowest fee, in coins per kilobyte, the daemon relays. */
  'blockchain.relayfee': { params: []; result: number };
  /** The confirmed and unconfirmed balances of a script hash. */
  'blockchain.scripthash.get_balance': { params: [scripthash: ScriptHash]; result: Balance };
  /** The confirmed history of a script hash in block order, then its mempool transactions. */
  'blockchain.scripthash.get_history': { params: [scripthash: ScriptHash]; result: HistoryItem[] };
  /** The mempool transactions of a script hash. */
  'blockchain.scripthash.get_mempool': { params: [scripthash: ScriptHash]; result: MempoolItem[] };
  /** The unspent outputs paying a script hash, mempool included. */
  'blockchain.scripthash.listunspent': { params: [scripthash: ScriptHash]; result: Utxo[] };
  /** Subscribes to a script hash: answers its status, then notifies `[scripthash, status]` on each change. */
  'blockchain.scripthash.subscribe': {
    params: [scripthash: ScriptHash];
    result: ScriptHashStatus;
    notification: [scripthash: ScriptHash, status: ScriptHashStatus];
  };
  /** Ends a subscription: answers whether the script hash was subscribed (protocol 1.4.2). */
  'blockchain.scripthash.unsubscribe': { params: [scripthash: ScriptHash]; result: boolean };
  /** A raw transaction; with `verbose`, the coin daemon's decoded form. */
  'blockchain.transaction.get': {
    params: [tx_hash: Hex, verbose?: boolean];
    result: Hex | Readonly<Record<string, unknown>>;
  };
  /** Broadcasts a raw transaction: answers its hash (a rejection is an RPC error). */
  'blockchain.transaction.broadcast': { params: [raw_tx: Hex]; result: Hex };
  /** The merkle proof of a confirmed transaction. */
  'blockchain.transaction.get_merkle': { params: [tx_hash: Hex, height: number]; result: MerkleProof };
  /** The mempool's fee histogram: `[fee rate, cumulative vsize]` pairs, highest rate first. */
  'mempool.get_fee_histogram': { params: []; result: [fee: number, vsize: number][] };
}
