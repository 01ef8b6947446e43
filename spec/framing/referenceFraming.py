"""Ask aiorpcX 0.22.1 (Debian's python3-aiorpcx) how it frames and unframes.

Reads a JSON request on stdin, writes a JSON answer on stdout:
  frames:  [{magic?, command, payload}] -> hex of BitcoinFramer.frame((command, payload))
  streams: [{hex, count}]               -> what receive_message returns, count times
  and the constants rxrpcx must match (limits, costs, the NewlineFramer drop message).
"""
import asyncio
import json
import sys

from aiorpcx.framing import (MAX_BLOCK_SIZE, BadChecksumError, BadMagicError,
                             BitcoinFramer, NewlineFramer, OversizedPayloadError)


def framer_for(case):
    magic = case.get('magic')
    return BitcoinFramer(bytes.fromhex(magic)) if magic else BitcoinFramer()


async def unframe(stream):
    framer = framer_for(stream)
    framer.received_bytes(bytes.fromhex(stream['hex']))
    out = []
    for _ in range(stream['count']):
        try:
            command, payload = await asyncio.wait_for(framer.receive_message(), 1)
            out.append({'command': command.decode('latin-1'), 'payload': payload.hex()})
        except (BadChecksumError, BadMagicError, OversizedPayloadError) as e:
            out.append({'error': type(e).__name__})
            if not isinstance(e, BadChecksumError):
                break
    return out


async def newline_drop(max_size):
    framer = NewlineFramer(max_size=max_size)
    framer.received_bytes(b'x' * (max_size + 1))
    try:
        await framer.receive_message()
    except MemoryError as e:
        return str(e)


async def main(request):
    return {
        'frames': [framer_for(case).frame((case['command'].encode('latin-1'),
                                           bytes.fromhex(case['payload']))).hex()
                   for case in request['frames']],
        'streams': [await unframe(stream) for stream in request['streams']],
        'limits': {
            'max_payload_size': BitcoinFramer.max_payload_size,
            'max_block_size': MAX_BLOCK_SIZE,
            'newline_max_size': NewlineFramer().max_size,
            'magic': BitcoinFramer()._magic.hex(),
        },
        'costs': {
            'BadChecksumError': BadChecksumError.cost,
            'BadMagicError': BadMagicError.cost,
            'OversizedPayloadError': OversizedPayloadError.cost,
        },
        'newline_drop': [await newline_drop(10), await newline_drop(1_000_000)],
    }


print(json.dumps(asyncio.run(main(json.load(sys.stdin)))))
