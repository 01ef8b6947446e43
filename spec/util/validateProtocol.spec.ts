import { AddressError, validateProtocol } from '../../lib/util';
import { edgyString, sample } from './generators';
import { describeAgainstReference } from './reference';

const protocols: unknown[] = [
  'tcp', 'TCP', 'Tcp', 'ssl', 'ws', 'wss', 'http', 'svn+ssh', 'a+b', 'a,b', 'a-b', 'a.b', 'a+', 'a,', 'a-', 'a.',
  'T1', 'x1', 'a0123456789', 'A'.repeat(100),
  // too short, wrong first character, characters outside the class
  '', 't', 'T', '1tcp', '+tcp', '-tcp', '.tcp', '_tcp', 'a_b', 'a b', 'a/b', 'a:b', 'a*b', 'a!b', 'tcp:', 'tcp ',
  ' tcp', 'tcp://', 'tcp\t',
  // Python's `$` matches before one final newline
  'tcp\n', 'tcp\n\n', '\ntcp', 't\n',
  // no IGNORECASE here: non-ASCII letters are out
  'ſs', 'sſ', 'İt', 'tİ', 'é', 'te\u212a',
];

describeAgainstReference(
  'validateProtocol agrees with aiorpcx validate_protocol',
  protocols.map((protocol) => ({ op: 'validateProtocol', args: [protocol] })),
  {
    'random short strings': sample(edgyString, 300, 301).map((text) => ({ op: 'validateProtocol' as const, args: [text] as [unknown] })),
  },
);

describe('validateProtocol', () => {
  it('lowercases a valid protocol', () => {
    expect(validateProtocol('SSL')).toBe('ssl');
  });

  it('rejects with an AddressError carrying the reference message', () => {
    expect(() => validateProtocol('t')).toThrow(AddressError);
    expect(() => validateProtocol('t')).toThrow('invalid protocol: t');
    try {
      validateProtocol('1x');
    } catch (error) {
      expect(error).toMatchObject({ name: 'AddressError', code: 'RXRPCX_ERR_INVALID_ADDRESS', field: 'protocol', value: '1x' });
    }
  });

  it('throws a TypeError for a non-string', () => {
    expect(() => validateProtocol(5 as unknown as string)).toThrow(new TypeError('protocol must be a string: 5'));
  });
});
