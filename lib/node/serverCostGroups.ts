import type { SchedulerLike } from 'rxjs';
import { CostGroups, type CostGroupsOptions } from '../session/CostGroups.js';

/**
 * The `costGroups` option of `serveRs` and `serveWs`: `true` for a registry
 * of the defaults (sessions grouped by remote subnet, /24 and /56), its
 * options for one made to measure, or a registry of one's own — to inspect
 * it, or to share it between servers so a client's TCP and WebSocket
 * connections are one group.
 *
 * ## Example
 * ```ts
 * import { CostGroups } from 'rxrpcx';
 * import { serveRs, serveWs, type ServerCostGroups } from 'rxrpcx/node';
 * const shared: ServerCostGroups = new CostGroups({ ipv6Prefix: 48 });
 * const tcp = await serveRs(undefined, '127.0.0.1', 0, { costGroups: shared });
 * const ws = await serveWs(undefined, '127.0.0.1', 0, { costGroups: shared });
 * ```
 */
export type ServerCostGroups = boolean | CostGroupsOptions | CostGroups;

/**
 * What the server adds to each session factory's options: the one registry
 * of the server (made here, once), or nothing.
 * @internal
 */
export function serverCostGroups(
  option: ServerCostGroups | undefined,
  scheduler: SchedulerLike | undefined,
): { readonly costGroups?: CostGroups } {
  if (option === undefined || option === false) return {};
  if (option instanceof CostGroups) return { costGroups: option };
  const options: CostGroupsOptions = option === true ? {} : option;
  return { costGroups: new CostGroups(scheduler === undefined || options.scheduler !== undefined ? options : { ...options, scheduler }) };
}
