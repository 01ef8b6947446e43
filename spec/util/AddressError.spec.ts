import { AddressError } from '../../lib/util';

describe('AddressError', () => {
  it('is an Error with a literal name, a stable code and structured fields', () => {
    const error = new AddressError('invalid port: 0', 'port', '0');
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(AddressError);
    expect(error.name).toBe('AddressError');
    expect(error.code).toBe('RXRPCX_ERR_INVALID_ADDRESS');
    expect(error.field).toBe('port');
    expect(error.value).toBe('0');
    expect(error.message).toBe('invalid port: 0');
    expect(String(error)).toBe('AddressError: invalid port: 0');
  });
});
