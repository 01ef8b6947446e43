import type { SchedulerLike } from 'rxjs';
import type { CostGroupMember } from './costGroupInternals.js';
import type { SessionLogger } from './SessionLogger.js';

/** What the cost meter reads from its session, live (tunables may change while a session runs). */
export interface CostMeterHost {
  readonly bwCostPerByte: number;
  readonly costSoftLimit: number;
  readonly costHardLimit: number;
  readonly costDecayPerSec: number;
  readonly costSleep: number;
  readonly errorBaseCost: number;
  readonly initialConcurrent: number;
  readonly logger: SessionLogger;
  readonly scheduler: SchedulerLike;
  /** A dynamic amount added to cost when deciding how much to throttle. */
  extraCost(): number;
}

/**
 * A session's resource usage and what it implies: the incoming concurrency
 * target (shrinking from `initialConcurrent` to 0 between the soft and hard
 * limits) and the sleep before each request above the soft limit. Cost
 * decays with time, refunded whenever it is recalculated. A target of 0 is
 * the hard limit: the incoming dispatcher then refuses what the peer sends
 * and the session closes (see `IncomingDispatcher`).
 *
 * Every rule reads the *effective* cost ({@link CostMeter.effectiveCost}):
 * the session's own, plus its share of its cost group's when it is in one
 * (see `CostGroups`); each charge is also the group's.
 *
 * Internal to the session layer.
 */
export class CostMeter {
  /** The session's cost now (without the decay since the last recalculation). */
  cost = 0;
  /** Between 0 and 1: how far cost is between the soft and hard limits. */
  fraction = 0;
  /** How many incoming requests may run at once. */
  target: number;
  #effectiveAtRecalc = 0;
  #recalcTime: number;
  /** The session's cost group, once it has joined one. */
  #group: CostGroupMember | undefined;

  /**
   * @param host - the session
   * @param listener - told after each recalculation: statistics changed, the incoming limit may have moved
   */
  readonly #host: CostMeterHost;
  readonly #listener: { recalculated(): void };

  constructor(
    host: CostMeterHost,
    listener: { recalculated(): void },
  ) {
    this.#host = host;
    this.#listener = listener;
    this.target = Math.trunc(host.initialConcurrent);
    this.#recalcTime = host.scheduler.now() / 1000;
  }

  /** Seconds to sleep before running a request (0 under the soft limit). */
  get sleepSeconds(): number {
    return this.fraction * this.#host.costSleep;
  }

  /**
   * Adds (or refunds, if negative) cost; recalculates once it has drifted by
   * more than 100, or at once when it reaches the hard limit, so that the
   * limit is never passed unnoticed.
   */
  bump(delta: number): void {
    const before = this.cost;
    this.cost = Math.max(0, before + delta);
    this.#group?.charge(this.cost - before);
    const effective = this.effectiveCost;
    if (Math.abs(effective - this.#effectiveAtRecalc) > 100 || (this.target > 0 && this.#reachesHardLimit(effective))) this.recalc();
  }

  /**
   * The cost every rule reads: the session's own, plus `weight` × the rest
   * of its group's cost when it is in a group (what the other members,
   * present and past, were charged, still owed).
   */
  get effectiveCost(): number {
    const group = this.#group;
    return group === undefined ? this.cost : this.cost + group.share();
  }

  /** The key of the session's cost group, if it is in one. */
  get groupKey(): string | undefined {
    return this.#group?.group.key;
  }

  #reachesHardLimit(effective: number): boolean {
    const host = this.#host;
    return host.costHardLimit > host.costSoftLimit && effective >= host.costHardLimit;
  }

  /** Sets the cost as it is now (no decay owed for the time before) and recalculates. */
  set(cost: number): void {
    this.#decay();
    const owed = this.cost;
    this.cost = Math.max(0, cost);
    this.#group?.charge(this.cost - owed);
    this.recalc();
  }

  /**
   * The session is in `group` from now on: its cost so far becomes part of
   * the group's, and the throttle is recalculated at once (a new connection
   * of a client over its budget starts throttled).
   */
  join(group: CostGroupMember): void {
    this.recalc();
    this.#group = group;
    group.charge(this.cost);
    this.recalc();
  }

  /** The session has ended: it leaves its group, whose cost keeps what it was charged. */
  leave(): void {
    const group = this.#group;
    this.#group = undefined;
    group?.leave();
  }

  /** Bandwidth: `bytes` at `bwCostPerByte`. */
  bumpBytes(bytes: number): void {
    this.bump(bytes * this.#host.bwCostPerByte);
  }

  /** An error: `errorBaseCost` plus the error's own cost. */
  bumpError(ownCost: number): void {
    this.bump(this.#host.errorBaseCost + ownCost);
  }

  /** Refunds the decay since the last time, then recomputes the fraction and the concurrency target. */
  recalc(): void {
    const host = this.#host;
    this.#decay();
    const effective = this.effectiveCost;
    this.#effectiveAtRecalc = effective;
    const softRange = host.costHardLimit - host.costSoftLimit;
    if (softRange > 0) {
      const cost = effective + host.extraCost();
      this.fraction = Math.max(0, (cost - host.costSoftLimit) / softRange);
      const target = Math.max(0, Math.ceil((1 - this.fraction) * host.initialConcurrent));
      if (Math.abs(target - this.target) > 1) host.logger.info(`changing task concurrency from ${this.target} to ${target}`);
      this.target = Math.trunc(target);
    }
    this.#listener.recalculated();
  }

  /** The cost decays by `costDecayPerSec` from the last recalculation to now. */
  #decay(): void {
    const now = this.#host.scheduler.now() / 1000;
    this.cost = Math.max(0, this.cost - (now - this.#recalcTime) * this.#host.costDecayPerSec);
    this.#recalcTime = now;
  }
}
