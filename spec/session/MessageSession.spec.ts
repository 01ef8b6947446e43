import { firstValueFrom } from 'rxjs';
import { BitcoinFramer, MessageSession, memoryTransportPair, type BinaryMessage } from 'rxrpcx';
import { eventually } from '../helpers/eventually';
import { at, capturingLogger, messagePair, probe, sendMessages, testScheduler } from './sessionTestKit';

const ping = (n: number): BinaryMessage => ({ command: 'ping', payload: Uint8Array.of(n) });

describe('MessageSession', () => {
  it('sends and handles (command, payload) messages both ways', async () => {
    const [a, b] = memoryTransportPair();
    const atB: string[] = [];
    const atA: string[] = [];
    const sessionB = new MessageSession(b, { onMessage: (m) => void atB.push(`${m.command}:${m.payload[0]}`) });
    const sessionA = new MessageSession(a);
    sessionA.messages$.subscribe((m) => atA.push(m.command));
    await sessionA.sendMessage(ping(1));
    await sessionA.sendMessage(ping(2));
    await sessionB.sendMessage({ command: 'pong', payload: new Uint8Array() });
    await eventually(() => atB.length === 2 && atA.length === 1);
    expect(atB).toEqual(['ping:1', 'ping:2']);
    expect(atA).toEqual(['pong']);
    expect(sessionB.recvCount).toBe(2);
    expect(sessionA.sendCount).toBe(2);
    expect(sessionA.sendSize).toBe(2 * (24 + 1));
    await sessionA.close();
  });

  it('counts a bad checksum and keeps the session', async () => {
    const [a, b] = memoryTransportPair();
    const logger = capturingLogger();
    const received: string[] = [];
    const session = new MessageSession(b, { logger, onMessage: (m) => void received.push(m.command) });
    const frame = new BitcoinFramer().frame(ping(1));
    frame[20] ^= 0xff; // the checksum
    await a.write(frame);
    await a.write(new BitcoinFramer().frame({ command: 'ok', payload: new Uint8Array() }));
    await eventually(() => received.length === 1);
    expect(session.errors).toBe(1);
    expect(session.cost).toBeCloseTo(100 + 100, 0);
    expect(received).toEqual(['ok']);
    expect(session.isClosing()).toBe(false);
    expect(logger.lines.some((l) => l.startsWith('warn:'))).toBe(true);
    session.abort();
  });

  it.each([
    ['bad magic', (f: Uint8Array) => void (f[0] = 0), 1000],
    ['an oversized payload', (f: Uint8Array) => void new DataView(f.buffer).setUint32(16, 3_000_000, true), 500],
  ])('counts %s and closes the session', async (_what, spoil, cost) => {
    const [a, b] = memoryTransportPair();
    const logger = capturingLogger();
    const session = new MessageSession(b, { logger });
    const frame = new BitcoinFramer().frame(ping(1));
    spoil(frame);
    await a.write(frame);
    await firstValueFrom(session.closed$);
    expect(session.errors).toBe(1);
    expect(session.cost).toBeCloseTo(100 + cost, 0);
    expect(logger.lines.some((l) => l.startsWith('error:') && l.endsWith('disconnecting'))).toBe(true);
    expect(a.isClosing()).toBe(true);
  });

  describe('under the throttle (marbles)', () => {
    it('counts and logs a handler past processingTimeout, unsubscribed at exactly the timeout', () => {
      const scheduler = testScheduler();
      scheduler.run(({ cold, expectObservable, expectSubscriptions, flush }) => {
        const logger = capturingLogger();
        const work = cold('-');
        const { client, server } = messagePair({ logger, processingTimeout: 2, onMessage: () => work });
        sendMessages(client, cold('-a', { a: ping(1) }));
        at(3000, () => void client.close());
        // The message arrives at 1 and times out at 2001: [unanswered, errors, info lines], before and after.
        const state = (): unknown => [server.unansweredRequestCount(), server.errors, logger.lines.filter((l) => l.startsWith('info:'))];
        const ticks = '--a 1997ms b-c';
        const handling = '-^ 1999ms !';
        expectSubscriptions(work.subscriptions).toBe(handling);
        expectObservable(probe(cold(ticks), state)).toBe(ticks, {
          a: [1, 0, []],
          b: [1, 0, []],
          c: [0, 1, ['info: incoming request timed out after 2 secs']],
        });
        flush();
        // Both sessions closed at 3 s and left nothing scheduled.
        expect(scheduler.frame).toBe(3000);
      });
    });

    it('runs at most initialConcurrent handlers at once, the others in order as they finish', () => {
      testScheduler().run(({ cold, expectSubscriptions }) => {
        const work = cold('- 9ms a|', { a: 'done' });
        const { client } = messagePair({ initialConcurrent: 3, onMessage: () => work });
        sendMessages(client, cold('-(abcdefghij)', Object.fromEntries([...'abcdefghij'].map((name, n) => [name, ping(n)]))));
        expectSubscriptions(work.subscriptions).toBe([
          ...Array<string>(3).fill('-^ 9ms !'),
          ...Array<string>(3).fill('- 10ms ^ 9ms !'),
          ...Array<string>(3).fill('- 20ms ^ 9ms !'),
          ...Array<string>(1).fill('- 30ms ^ 9ms !'),
        ]);
      });
    });

    it('sleeps fraction × costSleep before each message once cost is over the soft limit', () => {
      testScheduler().run(({ cold, expectSubscriptions }) => {
        const work = cold('a|', { a: 'done' });
        const { client, server } = messagePair({
          costSoftLimit: 1000,
          costHardLimit: 2000,
          costDecayPerSec: 0,
          costSleep: 0.04,
          onMessage: () => work,
        });
        // Half way: a 20 ms sleep; from 30 back under the soft limit, no sleep.
        server.cost = 1500;
        at(30, () => (server.cost = 0));
        sendMessages(client, cold('-a 39ms b', { a: ping(1), b: ping(2) }));
        expectSubscriptions(work.subscriptions).toBe(['- 20ms (^!)', '- 39ms -(^!)']);
      });
    });

    it('closes when the cost passes the hard limit, calling the hook', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        const handled: string[] = [];
        const { client, server } = messagePair({
          costSoftLimit: 10,
          costHardLimit: 100,
          onMessage: (m) => void handled.push(m.command),
        });
        const hook = jest.spyOn(server, 'onDisconnectDueToExcessiveSessionCost');
        server.bumpCost(500);
        sendMessages(client, cold('-a', { a: ping(1) }));
        // The message is refused, never handled; both ends close at 1. [hook calls, handled], before and after:
        const ticks = 'a-b';
        expectObservable(server.closed$).toBe('-(c|)', { c: undefined });
        expectObservable(client.closed$).toBe('-(c|)', { c: undefined });
        expectObservable(probe(cold(ticks), () => [hook.mock.calls.length, handled.length])).toBe(ticks, { a: [0, 0], b: [1, 0] });
      });
    });
  });
});
