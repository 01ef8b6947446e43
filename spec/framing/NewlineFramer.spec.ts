import fc from 'fast-check';
import { Subject, catchError, map, of, take, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { NewlineFramer, OversizedMessageError, type FramingError } from 'rxrpcx';
import {
  NUM_RUNS,
  concat,
  dec,
  decode,
  enc,
  everyTwoCuts,
  fractionsArb,
  runReference,
  scaledCuts,
  splitAt,
  type Reference,
} from './framingHelpers';

const lines = (framer: NewlineFramer, chunks: readonly Uint8Array[]) =>
  decode((onDrop) => framer.messages({ onDrop }), chunks);
const texts = (framer: NewlineFramer, chunks: readonly string[]) => {
  const result = lines(framer, chunks.map(enc));
  return { ...result, texts: result.messages.map(dec) };
};

function newScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

const asError = (error: FramingError | Error) => ({ name: error.name, code: 'code' in error ? error.code : undefined });

describe('NewlineFramer', () => {
  let reference: Reference;
  beforeAll(() => {
    reference = runReference();
  });

  it('matches the reference default and drop message', () => {
    expect(new NewlineFramer().maxSize).toBe(reference.limits.newline_max_size);
    expect(texts(new NewlineFramer(10), ['x'.repeat(11)]).drops.map((e) => e.message)).toEqual([reference.newline_drop[0]]);
    expect(texts(new NewlineFramer(), ['x'.repeat(1_000_001)]).drops.map((e) => e.message)).toEqual([reference.newline_drop[1]]);
  });

  describe('options', () => {
    it('defaults to maxSize 1,000,000', () => {
      expect(new NewlineFramer().maxSize).toBe(1_000_000);
      expect(NewlineFramer.defaults.maxSize).toBe(1_000_000);
    });

    it('takes maxSize as an option or a number', () => {
      expect(new NewlineFramer({ maxSize: 5 }).maxSize).toBe(5);
      expect(new NewlineFramer(7).maxSize).toBe(7);
      expect(new NewlineFramer(0).maxSize).toBe(0);
    });

    it.each([-1, 1.5, NaN, Infinity])('rejects maxSize %p', (maxSize) => {
      expect(() => new NewlineFramer({ maxSize })).toThrow(RangeError);
    });
  });

  describe('frame', () => {
    it('appends a newline, in a new buffer', () => {
      const message = enc('{"id":0}');
      const framed = new NewlineFramer().frame(message);
      expect(dec(framed)).toBe('{"id":0}\n');
      expect(framed.buffer).not.toBe(message.buffer);
    });

    it('frames the empty message as a bare newline', () => {
      expect([...new NewlineFramer().frame(new Uint8Array(0))]).toEqual([10]);
    });

    it('does not escape newlines inside a message, as the reference', () => {
      expect(dec(new NewlineFramer().frame(enc('a\nb')))).toBe('a\nb\n');
    });
  });

  describe('messages', () => {
    it('splits lines, keeping empty ones', () => {
      expect(texts(new NewlineFramer(), ['a\n\nbc\n']).texts).toEqual(['a', '', 'bc']);
    });

    it('joins a line split across chunks', () => {
      expect(texts(new NewlineFramer(), ['he', 'll', 'o\nwor', 'ld', '\n']).texts).toEqual(['hello', 'world']);
    });

    it('ignores empty chunks', () => {
      expect(texts(new NewlineFramer(), ['', 'a', '', '\n', '']).texts).toEqual(['a']);
    });

    it('discards a partial line at completion', () => {
      const result = texts(new NewlineFramer(), ['a\nb']);
      expect(result.texts).toEqual(['a']);
      expect(result.completed).toBe(true);
      expect(result.drops).toEqual([]);
    });

    it('emits a view into the chunk when a line lies within one chunk (no copy)', () => {
      const chunk = enc('one\ntwo\n');
      const { messages } = lines(new NewlineFramer(), [chunk]);
      expect(messages.map(dec)).toEqual(['one', 'two']);
      for (const message of messages) expect(message.buffer).toBe(chunk.buffer);
    });

    it('keeps UTF-8 characters split across chunks intact', () => {
      const bytes = enc('€𝄞é\n');
      for (const chunks of everyTwoCuts(bytes)) {
        expect(lines(new NewlineFramer(), chunks).messages.map(dec)).toEqual(['€𝄞é']);
      }
    });

    it('gives the same lines for a fixed sample cut at every pair of offsets', () => {
      const sample = enc('{"m":"héllo"}\n\n[1,"𝄞"]\nx\n');
      for (const chunks of everyTwoCuts(sample)) {
        expect(lines(new NewlineFramer(), chunks).messages.map(dec)).toEqual(['{"m":"héllo"}', '', '[1,"𝄞"]', 'x']);
      }
      const oneByteChunks = splitAt(sample, [...sample.keys()]);
      expect(lines(new NewlineFramer(), oneByteChunks).messages.map(dec)).toEqual(['{"m":"héllo"}', '', '[1,"𝄞"]', 'x']);
    });
  });

  describe('oversized messages', () => {
    it('accepts a message of exactly maxSize bytes, and drops one of maxSize + 1', () => {
      const result = texts(new NewlineFramer(3), ['abc\nabcd\nok\n']);
      expect(result.texts).toEqual(['abc', 'ok']);
      expect(result.drops).toHaveLength(1);
      expect(result.completed).toBe(true);
    });

    it('reports the drop as soon as more than maxSize bytes are buffered, before the newline', () => {
      const drops: FramingError[] = [];
      const chunks = new Subject<Uint8Array>();
      const seen: string[] = [];
      chunks.pipe(new NewlineFramer(4).messages({ onDrop: (e) => drops.push(e) })).subscribe((m) => seen.push(dec(m)));
      chunks.next(enc('abcd'));
      expect(drops).toHaveLength(0);
      chunks.next(enc('e'));
      expect(drops).toHaveLength(1);
      chunks.next(enc('fghijklmnopqrstu'));
      chunks.next(enc('vwxyz'));
      expect(drops).toHaveLength(1);
      chunks.next(enc('...\nnext\n'));
      expect(seen).toEqual(['next']);
      expect(drops).toHaveLength(1);
    });

    it('reports an OversizedMessageError with the reference message and cost 0', () => {
      const [error] = texts(new NewlineFramer(1_000_000), [ 'x'.repeat(1_000_001)]).drops;
      expect(error).toBeInstanceOf(OversizedMessageError);
      expect(error).toMatchObject({
        name: 'OversizedMessageError',
        code: 'RXRPCX_ERR_OVERSIZED_MESSAGE',
        cost: 0,
        maxSize: 1_000_000,
        length: undefined,
        message: 'dropping message over 1,000,000 bytes and re-synchronizing',
      });
    });

    it('drops a long line that arrives within one chunk too', () => {
      const result = texts(new NewlineFramer(2), ['abc\nde\n']);
      expect(result.texts).toEqual(['de']);
      expect(result.drops).toHaveLength(1);
    });

    it('never buffers more than maxSize bytes while resynchronising', () => {
      // 10 MB of junk in 1 kB chunks with a 100-byte limit: dropped chunk by chunk.
      const junk = new Uint8Array(1024).fill(0x61);
      const chunks = [...Array.from({ length: 10_000 }, () => junk), enc('\nok\n')];
      const result = lines(new NewlineFramer(100), chunks);
      expect(result.messages.map(dec)).toEqual(['ok']);
      expect(result.drops).toHaveLength(1);
    });

    it('maxSize 0 means no limit', () => {
      const long = 'y'.repeat(3_000_000);
      expect(texts(new NewlineFramer(0), [long.slice(0, 1_500_000), long.slice(1_500_000) + '\n']).texts).toEqual([long]);
    });
  });

  describe('operator (marbles)', () => {
    it('emits each line when its newline arrives, and completes with the source', () => {
      newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-a--b-c---|', { a: enc('he'), b: enc('llo\nwor'), c: enc('ld\n!\n') });
        const sub = '        ^---------!';
        const expected = '   ----x-(yz)|';
        expectObservable(source.pipe(new NewlineFramer().messages(), map(dec))).toBe(expected, { x: 'hello', y: 'world', z: '!' });
        expectSubscriptions(source.subscriptions).toBe(sub);
      });
    });

    it('passes the source error through, discarding the partial line', () => {
      newScheduler().run(({ cold, expectObservable }) => {
        const source = cold('-a-b-#', { a: enc('x\ny'), b: enc('z') }, new Error('reset'));
        expectObservable(source.pipe(new NewlineFramer().messages(), map(dec))).toBe('-x---#', { x: 'x' }, new Error('reset'));
      });
    });

    it('does not error the stream on an oversized message', () => {
      newScheduler().run(({ cold, expectObservable }) => {
        const drops: number[] = [];
        const source = cold('-a-b-c|', { a: enc('toolong'), b: enc('…\nok'), c: enc('\n') });
        const result = source.pipe(new NewlineFramer(3).messages({ onDrop: () => drops.push(1) }), map(dec));
        expectObservable(result).toBe('-----x|', { x: 'ok' });
      });
    });

    it('unsubscribes from the source when the consumer unsubscribes', () => {
      newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-a-a-a-a|', { a: enc('m\n') });
        expectObservable(source.pipe(new NewlineFramer().messages(), map(dec)), '^----!').toBe('-m-m-', { m: 'm' });
        expectSubscriptions(source.subscriptions).toBe('^----!');
      });
    });

    it('errors the stream with what onDrop throws, and unsubscribes from the source', () => {
      newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-a-b|', { a: enc('ok\n'), b: enc('oversized') });
        const result: Observable<unknown> = source.pipe(
          new NewlineFramer(3).messages({
            onDrop: () => {
              throw new TypeError('counter broke');
            },
          }),
          map(dec),
          catchError((error: Error) => of(asError(error))),
        );
        expectObservable(result).toBe('-x-(e|)', { x: 'ok', e: { name: 'TypeError', code: undefined } });
        expectSubscriptions(source.subscriptions).toBe('^--!');
      });
    });

    it('keeps separate state per subscription, so one operator serves many pipes', () => {
      newScheduler().run(({ hot, expectObservable }) => {
        const unframe = new NewlineFramer().messages();
        const a = hot('-a---b-|', { a: enc('left '), b: enc('side\n') });
        const b = hot('--c-d--|', { c: enc('right '), d: enc('side\n') });
        expectObservable(a.pipe(unframe, map(dec))).toBe('-----x-|', { x: 'left side' });
        expectObservable(b.pipe(unframe, map(dec))).toBe('----y--|', { y: 'right side' });
      });
    });
  });

  it('stops mid-chunk when the consumer unsubscribes', () => {
    const drops: FramingError[] = [];
    const seen: string[] = [];
    of(enc('one\ntwo\ntoo-long\n'))
      .pipe(new NewlineFramer(4).messages({ onDrop: (e) => drops.push(e) }), take(1))
      .subscribe((m) => seen.push(dec(m)));
    expect(seen).toEqual(['one']);
    expect(drops).toEqual([]);
  });

  describe('properties', () => {
    const messageArb = (maxLength: number) =>
      fc.uint8Array({ maxLength }).map((bytes) => bytes.map((b) => (b === 10 ? 11 : b)));

    it('frame then messages round-trips any messages, however the bytes are split', () => {
      fc.assert(
        fc.property(fc.array(messageArb(40), { maxLength: 12 }), fractionsArb, (messages, fractions) => {
          const framer = new NewlineFramer();
          const bytes = concat(messages.map((m) => framer.frame(m)));
          const result = lines(framer, splitAt(bytes, scaledCuts(bytes, fractions)));
          expect(result.messages.map((m) => [...m])).toEqual(messages.map((m) => [...m]));
          expect(result.drops).toEqual([]);
        }),
        { numRuns: NUM_RUNS },
      );
    });

    it('delivers exactly the messages within maxSize, and reports one drop per oversized one', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 12 }),
          fc.array(messageArb(30), { maxLength: 12 }),
          fractionsArb,
          (maxSize, messages, fractions) => {
            const framer = new NewlineFramer(maxSize);
            const bytes = concat(messages.map((m) => framer.frame(m)));
            const result = lines(framer, splitAt(bytes, scaledCuts(bytes, fractions)));
            const kept = messages.filter((m) => m.length <= maxSize);
            expect(result.messages.map((m) => [...m])).toEqual(kept.map((m) => [...m]));
            expect(result.drops).toHaveLength(messages.length - kept.length);
          },
        ),
        { numRuns: NUM_RUNS },
      );
    });
  });
});
