import type { SchedulerLike } from 'rxjs';
import type { CostGroups } from './CostGroups';
import type { SessionBase } from './SessionBase';

/** What a group reads from its registry, live. */
export interface CostGroupHost {
  readonly weight: number;
  readonly costDecayPerSec: number;
  readonly scheduler: SchedulerLike;
  /** The group's last member left. */
  emptied(group: CostGroup): void;
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
  #cost = 0;
  #at: number;

  constructor(
    readonly key: string,
    private readonly host: CostGroupHost,
  ) {
    this.#at = host.scheduler.now() / 1000;
  }

  /** The group's cost now: what its members charged, less the decay since. */
  cost(): number {
    const host = this.host;
    const now = host.scheduler.now() / 1000;
    if (now !== this.#at) {
      this.#cost = Math.max(0, this.#cost - (now - this.#at) * host.costDecayPerSec);
      this.#at = now;
    }
    return this.#cost;
  }

  /** Adds what a member was charged (or refunded, if negative). */
  charge(delta: number): void {
    if (delta !== 0) this.#cost = Math.max(0, this.cost() + delta);
  }

  /**
   * What a member with cost `own` carries of the group: `weight` × the rest
   * of the group's cost (its own charges are already in `own`; a member
   * alone in its group carries nothing more).
   */
  share(own: number): number {
    return this.host.weight * Math.max(0, this.cost() - own);
  }

  /** A member left (its charges stay, decaying). */
  leave(): void {
    this.members -= 1;
    if (this.members === 0) this.host.emptied(this);
  }
}

let join: ((groups: CostGroups, session: SessionBase<unknown>) => CostGroup | undefined) | undefined;

/** Lets {@link CostGroups} say how a session joins (its map of groups is private). */
export function bindJoin(implementation: NonNullable<typeof join>): void {
  join = implementation;
}

/** Puts `session` in its group of `groups` (by the registry's key), or nowhere (no key). */
export function joinGroup(groups: CostGroups, session: SessionBase<unknown>): CostGroup | undefined {
  return join?.(groups, session);
}
