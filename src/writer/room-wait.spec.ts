import { RoomWait } from './room-wait';

/** On Jest's fake clock (timers and performance.now): the waits are measured in timer steps, never against the wall clock of a loaded host. */
describe('RoomWait', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const settled = async <T>(promise: Promise<T>) => {
    let done: { value: T } | null = null;
    void promise.then((value) => (done = { value }));
    await jest.advanceTimersByTimeAsync(0);
    return done as { value: T } | null;
  };

  it('answers at once when there is room, without a timer', async () => {
    const waiting = new RoomWait(500).until(() => true);
    expect(jest.getTimerCount()).toBe(0);
    expect(await settled(waiting)).toEqual({ value: true });
  });

  it('lets a request through as soon as room appears', async () => {
    let room = false;
    setTimeout(() => (room = true), 30);
    const waiting = new RoomWait(1000).until(() => room);
    await jest.advanceTimersByTimeAsync(25);
    expect(await settled(waiting)).toBeNull();
    await jest.advanceTimersByTimeAsync(10);
    expect(await settled(waiting)).toEqual({ value: true });
  });

  it('gives up after its bound', async () => {
    const waiting = new RoomWait(40).until(() => false);
    await jest.advanceTimersByTimeAsync(35);
    expect(await settled(waiting)).toBeNull();
    await jest.advanceTimersByTimeAsync(10);
    expect(await settled(waiting)).toEqual({ value: false });
  });

  it('holds at most maxWaiting requests; the next is refused at once', async () => {
    const wait = new RoomWait(100, 2);
    const held = [wait.until(() => false), wait.until(() => false)];
    const timers = jest.getTimerCount();
    const third = wait.until(() => false);
    expect(jest.getTimerCount()).toBe(timers);
    expect(await settled(third)).toEqual({ value: false });
    await jest.advanceTimersByTimeAsync(110);
    expect(await Promise.all(held)).toEqual([false, false]);
    expect(await settled(new RoomWait(0).until(() => false))).toEqual({ value: false });
  });
});
