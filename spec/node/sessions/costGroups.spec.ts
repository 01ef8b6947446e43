/**
 * Cost groups on real sockets: three connections from 127.0.0.1 to a server
 * with `costGroups` are one group (127.0.0.0/24), so what one of them costs
 * counts against the others; once the group is over the hard limit, another
 * connection's next request is refused with −101 and it is closed.
 */
import { CostGroups, JSONRPC, RPCSession } from 'rxrpcx';
import { connectRs, serveRs } from 'rxrpcx/node';
import { closedOf, runCleanups, trackServer, trackSession, until } from './sessionHelpers';

afterEach(runCleanups);

it('three connections from 127.0.0.1 are one group; one connection’s cost throttles and then refuses the others', async () => {
  const groups = new CostGroups();
  const server = trackServer(
    await serveRs(
      (transport, options) =>
        new RPCSession(transport, { ...options, handlers: { ping: () => 'pong' } }),
      '127.0.0.1',
      0,
      { costGroups: groups },
    ),
  );
  const clients = await Promise.all([0, 1, 2].map(async () => trackSession(await connectRs('127.0.0.1', server.address.port))));
  await Promise.all(clients.map((client) => client.sendRequest('ping')));
  await until(() => server.sessions.size === 3, 'three sessions');
  const sessions = [...server.sessions];
  expect(sessions.map((session) => session.costGroup)).toEqual(['127.0.0.0/24', '127.0.0.0/24', '127.0.0.0/24']);
  expect(groups.members('127.0.0.0/24')).toBe(3);

  // Half way between the limits, charged to the first session: the others carry it.
  sessions[0]?.bumpCost(6001); // a hair over 6000: real-clock decay between here and the read is microseconds
  expect(sessions[1]?.cost).toBeLessThan(10);
  expect(sessions[1]?.effectiveCost).toBeGreaterThan(6000);
  // Over the hard limit: the second connection's next request is refused and it is closed.
  sessions[0]?.bumpCost(5000);
  const refused = await clients[1]?.sendRequest('ping').then(
    () => undefined,
    (error: { code?: number }) => error.code,
  );
  expect(refused).toBe(JSONRPC.EXCESSIVE_RESOURCE_USAGE);
  await closedOf(sessions[1] as RPCSession);
  expect(groups.members('127.0.0.0/24')).toBe(2);
});
