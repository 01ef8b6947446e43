"""Runs aiorpcx.util (the reference) on a batch of calls for the util specs.

Reads a JSON list of calls on stdin, writes a JSON list of outcomes on stdout:
{"ok": true, "value": ...} or {"ok": false, "error": "ValueError", "message": ...},
each with "calls": the default function's calls, in order (empty without one).
Exits 3 if aiorpcx cannot be imported.
"""
import json
import sys

try:
    from aiorpcx.util import (NetAddress, Service, ServicePart, classify_host,
                              is_valid_hostname, validate_port, validate_protocol)
    from ipaddress import IPv4Address, IPv6Address
except ImportError as exc:
    print(f'cannot import aiorpcx: {exc}', file=sys.stderr)
    sys.exit(3)

PART_NAMES = {ServicePart.PROTOCOL: 'protocol', ServicePart.HOST: 'host', ServicePart.PORT: 'port'}


def integral_float(text):
    # JavaScript has one number type: 80 and 80.0 are the same value there.
    value = float(text)
    return int(value) if value.is_integer() else value


def host_kind(host):
    if isinstance(host, IPv4Address):
        return 'ipv4'
    if isinstance(host, IPv6Address):
        return 'ipv6'
    return 'hostname'


def address_value(address):
    return {'kind': host_kind(address.host), 'host': str(address.host),
            'port': address.port, 'str': str(address)}


def service_value(service):
    return {'protocol': service.protocol, **address_value(service.address)}


def address_defaults(spec, calls):
    """The default_func a NetAddress.from_string call spec describes."""
    if spec is None:
        return None
    kind = spec['kind']
    if kind == 'table':
        table = spec['table']

        def func(part):
            calls.append(PART_NAMES[part])
            return table.get(PART_NAMES[part])
        return func
    if kind == 'options':
        if 'host' not in spec and 'port' not in spec:
            return None
        return NetAddress.default_host_and_port(spec.get('host'), spec.get('port'))
    if kind == 'defaultHost':
        return NetAddress.default_host(spec['host'])
    if kind == 'defaultPort':
        return NetAddress.default_port(spec['port'])
    if kind == 'defaultHostAndPort':
        return NetAddress.default_host_and_port(spec['host'], spec['port'])
    raise AssertionError(kind)


def service_defaults(spec, calls):
    if spec is None:
        return None
    table = spec.get('table', {})
    fallback = spec.get('fallback', {})

    def func(protocol, part):
        calls.append([protocol, PART_NAMES[part]])
        if part == ServicePart.PROTOCOL:
            return spec.get('protocol')
        return table.get(protocol, fallback).get(PART_NAMES[part])
    return func


def run(call, calls):
    op, args = call['op'], call['args']
    if op == 'isValidHostname':
        value = is_valid_hostname(*args)
    elif op == 'classifyHost':
        host = classify_host(*args)
        value = {'kind': host_kind(host), 'host': str(host)}
    elif op == 'validatePort':
        value = validate_port(*args)
    elif op == 'validateProtocol':
        value = validate_protocol(*args)
    elif op == 'netAddress':
        value = address_value(NetAddress(*args))
    elif op == 'netAddressFromString':
        text, spec = args
        value = address_value(NetAddress.from_string(text, default_func=address_defaults(spec, calls)))
    elif op == 'netAddressEquals':
        value = NetAddress.from_string(args[0]) == NetAddress.from_string(args[1])
    elif op == 'service':
        value = service_value(Service(*args))
    elif op == 'serviceFromString':
        text, spec = args
        value = service_value(Service.from_string(text, default_func=service_defaults(spec, calls)))
    elif op == 'serviceEquals':
        value = Service.from_string(args[0]) == Service.from_string(args[1])
    else:
        raise AssertionError(op)
    return value


def outcome(call):
    calls = []
    try:
        return {'ok': True, 'value': run(call, calls), 'calls': calls}
    except (ValueError, TypeError) as exc:
        return {'ok': False, 'error': type(exc).__name__, 'message': str(exc), 'calls': calls}


def main():
    calls = json.loads(sys.stdin.buffer.read().decode('utf-8'), parse_float=integral_float)
    json.dump([outcome(call) for call in calls], sys.stdout)


main()
