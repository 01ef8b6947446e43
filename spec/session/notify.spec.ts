/**
 * `RPCSession.notify`: a notification sent and forgotten. It never throws and
 * never rejects; a peer that is gone is logged at debug level.
 */
import type { Notification } from 'rxrpcx';
import { at, capturingLogger, rawPeer, testScheduler } from './sessionTestKit';

describe('RPCSession.notify (marbles)', () => {
  it('sends the notification in the turn’s write, like sendNotification', () => {
    testScheduler().run(({ expectObservable }) => {
      const peer = rawPeer();
      at(1, () => peer.server.notify('tick', [1]));
      at(3, () => peer.server.notify('tick', [2]));
      expectObservable(peer.replies$).toBe('-a-b', {
        a: { jsonrpc: '2.0', method: 'tick', params: [1] },
        b: { jsonrpc: '2.0', method: 'tick', params: [2] },
      });
    });
  });

  it('on a closed session: no throw, nothing written, logged at debug level', async () => {
    const logger = capturingLogger();
    const rejections: unknown[] = [];
    testScheduler().run(({ expectObservable }) => {
      const peer = rawPeer({ logger });
      at(1, () => peer.serverEnd.abort());
      at(2, () => {
        expect(() => peer.server.notify('tick', [1])).not.toThrow();
        // The Promise form, for contrast: it rejects (caught here).
        peer.server.sendNotification('tick', [1]).catch((error: unknown) => rejections.push(error));
      });
      expectObservable(peer.replies$).toBe('-|');
    });
    expect(logger.lines).toContain('debug: notification tick not sent: the connection is closed');
    await new Promise((resolve) => setImmediate(resolve));
    expect(rejections).toHaveLength(1);
  });

  it('arguments the protocol cannot send: no throw, logged as a warning', () => {
    const logger = capturingLogger();
    testScheduler().run(({ expectObservable }) => {
      const peer = rawPeer({ logger });
      at(1, () => expect(() => peer.server.notify('tick', 5 as unknown as Notification['args'])).not.toThrow());
      at(3, () => void peer.server.close());
      expectObservable(peer.replies$).toBe('---|');
    });
    expect(logger.lines.filter((line) => line.startsWith('warn: notification tick not sent'))).toHaveLength(1);
  });
});
