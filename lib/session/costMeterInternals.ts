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
export interface CostMeter {
  /** The session's cost now (without the decay since the last recalculation). */
  readonly cost: number;
  /** Between 0 and 1: how far cost is between the soft and hard limits. */
  readonly fraction: number;
  /** How many incoming requests may run at once. */
  readonly target: number;
  /** Seconds to sleep before running a request (0 under the soft limit). */
  readonly sleepSeconds: number;
  /**
   * The cost every rule reads: the session's own, plus `weight` × the rest
   * of its group's cost when it is in a group (what the other members,
   * present and past, were charged, still owed).
   */
  readonly effectiveCost: number;
  /** The key of the session's cost group, if it is in one. */
  readonly groupKey: string | undefined;
  /**
   * Adds (or refunds, if negative) cost; recalculates once it has drifted by
   * more than 100, or at once when it reaches the hard limit, so that the
   * limit is never passed unnoticed.
   */
  bump(delta: number): void;
  /** Sets the cost as it is now (no decay owed for the time before) and recalculates. */
  set(cost: number): void;
  /**
   * The session is in `group` from now on: its cost so far becomes part of
   * the group's, and the throttle is recalculated at once (a new connection
   * of a client over its budget starts throttled).
   */
  join(group: CostGroupMember): void;
  /** The session has ended: it leaves its group, whose cost keeps what it was charged. */
  leave(): void;
  /** Bandwidth: `bytes` at `bwCostPerByte`. */
  bumpBytes(bytes: number): void;
  /** An error: `errorBaseCost` plus the error's own cost. */
  bumpError(ownCost: number): void;
  /** Refunds the decay since the last time, then recomputes the fraction and the concurrency target. */
  recalc(): void;
}

/**
 * A session's {@link CostMeter}; its state lives in this closure.
 * @param host - the session
 * @param listener - told after each recalculation: statistics changed, the incoming limit may have moved
 */
export function costMeter(host: CostMeterHost, listener: { recalculated(): void }): CostMeter {
  let cost = 0;
  let fraction = 0;
  let target = Math.trunc(host.initialConcurrent);
  let effectiveAtRecalc = 0;
  let recalcTime = host.scheduler.now() / 1000;
  /** The session's cost group, once it has joined one. */
  let group: CostGroupMember | undefined;

  const effectiveCost = (): number => (group === undefined ? cost : cost + group.share());
  const seconds = (): number => host.scheduler.now() / 1000;

  const recalc = (): void => {
    const now = seconds();
    cost = Math.max(0, cost - (now - recalcTime) * host.costDecayPerSec);
    recalcTime = now;
    const effective = effectiveCost();
    effectiveAtRecalc = effective;
    const softRange = host.costHardLimit - host.costSoftLimit;
    if (softRange > 0) {
      fraction = Math.max(0, (effective + host.extraCost() - host.costSoftLimit) / softRange);
      const next = Math.max(0, Math.ceil((1 - fraction) * host.initialConcurrent));
      if (Math.abs(next - target) > 1) host.logger.info(`changing task concurrency from ${target} to ${next}`);
      target = Math.trunc(next);
    }
    listener.recalculated();
  };

  const bump = (delta: number): void => {
    const before = cost;
    cost = Math.max(0, before + delta);
    group?.charge(cost - before);
    const effective = effectiveCost();
    const reachesHardLimit = host.costHardLimit > host.costSoftLimit && effective >= host.costHardLimit;
    if (Math.abs(effective - effectiveAtRecalc) > 100 || (target > 0 && reachesHardLimit)) recalc();
  };

  return {
    get cost() {
      return cost;
    },
    get fraction() {
      return fraction;
    },
    get target() {
      return target;
    },
    get sleepSeconds() {
      return fraction * host.costSleep;
    },
    get effectiveCost() {
      return effectiveCost();
    },
    get groupKey() {
      return group?.group.key;
    },
    bump,
    set(value) {
      const now = seconds();
      const owed = Math.max(0, cost - (now - recalcTime) * host.costDecayPerSec);
      cost = Math.max(0, value);
      group?.charge(cost - owed);
      recalcTime = now;
      recalc();
    },
    join(joined) {
      recalc();
      group = joined;
      joined.charge(cost);
      recalc();
    },
    leave() {
      const left = group;
      group = undefined;
      left?.leave();
    },
    bumpBytes: (bytes) => bump(bytes * host.bwCostPerByte),
    bumpError: (ownCost) => bump(host.errorBaseCost + ownCost),
    recalc,
  };
}
