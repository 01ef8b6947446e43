import type { SchedulerLike } from 'rxjs';
import type { CostGroups } from './CostGroups.js';
import type { SessionBase } from './SessionBase.js';

/** What a group reads from its registry, live. */
export interface CostGroupHost {
  readonly weight: number;
  readonly costDecayPerSec: number;
  readonly scheduler: SchedulerLike;
  /** The group's last member left. */
  emptied(group: CostGroup): void;
}

/**
 * A cost account decaying at `costDecayPerSec` with a floor of 0, settled
 * lazily from timestamps when it is read or charged (no timer).
 */
class DecayingCost {
  value = 0;
  #at: number;

  constructor(private readonly host: CostGroupHost) {
    this.#at = host.scheduler.now() / 1000;
  }

  /** The value now. */
  settle(now: number): number {
    if (now !== this.#at) {
      this.value = Math.max(0, this.value - (now - this.#at) * this.host.costDecayPerSec);
      this.#at = now;
    }
    return this.value;
  }

  charge(delta: number, now: number): void {
    this.value = Math.max(0, this.settle(now) + delta);
  }
}

/**
 * One group's account: everything its members — present and past — were
 * charged, decaying at `costDecayPerSec` like one session's cost. Decay is
 * settled lazily from timestamps when the cost is read or charged, so a
 * group has no timer.
 *
 * Internal to the session layer; {@link CostGroups} holds them by key.
 */
export class CostGroup {
  /** Sessions in the group now. */
  members = 0;
  readonly #cost: DecayingCost;

  constructor(
    readonly key: string,
    private readonly host: CostGroupHost,
  ) {
    this.#cost = new DecayingCost(host);
  }

  /** The group's cost now: what its members charged, less the decay since. */
  cost(): number {
    return this.#cost.settle(this.host.scheduler.now() / 1000);
  }

  /** A session joins: its membership, through which it is charged. */
  join(): CostGroupMember {
    this.members += 1;
    return new CostGroupMember(this, this.host, this.#cost);
  }

  /** A member left (its charges stay, decaying). */
  left(): void {
    this.members -= 1;
    if (this.members === 0) this.host.emptied(this);
  }
}

/**
 * One session's membership of a group. It keeps the session's own charges
 * decaying exactly as the group's account does, so that "the rest of the
 * group" is the group's cost less that: a member alone in its group carries
 * nothing more, whatever the session's own (lazier) decay did meanwhile.
 */
export class CostGroupMember {
  readonly #mine: DecayingCost;

  constructor(
    readonly group: CostGroup,
    private readonly host: CostGroupHost,
    private readonly total: DecayingCost,
  ) {
    this.#mine = new DecayingCost(host);
  }

  /** Adds what the session was charged (or refunded, if negative) to the group. */
  charge(delta: number): void {
    if (delta === 0) return;
    const now = this.host.scheduler.now() / 1000;
    this.total.charge(delta, now);
    this.#mine.charge(delta, now);
  }

  /** What the session carries of the rest of its group: `weight` × (the group's cost − its own charges). */
  share(): number {
    const now = this.host.scheduler.now() / 1000;
    return this.host.weight * Math.max(0, this.total.settle(now) - this.#mine.settle(now));
  }

  /** The session has ended. */
  leave(): void {
    this.group.left();
  }
}

let join: ((groups: CostGroups, session: SessionBase<unknown>) => CostGroupMember | undefined) | undefined;

/** Lets {@link CostGroups} say how a session joins (its map of groups is private). */
export function bindJoin(implementation: NonNullable<typeof join>): void {
  join = implementation;
}

/** Puts `session` in its group of `groups` (by the registry's key), or nowhere (no key). */
export function joinGroup(groups: CostGroups, session: SessionBase<unknown>): CostGroupMember | undefined {
  return join?.(groups, session);
}
