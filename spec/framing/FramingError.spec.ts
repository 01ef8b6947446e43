import {
  BadChecksumError,
  BadHeaderError,
  BadMagicError,
  FramingError,
  OversizedMessageError,
  OversizedPayloadError,
} from 'rxrpcx';

const four = (...bytes: number[]) => Uint8Array.from(bytes);

describe('framing errors', () => {
  const table: [FramingError, string, string, number][] = [
    [new BadChecksumError(four(1, 2, 3, 4), four(0, 0, 0, 0), 'tx'), 'BadChecksumError', 'RXRPCX_ERR_BAD_CHECKSUM', 100],
    [new BadMagicError(four(1, 2, 3, 4), four(0xe3, 0xe1, 0xf3, 0xe8)), 'BadMagicError', 'RXRPCX_ERR_BAD_MAGIC', 1000],
    [new OversizedPayloadError('tx', 2_000_001, 2_000_000), 'OversizedPayloadError', 'RXRPCX_ERR_OVERSIZED_PAYLOAD', 500],
    [new OversizedMessageError(10), 'OversizedMessageError', 'RXRPCX_ERR_OVERSIZED_MESSAGE', 0],
    [new BadHeaderError('no Content-Length header', 'missing-length'), 'BadHeaderError', 'RXRPCX_ERR_BAD_HEADER', 1000],
  ];

  it.each(table)('%s has its name, code and cost', (error, name, code, cost) => {
    expect(error).toBeInstanceOf(FramingError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(error.cost).toBe(cost);
    expect(String(error)).toBe(`${name}: ${error.message}`);
  });

  it('formats byte fields as hex in messages', () => {
    expect(new BadMagicError(four(1, 2, 3, 4), four(0xe3, 0xe1, 0xf3, 0xe8)).message).toBe(
      'bad network magic: got 01020304 expected e3e1f3e8',
    );
    expect(new BadChecksumError(four(1, 2, 3, 4), four(0xab, 0, 0, 0), 'tx').message).toBe(
      'checksum mismatch: actual 01020304 vs claimed ab000000',
    );
  });

  it('copies byte fields, so later changes to a received buffer do not alter them', () => {
    const magic = four(1, 2, 3, 4);
    const error = new BadMagicError(magic, four(0, 0, 0, 0));
    magic[0] = 9;
    expect([...error.magic]).toEqual([1, 2, 3, 4]);
  });
});
