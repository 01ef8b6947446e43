import { ServicePart } from '../../lib/util';

describe('ServicePart', () => {
  it('names the three parts of a service string', () => {
    expect(ServicePart).toEqual({ PROTOCOL: 'protocol', HOST: 'host', PORT: 'port' });
  });

  it('is a type as well as a value', () => {
    const parts: ServicePart[] = [ServicePart.PROTOCOL, ServicePart.HOST, ServicePart.PORT];
    expect(new Set(parts).size).toBe(3);
  });
});
