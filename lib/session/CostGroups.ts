import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { subnetKey, type SubnetPrefixes } from '../util/subnetKey.js';
import { CostGroup, bindJoin, type CostGroupHost, type CostGroupMember } from './costGroupInternals.js';
import type { SessionBase } from './SessionBase.js';
import { sessionDefaults } from './SessionOptions.js';
import { errorText } from './sessionInternals.js';

/**
 * Names the cost group a session belongs to, or `undefined` for none (the
 * session is then charged alone, as without groups). Called once, when the
 * session starts, so a subclass's fields are set by then.
 *
 * ## Example
 * ```ts
 * import { CostGroups, subnetKey, type CostGroupKey } from 'rxrpcx';
 * // IPv6 clients by /48; the local host in no group.
 * const key: CostGroupKey = (session) => {
 *   const host = session.remoteAddress()?.host;
 *   return host === undefined || host === '127.0.0.1' ? undefined : subnetKey(host, { ipv6Prefix: 48 });
 * };
 * const groups = new CostGroups({ key });
 * ```
 */
export type CostGroupKey = (session: SessionBase<unknown>) => string | undefined;

/**
 * How {@link CostGroups} groups sessions and charges them.
 *
 * ## Example
 * ```ts
 * import { CostGroups, type CostGroupsOptions } from 'rxrpcx';
 * const options: CostGroupsOptions = { ipv4Prefix: 16, weight: 0.5 };
 * const groups = new CostGroups(options);
 * ```
 */
export interface CostGroupsOptions extends SubnetPrefixes {
  /**
   * The group of a session. @default the subnet of `remoteAddress()` (see
   * {@link subnetKey}: `ipv4Prefix` and `ipv6Prefix` bits; IPv4-mapped IPv6
   * as IPv4); a session with no remote address is in no group
   */
  readonly key?: CostGroupKey;
  /**
   * How much of the rest of its group's cost each session carries: 1 judges
   * every member by the whole group's cost (N connections get what one
   * does), 0 turns groups off. @default 1
   */
  readonly weight?: number;
  /** Cost each group refunds per second, as one session does. @default sessionDefaults.costDecayPerSec (10000 / 3600) */
  readonly costDecayPerSec?: number;
  /** The clock decay is counted on: the sessions' scheduler. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * Groups sessions by client so that opening more connections buys no more
 * budget: each session is throttled, delayed and, at the hard limit,
 * disconnected by its *effective* cost,
 *
 *     effective = own cost + weight × (group cost − own charges)
 *
 * where a group's cost is everything its members — those connected now and
 * those gone — were charged, decaying at `costDecayPerSec` like one
 * session's, and a session's own charges are what it added to that, decaying
 * the same way (so nothing is counted twice). A session alone in its group gets exactly what it gets without
 * groups; with weight 1, ten connections from one subnet share one
 * session's budget and one session's decay. Groups are ElectrumX's session
 * groups, built into the cost meter.
 *
 * By default a session's group is the subnet of its remote address (/24 for
 * IPv4, /56 for IPv6). One registry serves one server (`serveRs(…, {
 * costGroups: true })` makes it) or several that share it; sessions made by
 * hand join with the `costGroups` session option. A group with no members
 * is forgotten once its cost has decayed to 0, so memory follows the live
 * groups; until then a client that reconnects finds its cost still there.
 *
 * ## Example
 * ```ts
 * import { CostGroups, NetAddress, RPCSession, memoryTransportPair } from 'rxrpcx';
 * const groups = new CostGroups();
 * const [, serverEnd] = memoryTransportPair({ addresses: [undefined, new NetAddress('192.0.2.7', 50123)] });
 * const session = new RPCSession(serverEnd, { costGroups: groups });
 * session.start();
 * console.log(session.costGroup, groups.members('192.0.2.0/24')); // 192.0.2.0/24 1
 * ```
 */
export class CostGroups {
  /** How much of the rest of its group's cost a session carries (see {@link CostGroupsOptions.weight}). */
  readonly weight: number;
  /** Cost each group refunds per second. */
  readonly costDecayPerSec: number;
  /** The clock decay is counted on. */
  readonly scheduler: SchedulerLike;
  readonly #key: CostGroupKey;
  readonly #groups = new Map<string, CostGroup>();
  readonly #host: CostGroupHost;
  /** Groups held with no members (their cost not yet decayed). */
  #idle = 0;
  /** Sweep the idle groups when there are this many (doubling keeps sweeps amortised O(1)). */
  #sweepAt = 16;

  /**
   * @param options - the key (default: the remote subnet), prefixes, weight, decay and clock
   * @throws RangeError if a prefix, the weight or the decay is out of range
   */
  constructor(options: CostGroupsOptions = {}) {
    const weight = options.weight ?? 1;
    const decay = options.costDecayPerSec ?? sessionDefaults.costDecayPerSec;
    if (!(weight >= 0 && Number.isFinite(weight))) throw new RangeError(`weight must be a finite number ≥ 0, not ${weight}`);
    if (!(decay >= 0 && Number.isFinite(decay))) throw new RangeError(`costDecayPerSec must be a finite number ≥ 0, not ${decay}`);
    const prefixes: SubnetPrefixes = { ipv4Prefix: options.ipv4Prefix ?? 24, ipv6Prefix: options.ipv6Prefix ?? 56 };
    subnetKey('::', prefixes); // checks both prefixes now, not at the first connection
    this.weight = weight;
    this.costDecayPerSec = decay;
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.#key = options.key ?? ((session) => remoteSubnet(session, prefixes));
    this.#host = {
      weight,
      costDecayPerSec: decay,
      scheduler: this.scheduler,
      emptied: (group) => this.#emptied(group),
    };
  }

  /** The groups held: those with members, and those without whose cost has not decayed yet (swept now and then). */
  get size(): number {
    return this.#groups.size;
  }

  /**
   * The group `session` belongs to by this registry's key, whether or not it
   * has joined.
   */
  keyOf(session: SessionBase<unknown>): string | undefined {
    return this.#key(session);
  }

  /** The cost of group `key` now (decay counted), or 0 for a group not held. */
  cost(key: string): number {
    const group = this.#groups.get(key);
    if (group === undefined) return 0;
    const cost = group.cost();
    if (cost === 0 && group.members === 0) this.#forget(group);
    return cost;
  }

  /** How many sessions are in group `key` now. */
  members(key: string): number {
    return this.#groups.get(key)?.members ?? 0;
  }

  static {
    bindJoin((groups, session) => groups.#join(session));
  }

  #join(session: SessionBase<unknown>): CostGroupMember | undefined {
    let key: string | undefined;
    try {
      key = this.#key(session);
    } catch (error) {
      session.logger.error(`cost group key failed, the session is in no group: ${errorText(error)}`);
      return undefined;
    }
    if (key === undefined) return undefined;
    let group = this.#groups.get(key);
    if (group === undefined) {
      group = new CostGroup(key, this.#host);
      this.#groups.set(key, group);
    } else if (group.members === 0) {
      this.#idle -= 1;
    }
    return group.join();
  }

  #emptied(group: CostGroup): void {
    if (group.cost() === 0) {
      this.#groups.delete(group.key);
      return;
    }
    this.#idle += 1;
    if (this.#idle >= this.#sweepAt) this.#sweep();
  }

  #forget(group: CostGroup): void {
    this.#groups.delete(group.key);
    this.#idle -= 1;
  }

  /** Forgets every memberless group whose cost has decayed to 0. */
  #sweep(): void {
    for (const group of this.#groups.values()) {
      if (group.members === 0 && group.cost() === 0) this.#forget(group);
    }
    this.#sweepAt = Math.max(16, 2 * this.#idle);
  }
}

function remoteSubnet(session: SessionBase<unknown>, prefixes: SubnetPrefixes): string | undefined {
  const address = session.remoteAddress();
  return address === undefined ? undefined : subnetKey(address.host, prefixes);
}
