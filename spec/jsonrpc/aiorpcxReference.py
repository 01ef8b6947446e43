'''Runs test cases against the reference aiorpcX 0.22.1 (Debian's python3-aiorpcx).

Reads {"cases": [...]} as JSON on stdin and writes {"results": [...]}, one
result per case, in the shape spec/jsonrpc/referenceHarness.ts describes.
Messages travel as hex strings. Exit status 3 means aiorpcx is not importable.
'''

import asyncio
import json
import sys

try:
    from aiorpcx.jsonrpc import (Batch, JSONRPCAutoDetect, JSONRPCConnection, JSONRPCLoose,
                                 JSONRPCv1, JSONRPCv2, Notification, ProtocolError, Request,
                                 RPCError, handler_invocation)
except ImportError as e:
    sys.stderr.write(f'cannot import aiorpcx: {e}\n')
    sys.exit(3)

PROTOCOLS = {cls.__name__: cls for cls in (JSONRPCv1, JSONRPCv2, JSONRPCLoose, JSONRPCAutoDetect)}


def hexb(data):
    return None if data is None else data.hex()


def describe_error(e):
    if isinstance(e, ProtocolError):
        d = {'type': 'ProtocolError', 'code': e.code, 'message': e.message, 'reply': hexb(e.error_message),
             'inResponse': e.response_msg_id is not id}
        if d['inResponse']:
            d['responseId'] = e.response_msg_id
        return d
    if isinstance(e, RPCError):
        return {'type': 'RPCError', 'code': e.code, 'message': e.message}
    return {'type': type(e).__name__}


def describe_result(result):
    if isinstance(result, (RPCError, ProtocolError)):
        return {'error': describe_error(result)}
    return {'value': result}


def args_of(args):
    return list(args) if isinstance(args, tuple) else args


def describe_item(item, request_id):
    if isinstance(item, Request):
        return {'kind': 'request', 'method': item.method, 'args': args_of(item.args), 'id': request_id}
    if isinstance(item, Notification):
        return {'kind': 'notification', 'method': item.method, 'args': args_of(item.args)}
    if isinstance(item, list):
        return {'kind': 'batch', 'payloads': item}
    return {'kind': 'response', 'result': describe_result(item.result), 'id': request_id}


def reply_value(spec):
    if 'error' in spec:
        return RPCError(spec['error']['code'], spec['error']['message'])
    return spec.get('result')


def make_item(spec):
    cls = Request if spec['kind'] == 'request' else Notification
    return cls(spec['method'], spec.get('args', []))


def describe_future(future):
    if not future.done():
        return 'pending'
    if future.cancelled():
        return 'cancelled'
    if future.exception() is not None:
        return {'error': describe_error(future.exception())}
    result = future.result()
    if isinstance(result, tuple):
        return {'batch': [describe_result(r) for r in result]}
    return {'result': describe_result(result)}


def run_steps(protocol, steps):
    connection = JSONRPCConnection(protocol)
    futures = []
    received = []
    out = []
    for step in steps:
        op = step['op']
        try:
            if op == 'request':
                message, future = connection.send_request(Request(step['method'], step.get('args', [])))
                futures.append(future)
                out.append({'bytes': hexb(message)})
            elif op == 'notification':
                message = connection.send_notification(Notification(step['method'], step.get('args', [])))
                out.append({'bytes': hexb(message)})
            elif op == 'batch':
                message, future = connection.send_batch(Batch([make_item(s) for s in step['items']]))
                if future is not None:
                    futures.append(future)
                out.append({'bytes': hexb(message), 'hasResponse': future is not None})
            elif op == 'receive':
                received = connection.receive_message(bytes.fromhex(step['hex']))
                out.append({'items': [{'kind': 'request' if isinstance(r, Request) else 'notification',
                                       'method': r.method, 'args': args_of(r.args)} for r in received]})
            elif op == 'reply':
                out.append({'bytes': hexb(received[step['index']].send_result(reply_value(step)))})
            elif op == 'futures':
                out.append({'futures': [describe_future(f) for f in futures]})
            elif op == 'cancel':
                connection.cancel_pending_requests()
                out.append({})
            elif op == 'pending':
                out.append({'count': len(connection.pending_requests())})
            elif op == 'maxResponseSize':
                connection.max_response_size = step['value']
                out.append({})
            elif op == 'protocol':
                out.append({'protocol': connection._protocol.__name__})
            else:
                raise ValueError(f'unknown step {op}')
        except Exception as e:  # pylint:disable=broad-except
            out.append({'error': describe_error(e)})
    return out


def make_handler(spec):
    if spec is None:
        return None
    parts, names, rest = [], [], None
    for p in spec.get('params', []):
        if p.startswith('...'):
            rest = p[3:]
        elif p.endswith('?'):
            parts.append(p[:-1] + '=None')
            names.append(p[:-1])
        else:
            parts.append(p)
            names.append(p)
    if spec.get('positionalOnly') and names:
        parts.append('/')
    if rest is not None:
        parts.append('*' + rest)
    named_only = [n.rstrip('?') for n in spec.get('namedOnly', [])]
    if named_only:
        if rest is None:
            parts.append('*')
        parts += [n + '=None' for n in named_only]
    if spec.get('anyNamed'):
        parts.append('**kw__')
    named = '{' + ', '.join(f'{n!r}: {n}' for n in named_only) + '}'
    source = (f'def handler({", ".join(parts)}):\n'
              f'    named = {named}\n'
              f'    named.update({"kw__" if spec.get("anyNamed") else "{}"})\n'
              f'    return {{"params": [{", ".join(names)}], '
              f'"rest": {"list(" + rest + ")" if rest else "None"}, "named": named}}\n')
    scope = {}
    exec(source, scope)  # pylint:disable=exec-used
    return scope['handler']


def run_case(case):
    op = case['op']
    protocol = PROTOCOLS.get(case.get('protocol'))
    try:
        if op == 'messageToItem':
            item, request_id = protocol.message_to_item(bytes.fromhex(case['hex']))
            return {'item': describe_item(item, request_id)}
        if op == 'detect':
            return {'protocol': JSONRPCAutoDetect.detect_protocol(bytes.fromhex(case['hex'])).__name__}
        if op == 'requestMessage':
            return {'bytes': hexb(protocol.request_message(Request(case['method'], case['args']), case['id']))}
        if op == 'notificationMessage':
            return {'bytes': hexb(protocol.notification_message(Notification(case['method'], case['args'])))}
        if op == 'responseMessage':
            return {'bytes': hexb(protocol.response_message(reply_value(case), case['id']))}
        if op == 'batchMessage':
            batch = Batch([make_item(s) for s in case['items']])
            return {'bytes': hexb(protocol.batch_message(batch, case['ids']))}
        if op == 'batchMessageFromParts':
            return {'bytes': hexb(protocol.batch_message_from_parts([bytes.fromhex(p) for p in case['parts']]))}
        if op == 'encodePayload':
            return {'bytes': hexb(protocol.encode_payload(case['payload']))}
        if op == 'connection':
            return {'steps': run_steps(protocol, case['steps'])}
        if op == 'handler':
            request = Request(case['method'], case['args'])
            invocation = handler_invocation(make_handler(case['spec']), request)
            return {'call': invocation()}
        if op == 'str':
            return {'text': str(case['value'])}
        raise ValueError(f'unknown op {op}')
    except Exception as e:  # pylint:disable=broad-except
        return {'error': describe_error(e)}


def main():
    asyncio.set_event_loop(asyncio.new_event_loop())
    cases = json.loads(sys.stdin.read())['cases']
    json.dump({'results': [run_case(case) for case in cases]}, sys.stdout)


if __name__ == '__main__':
    main()
