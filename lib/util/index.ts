/**
 * util — addresses and services: host classification, port and protocol
 * checks, `NetAddress` and `Service`. Imports nothing.
 *
 * @packageDocumentation
 */
export { AddressError, type AddressField } from './AddressError';
export { classifyHost, type ClassifiedHost, type HostKind } from './classifyHost';
export { isValidHostname } from './isValidHostname';
export { NetAddress, type NetAddressDefaultFunc, type NetAddressFromStringOptions } from './NetAddress';
export { Service, type ServiceDefaultFunc, type ServiceFromStringOptions } from './Service';
export { ServicePart } from './ServicePart';
export { validatePort } from './validatePort';
export { validateProtocol } from './validateProtocol';
export { subnetKey, type SubnetPrefixes } from './subnetKey';
