import { slot } from '../../lib/util/slotInternals';

describe('slot (late-bound friends and optional parts)', () => {
  it('before binding: get throws a TypeError naming what is missing, peek gives undefined', () => {
    const friend = slot<number>('SessionBase');
    expect(() => friend.get()).toThrow(new TypeError('SessionBase is not loaded'));
    expect(friend.peek()).toBeUndefined();
    friend.bind(7);
    expect([friend.get(), friend.peek()]).toEqual([7, 7]);
  });

  it('takes a message of its own where the owner alone would not say enough', () => {
    const part = slot<() => void>('defineHandler', 'handler objects are made by defineHandler, which is not loaded');
    expect(() => part.get()).toThrow(new TypeError('handler objects are made by defineHandler, which is not loaded'));
  });
});
