#!/usr/bin/python3 -u
"""An aiorpcX 0.22.1 peer for rxrpcx's interop suite (spec/interop/).

Runs under Debian's /usr/bin/python3 with python3-aiorpcx and
python3-websockets. It serves and connects with the reference's own
serve_rs / connect_rs / serve_ws / connect_ws, and its sessions answer the
same methods as the rxrpcx peer in spec/interop/helpers/RxPeer.ts.

It is driven by JSON lines on stdin and reports JSON lines on stdout:

    -> {"id": 1, "op": "serve", "transport": "rs", "protocol": "auto"}
    <- {"re": 1, "ok": true, "value": {"server": "s1", "port": 40123}}
    <- {"event": "session", "server": "s1", "session": "py1"}

Replies to commands carry "re"; everything else is an event. The first line
is {"event": "ready", ...}; if aiorpcx or websockets cannot be imported the
first line is {"event": "missing", ...} and the exit status is 3. The peer
exits when stdin closes, so it never outlives the test that started it.
"""

import asyncio
import json
import sys

try:
    import aiorpcx
    from aiorpcx import (
        JSONRPCAutoDetect, JSONRPCConnection, JSONRPCLoose, JSONRPCv1, JSONRPCv2,
        NewlineFramer, Notification, ProtocolError, ReplyAndDisconnect, RPCError,
        RPCSession, TaskTimeout, BatchError, connect_rs, connect_ws, handler_invocation,
        serve_rs, serve_ws,
    )
    from aiorpcx.curio import spawn
    from aiorpcx.websocket import WSTransport
    import websockets
except ImportError as error:  # pragma: no cover - reported to the test
    sys.stdout.write(json.dumps({'event': 'missing', 'module': getattr(error, 'name', None),
                                 'error': str(error)}) + '\n')
    sys.stdout.flush()
    sys.exit(3)


PROTOCOLS = {'v1': JSONRPCv1, 'v2': JSONRPCv2, 'loose': JSONRPCLoose, 'auto': JSONRPCAutoDetect}
PROTOCOL_NAMES = {value: key for key, value in PROTOCOLS.items()}

sessions = {}   # name -> InteropSession
servers = {}    # name -> (server, transport)
counter = {'session': 0, 'server': 0}


def emit(**fields):
    try:
        sys.stdout.write(json.dumps(fields) + '\n')
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):
        pass  # the test has gone; stdin is closing too


def next_name(kind, prefix):
    counter[kind] += 1
    return f'{prefix}{counter[kind]}'


def outcome_of(value):
    if isinstance(value, (RPCError, ProtocolError)):
        return {'error': {'code': value.code, 'message': value.message}}
    return {'result': value}


class InteropSession(RPCSession):
    '''The reference session the suite talks to: a method table like the rxrpcx peer's.'''

    def __init__(self, transport, *, protocol, max_size=None, server=None, settings=None):
        super().__init__(transport, connection=JSONRPCConnection(protocol))
        self.max_size = max_size
        self.name = next_name('session', 'py')
        self.server = server
        self.notifications = []
        for key, value in (settings or {}).items():
            self.apply_setting(key, value)
        sessions[self.name] = self
        emit(event='session', session=self.name, server=server)

    def default_framer(self):
        return NewlineFramer() if self.max_size is None else NewlineFramer(max_size=self.max_size)

    def apply_setting(self, key, value):
        if key == 'max_response_size':
            self.connection.max_response_size = value
        elif key in ('processing_timeout', 'sent_request_timeout', 'cost_soft_limit',
                     'cost_hard_limit', 'cost_sleep', 'initial_concurrent'):
            setattr(self, key, value)
        else:
            raise RPCError(-32602, f'unknown setting {key}')

    # Instrumentation only: report how the session's loop ended (a lost
    # connection, or an exception escaping the reference, such as
    # RecursionError on deeply nested JSON).
    async def _process_messages_loop(self, recv_message):
        try:
            await super()._process_messages_loop(recv_message)
        except BaseException as error:
            emit(event='loop_ended', session=self.name, error=type(error).__name__)
            raise

    async def connection_lost(self):
        await super().connection_lost()
        emit(event='closed', session=self.name)

    async def handle_request(self, request):
        if isinstance(request, Notification):
            self.notifications.append([request.method, request.args])
            emit(event='notification', session=self.name, method=request.method, args=request.args)
        handler = self.methods().get(request.method)
        invocation = handler_invocation(handler, request)
        return await invocation()

    def methods(self):
        return {
            'ping': self.ping, 'echo': self.echo, 'add': self.add, 'sum': self.sum,
            'fail': self.fail, 'crash': self.crash, 'sleep': self.sleep, 'big': self.big,
            'call_back': self.call_back, 'notify_back': self.notify_back,
            'reply_and_disconnect': self.reply_and_disconnect,
            'reply_error_and_disconnect': self.reply_error_and_disconnect,
            'bump_cost': self.rpc_bump_cost, 'disconnect': self.disconnect,
            'configure': self.configure, 'whoami': self.whoami, 'note': self.note,
        }

    # ---- the methods (helpers/RxPeer.ts declares the same signatures) ----

    async def ping(self):
        return 'pong'

    async def echo(self, value):
        return value

    async def add(self, a, b):
        return a + b

    async def sum(self, *values):
        return sum(values)

    async def fail(self, code, message):
        raise RPCError(code, message)

    async def crash(self):
        raise ValueError('boom')

    async def sleep(self, seconds):
        emit(event='started', session=self.name, method='sleep')
        try:
            await asyncio.sleep(seconds)
        except asyncio.CancelledError:
            emit(event='cancelled', session=self.name, method='sleep')
            raise
        emit(event='finished', session=self.name, method='sleep')
        return seconds

    async def big(self, n):
        return 'x' * n

    async def call_back(self, method, args):
        return await self.send_request(method, args)

    async def notify_back(self, method, args):
        await self.send_notification(method, args)
        return True

    async def reply_and_disconnect(self, value):
        raise ReplyAndDisconnect(value)

    async def reply_error_and_disconnect(self, code, message):
        raise ReplyAndDisconnect(RPCError(code, message))

    async def rpc_bump_cost(self, amount):
        self.bump_cost(amount)
        return True

    async def disconnect(self):
        await self.abort()
        await asyncio.sleep(3600)

    async def configure(self, settings):
        for key, value in settings.items():
            self.apply_setting(key, value)
        return True

    async def whoami(self):
        return self.name

    async def note(self, *args):
        return None


def session_factory(protocol, max_size, server, settings):
    def factory(transport):
        return InteropSession(transport, protocol=protocol, max_size=max_size, server=server,
                              settings=settings)
    return factory


# ---- commands ----

async def op_serve(command):
    name = next_name('server', 's')
    protocol = PROTOCOLS[command.get('protocol', 'v2')]
    max_size = command.get('maxSize')
    factory = session_factory(protocol, max_size, name, command.get('settings'))
    if command.get('transport', 'rs') == 'ws':
        kwargs = {} if max_size is None else {'max_size': max_size}
        server = await serve_ws(factory, '127.0.0.1', 0, **kwargs)
    else:
        # The framer is made per session (default_framer): serve_rs's framer
        # argument would be one framer shared by every connection.
        server = await serve_rs(factory, '127.0.0.1', 0)
    servers[name] = server
    return {'server': name, 'port': server.sockets[0].getsockname()[1]}


async def op_stop(command):
    server = servers.pop(command['server'])
    server.close()
    for session in list(sessions.values()):
        if session.server == command['server'] and not session.is_closing():
            await session.abort()
    await server.wait_closed()
    return None


async def op_connect(command):
    protocol = PROTOCOLS[command.get('protocol', 'v2')]
    max_size = command.get('maxSize')
    factory = session_factory(protocol, max_size, None, command.get('settings'))
    port = command['port']
    if command.get('transport', 'rs') == 'ws':
        kwargs = {} if max_size is None else {'max_size': max_size}
        # aiorpcX 0.22.1's connect_ws drops its session_factory argument
        # (WSClient pops it and never passes it on), so its sessions are
        # always plain RPCSessions. Do what WSClient.__aenter__ does, with
        # the factory.
        transport = await WSTransport.ws_client(f'ws://127.0.0.1:{port}',
                                                session_factory=factory, **kwargs)
        await spawn(transport.process_messages())
        session = transport.session
    else:
        session = await connect_rs('127.0.0.1', port, session_factory=factory).__aenter__()
    return {'session': session.name}


async def guarded(coro):
    '''The outcome of a request as the suite records it.'''
    try:
        return outcome_of(await coro)
    except (RPCError, ProtocolError) as error:
        return outcome_of(error)
    except TaskTimeout:
        return {'failure': 'timeout'}
    except BatchError as error:
        return {'failure': 'batch', 'results': [outcome_of(r) for r in error.request.results]}
    except asyncio.CancelledError:
        # The reference cancels the futures of pending requests when the
        # connection is lost.
        if asyncio.current_task().cancelling():
            raise
        return {'failure': 'connection'}
    except Exception as error:
        # A reference failure that is not an outcome of the request itself,
        # e.g. the TypeError of a batch of notifications only.
        return {'failure': f'exception:{type(error).__name__}'}


async def op_request(command):
    session = sessions[command['session']]
    if 'timeout' in command:
        session.sent_request_timeout = command['timeout']
    return await guarded(session.send_request(command['method'], command.get('args', ())))


async def op_notify(command):
    session = sessions[command['session']]
    return await guarded(session.send_notification(command['method'], command.get('args', ())))


async def op_batch(command):
    session = sessions[command['session']]

    async def run():
        async with session.send_batch(command.get('raiseErrors', False)) as batch:
            for item in command['items']:
                if item.get('notification'):
                    batch.add_notification(item['method'], item.get('args', ()))
                else:
                    batch.add_request(item['method'], item.get('args', ()))
        return [outcome_of(result) for result in batch.results]

    outcome = await guarded(run())
    return outcome


async def op_concurrent(command):
    session = sessions[command['session']]
    calls = [guarded(session.send_request(method, args)) for method, args in command['calls']]
    return await asyncio.gather(*calls)


async def op_close(command):
    await sessions[command['session']].close()
    return None


async def op_abort(command):
    await sessions[command['session']].abort()
    return None


async def op_state(command):
    session = sessions[command['session']]
    return {
        'errors': session.errors,
        'cost': session.cost,
        'pending': len(session.connection.pending_requests()),
        'closing': session.is_closing(),
        'recvCount': session.recv_count,
        'notifications': session.notifications,
        'protocol': PROTOCOL_NAMES.get(session.connection._protocol),
    }


async def op_versions(_command):
    return {'aiorpcx': aiorpcx._version_str, 'websockets': websockets.__version__,
            'python': sys.version.split()[0]}


OPS = {
    'serve': op_serve, 'stop': op_stop, 'connect': op_connect, 'request': op_request,
    'notify': op_notify, 'batch': op_batch, 'concurrent': op_concurrent, 'close': op_close,
    'abort': op_abort, 'state': op_state, 'versions': op_versions,
}


async def run_command(command):
    try:
        value = await OPS[command['op']](command)
        emit(re=command['id'], ok=True, value=value)
    except Exception as error:  # reported to the test, which fails
        emit(re=command['id'], ok=False, error=f'{type(error).__name__}: {error}')


async def main():
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=1 << 26)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    emit(event='ready', aiorpcx=aiorpcx._version_str, websockets=websockets.__version__)
    tasks = set()
    while True:
        line = await reader.readline()
        if not line:
            break
        task = loop.create_task(run_command(json.loads(line)))
        tasks.add(task)
        task.add_done_callback(tasks.discard)


if __name__ == '__main__':
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
