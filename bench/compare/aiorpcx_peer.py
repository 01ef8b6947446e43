"""The aiorpcX 0.22.1 stack (Python) of the cross-library comparison.

Not compiled: the harness runs it from bench/compare/ with /usr/bin/python3
(the Debian python3-aiorpcx package).

    /usr/bin/python3 bench/compare/aiorpcx_peer.py server [--handler sync|async]
        serve_rs() on 127.0.0.1, any port; prints {"port": N, "pid": P}
    /usr/bin/python3 bench/compare/aiorpcx_peer.py client --port N \
            [--conns 1] [--outstanding 64] [--seconds 3] [--ramp 0.5] \
            [--server-pid P] [--mode pipelined|latency]
        connect_rs() sessions, each with `outstanding` asyncio tasks looping
        `await session.send_request('echo', [text])`; prints one JSON line
        with the same fields as the Node clients, including p50/p99 of every
        request completed in the window (perf_counter_ns around each
        send_request; a bounded reservoir sample past LATENCY_CAPACITY).

The server's RPCSession subclass dispatches `echo` through
aiorpcx.handler_invocation, with every default (cost model, concurrency).
aiorpcX handlers are coroutines already (`async def echo`, awaited by the
session), so `--handler async` and `--handler sync` run the same handler; the
flag is accepted so the harness can drive every server alike.

Outgoing concurrency: aiorpcX's RPCSession starts every session with
`_outgoing_concurrency = Concurrency(50)`, which would cap 64 outstanding
requests at 50. The client session replaces it with Concurrency(outstanding),
as rxrpcx's client sets initialOutgoingConcurrent; recalibration stays on
(with sub-second replies it only raises the target, by max(3, 10%) every 30
replies, up to 250), so nothing caps the load. In the saturated shape (256
outstanding) that cap of 250 applies after the first 30 replies: 250 stay
outstanding, still far above the server's 20 incoming slots.

Under the harness (RXRPCX_BENCH_CHILD=1) the program exits when its stdin
closes.
"""
import argparse
import asyncio
import json
import os
import random
import sys
import time

import aiorpcx
from aiorpcx.session import Concurrency

ECHO_TEXT = ('rxrpcx bench: the quick brown fox jumps over the lazy dog, 0123456789 '
             'ABCDEFGHIJKLMNOPQRSTUVWXYZ ok!').ljust(100, '.')[:100]


def cpu_ticks(pid):
    """utime + stime of a process in clock ticks, from /proc/<pid>/stat."""
    with open(f'/proc/{pid}/stat') as f:
        stat = f.read()
    fields = stat[stat.rindex(')') + 2:].split(' ')
    return int(fields[11]) + int(fields[12])


def machine_ticks():
    """The machine's busy (user, nice, system, irq, softirq) and steal CPU ticks, from /proc/stat."""
    with open('/proc/stat') as f:
        fields = [int(x) for x in f.readline().split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return user + nice + system + irq + softirq, steal


def print_json(value):
    sys.stdout.write(json.dumps(value) + '\n')
    sys.stdout.flush()


def exit_when_stdin_closes(loop, stop):
    """Under the harness, stop when stdin closes (the harness is done or gone)."""
    if os.environ.get('RXRPCX_BENCH_CHILD') != '1':
        return

    def readable():
        try:
            data = os.read(0, 4096)
        except OSError:
            data = b''
        if not data:
            loop.remove_reader(0)
            if not stop.done():
                stop.set_result(None)

    loop.add_reader(0, readable)


class EchoSession(aiorpcx.RPCSession):
    """The server's session: `echo(text)` answers `text`."""

    async def handle_request(self, request):
        handler = self.echo if request.method == 'echo' else None
        coro = aiorpcx.handler_invocation(handler, request)()
        return await coro

    async def echo(self, text):
        return text


async def server_main():
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    exit_when_stdin_closes(loop, stop)
    server = await aiorpcx.serve_rs(EchoSession, '127.0.0.1', 0)
    port = server.sockets[0].getsockname()[1]
    print_json({'port': port, 'pid': os.getpid()})
    await stop
    server.close()


def client_session_class(outstanding):
    class ClientSession(aiorpcx.RPCSession):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            # See the module docstring: the default Concurrency(50) would cap 64 outstanding.
            self._outgoing_concurrency = Concurrency(outstanding)
    return ClientSession


LATENCY_CAPACITY = 1 << 20


class LatencySample:
    """Latencies in µs: all of them up to LATENCY_CAPACITY, then a uniform (reservoir) sample."""

    def __init__(self):
        self.values = []
        self.seen = 0
        self.total = 0.0

    def record(self, us):
        n = self.seen
        self.seen = n + 1
        self.total += us
        if n < LATENCY_CAPACITY:
            self.values.append(us)
        else:
            slot = random.randrange(n + 1)
            if slot < LATENCY_CAPACITY:
                self.values[slot] = us

    def summary(self):
        values = sorted(self.values)
        return {
            'p50Us': percentile(values, 50),
            'p99Us': percentile(values, 99),
            'meanUs': self.total / self.seen if self.seen else None,
            'timed': self.seen,
        }


def percentile(values, p):
    if not values:
        return None
    rank = -(-p * len(values) // 100)  # ceil
    return values[min(len(values) - 1, max(0, rank - 1))]


async def client_main(args):
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    exit_when_stdin_closes(loop, stop)
    latency_mode = args.mode == 'latency'
    conns = 1 if latency_mode else args.conns
    outstanding = 1 if latency_mode else args.outstanding
    factory = client_session_class(outstanding)
    clients = [aiorpcx.connect_rs('127.0.0.1', args.port, session_factory=factory) for _ in range(conns)]
    sessions = await asyncio.gather(*(client.__aenter__() for client in clients))

    state = {'stopped': False, 'completed': 0, 'wrong': 0, 'timing': False}
    latencies = LatencySample()

    async def worker(session):
        while not state['stopped']:
            sent = time.perf_counter_ns()
            reply = await session.send_request('echo', [ECHO_TEXT])
            if state['timing']:
                latencies.record((time.perf_counter_ns() - sent) / 1000)
            if reply != ECHO_TEXT:
                state['wrong'] += 1
            state['completed'] += 1

    def edge():
        return (state['completed'], time.perf_counter_ns(),
                cpu_ticks(args.server_pid) if args.server_pid else None, time.process_time(),
                machine_ticks())

    async def window():
        await asyncio.sleep(args.ramp)
        start = edge()
        state['timing'] = True
        await asyncio.sleep(args.seconds)
        end = edge()
        state['timing'] = False
        state['stopped'] = True
        return start, end

    workers = [asyncio.ensure_future(worker(session)) for session in sessions for _ in range(outstanding)]
    start, end = await window()
    await asyncio.gather(*workers)
    for client in clients:
        await client.__aexit__(None, None, None)

    seconds = (end[1] - start[1]) / 1e9
    requests = end[0] - start[0]
    result = {
        'requests': requests,
        'seconds': seconds,
        'rps': requests / seconds,
        'serverCpuTicks': None if start[2] is None else end[2] - start[2],
        'clientCpuUs': (end[3] - start[3]) * 1e6,
        'machineBusyTicks': end[4][0] - start[4][0],
        'machineStealTicks': end[4][1] - start[4][1],
        'wrongReplies': state['wrong'],
    }
    result.update(latencies.summary())
    print_json(result)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('role', choices=('server', 'client', 'version'))
    parser.add_argument('--port', type=int)
    parser.add_argument('--conns', type=int, default=1)
    parser.add_argument('--outstanding', type=int, default=64)
    parser.add_argument('--seconds', type=float, default=3.0)
    parser.add_argument('--ramp', type=float, default=0.5)
    parser.add_argument('--server-pid', type=int, default=0)
    parser.add_argument('--mode', choices=('pipelined', 'latency'), default='pipelined')
    parser.add_argument('--handler', choices=('sync', 'async'), default='sync')
    args = parser.parse_args()
    if args.role == 'version':
        print_json({'python': sys.version.split()[0],
                    'aiorpcx': '.'.join(str(part) for part in aiorpcx._version)})
    elif args.role == 'server':
        asyncio.run(server_main())
    else:
        if not args.port:
            parser.error('--port is required')
        asyncio.run(client_main(args))


if __name__ == '__main__':
    main()
