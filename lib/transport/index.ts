export { SessionKind } from './SessionKind';
export type { CloseOptions, Transport, TransportProxy } from './Transport';
export { MemoryTransport, memoryTransportPair, type MemoryTransportOptions } from './memoryTransportPair';
