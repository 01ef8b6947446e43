import { NEVER, finalize, firstValueFrom, timer } from 'rxjs';
import { BitcoinFramer, MessageSession, memoryTransportPair, type BinaryMessage, type SessionLogger } from 'rxrpcx';
import { VirtualTime } from '../helpers/VirtualTime';
import { eventually } from '../helpers/eventually';

function capturingLogger(): SessionLogger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (message: string) => void lines.push(`${level}: ${message}`);
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

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

  it('applies the throttle: a handler past processingTimeout is counted, in virtual time', async () => {
    const time = new VirtualTime();
    const [a, b] = memoryTransportPair({ scheduler: time.scheduler });
    const logger = capturingLogger();
    const session = new MessageSession(b, { scheduler: time.scheduler, logger, processingTimeout: 2, onMessage: () => NEVER });
    const sender = new MessageSession(a, { scheduler: time.scheduler });
    await time.until(sender.sendMessage(ping(1)));
    await time.advance(1999);
    expect(session.unansweredRequestCount()).toBe(1);
    expect(session.errors).toBe(0);
    await time.advance(1);
    expect(session.unansweredRequestCount()).toBe(0);
    expect(session.errors).toBe(1);
    expect(logger.lines).toContain('info: incoming request timed out after 2 secs');
    await time.until(sender.close());
    expect(time.pendingActions).toBe(0);
  });

  it('runs at most initialConcurrent handlers at once', async () => {
    const time = new VirtualTime();
    const [a, b] = memoryTransportPair({ scheduler: time.scheduler });
    let running = 0;
    let most = 0;
    new MessageSession(b, {
      scheduler: time.scheduler,
      initialConcurrent: 3,
      onMessage: () => {
        running += 1;
        most = Math.max(most, running);
        return timer(10, time.scheduler).pipe(finalize(() => (running -= 1)));
      },
    });
    const sender = new MessageSession(a, { scheduler: time.scheduler });
    for (let i = 0; i < 10; i++) await time.until(sender.sendMessage(ping(i)));
    await time.advance(100);
    expect(most).toBe(3);
    await time.until(sender.close());
  });

  it('closes when the cost passes the hard limit', async () => {
    const [a, b] = memoryTransportPair();
    const hooked: number[] = [];
    class Guarded extends MessageSession {
      override onDisconnectDueToExcessiveSessionCost(): void {
        hooked.push(this.cost);
      }
    }
    const session = new Guarded(b, { costSoftLimit: 10, costHardLimit: 100 });
    session.bumpCost(500);
    await new MessageSession(a).sendMessage(ping(1));
    await firstValueFrom(session.closed$);
    expect(hooked).toHaveLength(1);
  });
});
