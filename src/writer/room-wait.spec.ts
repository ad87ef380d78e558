import { RoomWait } from './room-wait';

describe('RoomWait', () => {
  it('answers at once when there is room, without a timer', async () => {
    const started = performance.now();
    expect(await new RoomWait(500).until(() => true)).toBe(true);
    expect(performance.now() - started).toBeLessThan(5);
  });

  it('lets a request through as soon as room appears', async () => {
    let room = false;
    setTimeout(() => (room = true), 30);
    const started = performance.now();
    expect(await new RoomWait(1000).until(() => room)).toBe(true);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(25);
    expect(waited).toBeLessThan(500);
  });

  it('gives up after its bound', async () => {
    const started = performance.now();
    expect(await new RoomWait(40).until(() => false)).toBe(false);
    expect(performance.now() - started).toBeGreaterThanOrEqual(39);
  });

  it('holds at most maxWaiting requests; the next is refused at once', async () => {
    const wait = new RoomWait(100, 2);
    const held = [wait.until(() => false), wait.until(() => false)];
    const started = performance.now();
    expect(await wait.until(() => false)).toBe(false);
    expect(performance.now() - started).toBeLessThan(20);
    expect(await Promise.all(held)).toEqual([false, false]);
    expect(await new RoomWait(0).until(() => false)).toBe(false);
  });
});
