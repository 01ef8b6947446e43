import { BadChecksumError, BinaryFramer, OversizedPayloadError, type BinaryHeader, type BinaryMessage } from 'rxrpcx';
import { concat, decode, everyTwoCuts, hex } from './framingHelpers';

/** A toy protocol: 1-byte command, 1-byte length, 1-byte sum-of-bytes checksum. */
class TinyFramer extends BinaryFramer {
  readonly headerSize: number = 3;
  protected checksum(payload: Uint8Array): Uint8Array {
    return Uint8Array.of(payload.reduce((sum, b) => (sum + b) & 0xff, 0));
  }
  protected writeHeader(target: Uint8Array, command: string, payload: Uint8Array): void {
    target[0] = command.charCodeAt(0);
    target[1] = payload.length;
    target.set(this.checksum(payload), 2);
  }
  protected parseHeader(header: Uint8Array): BinaryHeader {
    const command = String.fromCharCode(header[0]!);
    if (header[1]! > 4) throw new OversizedPayloadError(command, header[1]!, 4);
    return { command, payloadLength: header[1]!, checksum: header.slice(2, 3) };
  }
}

class BrokenFramer extends TinyFramer {
  override readonly headerSize = 0;
}

const tiny = new TinyFramer();
const run = (framer: BinaryFramer, chunks: Uint8Array[]) => decode((onDrop) => framer.messages({ onDrop }), chunks);
const shape = (messages: BinaryMessage[]) => messages.map(({ command, payload }) => `${command}:${hex(payload)}`);

describe('BinaryFramer', () => {
  it('frames header then payload through the subclass hooks', () => {
    expect(hex(tiny.frame({ command: 'a', payload: Uint8Array.of(1, 2) }))).toBe('61020301' + '02');
  });

  it('unframes through the subclass hooks, at every pair of cuts', () => {
    const sample = concat([
      tiny.frame({ command: 'a', payload: Uint8Array.of(1, 2) }),
      tiny.frame({ command: 'b', payload: new Uint8Array(0) }),
      tiny.frame({ command: 'c', payload: Uint8Array.of(9, 9, 9, 9) }),
    ]);
    for (const chunks of everyTwoCuts(sample)) {
      expect(shape(run(tiny, chunks).messages)).toEqual(['a:0102', 'b:', 'c:09090909']);
    }
  });

  it('drops a payload whose checksum does not match, and carries on', () => {
    const bad = tiny.frame({ command: 'a', payload: Uint8Array.of(1) });
    bad[2] = 7;
    const result = run(tiny, [bad, tiny.frame({ command: 'b', payload: Uint8Array.of(2) })]);
    expect(shape(result.messages)).toEqual(['b:02']);
    expect(result.drops).toHaveLength(1);
    expect(result.drops[0]).toBeInstanceOf(BadChecksumError);
    expect(result.drops[0]).toMatchObject({ command: 'a', message: 'checksum mismatch: actual 01 vs claimed 07' });
  });

  it('errors the stream with what parseHeader throws', () => {
    const result = run(tiny, [Uint8Array.of(0x61, 5, 0)]);
    expect(result.error).toBeInstanceOf(OversizedPayloadError);
    expect(result.messages).toEqual([]);
  });

  it('errors the stream when a subclass declares a header size below 1', () => {
    expect(run(new BrokenFramer(), [Uint8Array.of(1)]).error).toBeInstanceOf(RangeError);
  });
});
