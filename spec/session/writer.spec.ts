import { map, timer } from 'rxjs';
import { RPCSession, TaskTimeout, memoryTransportPair } from 'rxrpcx';
import { recording } from '../helpers/recordingScheduler';
import { capturingLogger, pair, pendingActions, rawPeer, req, testScheduler, writesOf } from './sessionTestKit';

const big = 'x'.repeat(200);

describe('the writer (marbles)', () => {
  describe('one transport write per turn', () => {
    it('sends everything queued in one turn in one write, in order', () => {
      testScheduler().run(({ hot, expectObservable }) => {
        const seen: string[] = [];
        const { client, clientEnd, server } = pair({ handlers: { a: () => 'a', b: () => 'b', log: (s: string) => void seen.push(s) } });
        const writes$ = writesOf(clientEnd);
        hot('-x---y').subscribe((turn) => {
          if (turn === 'x') {
            client.request('a').subscribe();
            void client.sendNotification('log', ['between']);
            client.request('b').subscribe();
            void client.sendNotification('log', ['last']);
          } else {
            void client.sendNotification('log', ['later']);
          }
        });
        expectObservable(writes$).toBe('-a---b', { a: 4, b: 1 });
        expectObservable(server.notifications$.pipe(map((n) => n.args))).toBe('-(ab)c', { a: ['between'], b: ['last'], c: ['later'] });
      });
    });

    it('answers a chunk of N requests in one write', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        const peer = rawPeer({ handlers: { echo: (s: string) => s } });
        const chunk = [0, 1, 2, 3, 4].map((i) => req(i, 'echo', [`m${i}`])).join('\n');
        peer.send(cold('-c', { c: chunk }));
        expectObservable(peer.writes$).toBe('-w', { w: 5 });
        expectObservable(peer.replies$.pipe(map((reply) => (reply as { id: number }).id))).toBe('-(abcde)', { a: 0, b: 1, c: 2, d: 3, e: 4 });
      });
    });

    it('answers in as many writes as there are turns in which answers become ready', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        const peer = rawPeer({ handlers: { now: () => 'now', soon: () => timer(2).pipe(map(() => 'soon')) } });
        peer.send(cold('-(abc)', { a: req(0, 'now'), b: req(1, 'soon'), c: req(2, 'now') }));
        expectObservable(peer.writes$).toBe('-a-b', { a: 2, b: 1 });
      });
    });
  });

  describe('the send watchdog', () => {
    it('aborts at exactly maxSendDelay when the peer stops reading, with one watchdog action', async () => {
      const scheduler = testScheduler();
      const logger = capturingLogger();
      const sends: Array<Promise<unknown>> = [];
      let client!: RPCSession;
      scheduler.run(({ hot, expectObservable }) => {
        const [clientEnd, serverEnd] = memoryTransportPair({ highWaterMark: 100 });
        const server = new RPCSession(serverEnd);
        serverEnd.pauseReading(); // a peer that stopped reading
        client = new RPCSession(clientEnd, { maxSendDelay: 2, logger });
        // Three blocked writes in three turns: still one timer, from the first.
        hot('a 499ms a 499ms a').subscribe(() => sends.push(client.sendNotification('n', [big]).catch((e: unknown) => e)));
        expectObservable(pendingActions(scheduler, hot('1999ms x'))).toBe('1999ms x', { x: 1 });
        expectObservable(client.closed$).toBe('2s (c|)', { c: undefined });
        expectObservable(server.closed$).toBe('2s (c|)', { c: undefined });
      });
      for (const outcome of await Promise.all(sends)) expect(outcome).toBeInstanceOf(TaskTimeout);
      expect(logger.lines.filter((line) => line.startsWith('warn:'))).toEqual(['warn: no write progress for 2 secs, aborting the connection']);
      // Counted when handed to the transport, as the reference counts a message it writes.
      expect(client.sendCount).toBe(3);
    });

    it('aborts maxSendDelay after the stall, not after the watchdog re-armed (progress between checks)', () => {
      testScheduler().run(({ hot, expectObservable }) => {
        const [clientEnd, serverEnd] = memoryTransportPair({ highWaterMark: 100 });
        const server = new RPCSession(serverEnd);
        serverEnd.pauseReading(); // a peer that reads once, at 500 ms, then never again
        const client = new RPCSession(clientEnd, { maxSendDelay: 2 });
        // 0: blocked; 500 ms: the peer takes it (the transport holds nothing: progress), and the next write blocks for good.
        hot('a 499ms (rb)').subscribe((step) => {
          if (step === 'r') {
            serverEnd.resumeReading();
            serverEnd.pauseReading();
          }
          if (step !== 'r') void client.sendNotification('n', [big]).catch(() => undefined);
        });
        // The stall began at 500 ms: the abort is due at 2.5 s (it used to come at 4 s, 2 s after the check at 2 s).
        expectObservable(client.closed$).toBe('2500ms (c|)', { c: undefined });
        expectObservable(server.closed$).toBe('2500ms (c|)', { c: undefined });
      });
    });

    it('counts bytes the transport passed on since the last check as progress, dated at the check', () => {
      testScheduler().run(({ hot, expectObservable }) => {
        // Each write spends 1.5 s in flight; the peer takes the first at 1.5 s, then stops reading.
        const [clientEnd, serverEnd] = memoryTransportPair({ highWaterMark: 100, delay: 1.5 });
        const server = new RPCSession(serverEnd);
        const client = new RPCSession(clientEnd, { maxSendDelay: 2 });
        hot('a 99ms a').subscribe(() => void client.sendNotification('n', [big]).catch(() => undefined));
        hot('1550ms p').subscribe(() => serverEnd.pauseReading());
        // The check at 2 s finds the transport holding half what it held: not stalled, so it
        // watches 2 s more from then (nothing reported the progress earlier) and aborts at 4 s.
        expectObservable(client.closed$).toBe('4s (c|)', { c: undefined });
        expectObservable(server.closed$).toBe('4s (c|)', { c: undefined });
      });
    });

    it('keeps a connection that stays busy longer than maxSendDelay while its writes drain', () => {
      testScheduler().run(({ hot, expectObservable, flush }) => {
        // Each 200-byte write blocks (high-water mark 100) until the peer takes it 400 ms later.
        const { client, server } = pair({}, { maxSendDelay: 2 }, { highWaterMark: 100, delay: 0.4 });
        const everySecond = Array.from({ length: 10 }, () => 'a').join(' 999ms ');
        hot(everySecond).subscribe(() => void client.sendNotification('n', [big]));
        expectObservable(hot('10s x').pipe(map(() => client.isClosing()))).toBe('10s x', { x: false });
        flush();
        expect(client.sendCount).toBe(10);
        expect(server.recvCount).toBe(10);
      });
    });

    it('maxSendDelay: Infinity arms no watchdog (a bare schedule would have Node fire it every millisecond)', () => {
      const { scheduler, virtual, delays } = recording();
      const [clientEnd, serverEnd] = memoryTransportPair({ highWaterMark: 100, scheduler });
      new RPCSession(serverEnd, { scheduler });
      serverEnd.pauseReading(); // the peer stops reading: every write stays blocked
      const client = new RPCSession(clientEnd, { maxSendDelay: Infinity, scheduler });
      client.notify('n', [big]);
      virtual.flush();
      expect(client.sendCount).toBe(1);
      expect(delays.filter((delay) => delay > 0)).toEqual([]);
      expect(client.isClosing()).toBe(false);
    });

    it('keeps a connection whose every write blocks but progresses (progress is a settled write)', () => {
      testScheduler().run(({ hot, expectObservable, flush }) => {
        // 25 writes, one every 10 ms, each blocked (high-water mark 100) until the peer takes it 10 ms
        // later: busy for 250 ms, far longer than maxSendDelay (150 ms), yet never stalled for it.
        const { client, server } = pair({}, { maxSendDelay: 0.15 }, { highWaterMark: 100, delay: 0.01 });
        hot(Array.from({ length: 25 }, () => 'a').join(' 9ms ')).subscribe(() => client.notify('n', [big]));
        expectObservable(hot('300ms x').pipe(map(() => client.isClosing()))).toBe('300ms x', { x: false });
        flush();
        expect(client.sendCount).toBe(25);
        expect(server.recvCount).toBe(25);
      });
    });
  });

  it('close() writes what is queued before the end of the connection', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const { client, server } = pair({}, {}, { delay: 0.001 });
      hot('-x').subscribe(() => {
        void client.sendNotification('bye', ['queued']);
        void client.close();
      });
      expectObservable(server.notifications$.pipe(map((n) => n.method))).toBe('--(b|)', { b: 'bye' });
    });
  });
});
