/**
 * util — addresses and services: host classification, port and protocol
 * checks, `NetAddress` and `Service`. Imports nothing.
 *
 * @packageDocumentation
 */
export { AddressError, type AddressField } from './AddressError.js';
export { classifyHost, type ClassifiedHost, type HostKind } from './classifyHost.js';
export { isValidHostname } from './isValidHostname.js';
export { NetAddress, type NetAddressDefaultFunc, type NetAddressFromStringOptions } from './NetAddress.js';
export { Service, type ServiceDefaultFunc, type ServiceFromStringOptions } from './Service.js';
export { ServicePart } from './ServicePart.js';
export { validatePort } from './validatePort.js';
export { validateProtocol } from './validateProtocol.js';
export { subnetKey, type SubnetPrefixes } from './subnetKey.js';
