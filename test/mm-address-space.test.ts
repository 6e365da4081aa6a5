// AddressSpace placement and the VadTree under it, as pure units: 64 KiB
// allocation granularity, no overlap, the preferred base when free, else a
// seeded random spot (confined to a window), else first fit, else null.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ALLOCATION_GRANULARITY, AddressSpace, NONE, PAGE_SIZE, pageRound } from '../src/mm/address-space.js';
import { NONE as NO_RANGE, VadTree } from '../src/mm/vad-tree.js';
import { Random } from '../src/rtl/random.js';

const G = 0x10000n;
const USER_LOW = 0x10000n;
const USER_HIGH = 0x7fff_ffff_0000n;

/** A Random whose every pick is 0: random placement always tries the window's low end. */
class AlwaysLow extends Random {
  picks = 0;
  override below(): number {
    this.picks++;
    return 0;
  }
}

/** [base, base + size) as 64 KiB granules. */
function overlaps(a: [bigint, number], b: [bigint, number]): boolean {
  const spanOf = (size: number) => ((BigInt(size) + G - 1n) / G) * G;
  return a[0] < b[0] + spanOf(b[1]) && b[0] < a[0] + spanOf(a[1]);
}

// ---------------------------------------------------------------- pageRound

test('pageRound() rounds a size up to whole 4 KiB pages', () => {
  assert.equal(PAGE_SIZE, 0x1000);
  assert.equal(pageRound(0), 0);
  assert.equal(pageRound(1), 0x1000);
  assert.equal(pageRound(0xfff), 0x1000);
  assert.equal(pageRound(0x1000), 0x1000);
  assert.equal(pageRound(0x1001), 0x2000);
  assert.equal(pageRound(0x12345), 0x13000);
});

// ---------------------------------------------------------------- construction

test('new AddressSpace() refuses a low end off the 64 KiB grid, an empty range and a span of 2^47 bytes or more', () => {
  assert.equal(ALLOCATION_GRANULARITY, G);
  assert.throws(() => new AddressSpace(0x1000n, USER_HIGH, new Random(1)), RangeError);
  assert.throws(() => new AddressSpace(USER_LOW, USER_LOW, new Random(1)), RangeError);
  assert.throws(() => new AddressSpace(0x20000n, 0x10000n, new Random(1)), RangeError);
  assert.throws(() => new AddressSpace(0n, 1n << 54n, new Random(1)), RangeError);
  assert.throws(() => new AddressSpace(0n, 1n << 47n, new Random(1)), RangeError);
  // The largest span allowed: its last granule can still be reserved.
  const widest = new AddressSpace(0n, (1n << 47n) - G, new Random(1));
  assert.equal(widest.reserve(0x10000, (1n << 47n) - 2n * G), (1n << 47n) - 2n * G);
  assert.equal(widest.isFree((1n << 47n) - 2n * G, 1), false);
  assert.notEqual(widest.release((1n << 47n) - 2n * G), NONE);
  assert.equal(widest.reservations, 0);
  const space = new AddressSpace(USER_LOW, USER_HIGH, new Random(1));
  assert.equal(space.low, USER_LOW);
  assert.equal(space.high, USER_HIGH);
  assert.equal(space.reservations, 0);
});

// ---------------------------------------------------------------- reserve()

test('reserve() takes the preferred base when it is free', () => {
  const space = new AddressSpace(USER_LOW, USER_HIGH, new Random(1));
  assert.equal(space.reserve(0x3000, 0x1_4000_0000n), 0x1_4000_0000n);
  assert.equal(space.reserve(0x3000, 0x7ff6_0000_0000n), 0x7ff6_0000_0000n);
  assert.equal(space.reservations, 2);
  assert.equal(space.isFree(0x1_4000_0000n, 1), false);
});

test('reserve() rounds every size up to whole 64 KiB spans', () => {
  const space = new AddressSpace(USER_LOW, USER_HIGH, new Random(1));
  const base = 0x40_0000n;
  assert.equal(space.reserve(0x1000, base), base, 'one page still takes a whole granule');
  assert.equal(space.isFree(base, 1), false);
  assert.equal(space.isFree(base + G, 1), true, 'the next granule stays free');
  assert.equal(space.reserve(0x1000, base + G), base + G, 'and can be reserved on its own');
  assert.equal(space.reserve(0x10001, base + 2n * G), base + 2n * G, 'one byte past 64 KiB takes two granules');
  assert.equal(space.isFree(base + 3n * G, 1), false);
  assert.equal(space.isFree(base + 4n * G, 1), true);
  assert.equal(space.reserve(0x10000, base + 4n * G), base + 4n * G, 'exactly 64 KiB takes one');
  assert.equal(space.isFree(base + 5n * G, 0x10000), true);
});

test('reserve() refuses a preferred base that overlaps a reservation and places the view elsewhere, without overlap', () => {
  const space = new AddressSpace(USER_LOW, USER_HIGH, new Random(7));
  const taken: [bigint, number][] = [[0x1000_0000n, 0x30000]];
  assert.equal(space.reserve(0x30000, 0x1000_0000n), 0x1000_0000n);
  for (const [preferred, size] of [[0x1000_0000n, 0x1000], [0x1001_0000n, 0x1000], [0x0fff_0000n, 0x20000]] as const) {
    assert.equal(space.isFree(preferred, size), false, `0x${preferred.toString(16)} overlaps`);
    const got = space.reserve(size, preferred);
    assert.ok(got !== null);
    assert.notEqual(got, preferred);
    assert.equal(got % G, 0n, 'placed on the 64 KiB grid');
    for (const other of taken) assert.ok(!overlaps([got, size], other), `0x${got.toString(16)} overlaps 0x${other[0].toString(16)}`);
    taken.push([got, size]);
  }
  assert.equal(space.reservations, 4);
});

test('reserve() ignores a preferred base off the 64 KiB grid or outside the space', () => {
  const space = new AddressSpace(USER_LOW, 0x1000_0000n, new Random(3));
  for (const preferred of [0x40_1000n, 0n, 0x2000_0000n]) {
    const got = space.reserve(0x1000, preferred);
    assert.ok(got !== null);
    assert.notEqual(got, preferred);
    assert.equal(got % G, 0n);
    assert.ok(got >= USER_LOW && got + G <= 0x1000_0000n);
  }
});

test('reserve() confines random placement to the window', () => {
  const space = new AddressSpace(USER_LOW, USER_HIGH, new Random(11));
  const window = { low: 0x7ff0_0000_0000n, high: 0x7ff1_0000_0000n };
  for (let i = 0; i < 200; i++) {
    const got = space.reserve(0x25000, null, window);
    assert.ok(got !== null);
    assert.ok(got >= window.low && got + 3n * G <= window.high, `0x${got.toString(16)} is outside the window`);
    assert.equal(got % G, 0n);
  }
  assert.equal(space.reservations, 200);
});

test('reserve() takes a free preferred base even outside the window', () => {
  const space = new AddressSpace(USER_LOW, USER_HIGH, new Random(11));
  const window = { low: 0x7ff0_0000_0000n, high: 0x7ff1_0000_0000n };
  assert.equal(space.reserve(0x1000, 0x40_0000n, window), 0x40_0000n);
});

test('reserve() places on the grid inside a window whose ends are off the grid, until the window is full', () => {
  const space = new AddressSpace(USER_LOW, USER_HIGH, new Random(5));
  // Grid slots inside: 0x12350000 … 0x123f0000, eleven of them.
  const window = { low: 0x1234_5678n, high: 0x1240_0000n };
  const got = new Set<bigint>();
  for (let i = 0; i < 11; i++) {
    const base = space.reserve(0x1000, null, window);
    assert.ok(base !== null, `reservation ${i}`);
    assert.equal(base % G, 0n);
    assert.ok(base >= window.low && base + G <= window.high, `0x${base.toString(16)}`);
    got.add(base);
  }
  assert.equal(got.size, 11);
  assert.equal(space.reserve(0x1000, null, window), null, 'the window is full');
});

test('reserve() falls back to first fit, bottom-up, when random picks find no room', () => {
  const random = new AlwaysLow(0);
  const space = new AddressSpace(USER_LOW, 0x100_0000n, random);
  // Random placement always tries the space's low end; occupy it and a hole's upper neighbour.
  assert.equal(space.reserve(0x1000, USER_LOW), USER_LOW);
  assert.equal(space.reserve(0x1000, USER_LOW + 2n * G), USER_LOW + 2n * G);
  assert.equal(space.reserve(0x1000, null), USER_LOW + G, 'the lowest hole');
  assert.ok(random.picks >= 1, 'random placement was tried first');
  assert.equal(space.reserve(0x20000, null), USER_LOW + 3n * G, 'the next fit above the reservations');
  assert.equal(space.reserve(0x1000, null), USER_LOW + 5n * G);
});

test('reserve() fills a tiny space completely, then returns null', () => {
  const space = new AddressSpace(USER_LOW, USER_LOW + 4n * G, new Random(9));
  const got = new Set<bigint>();
  for (let i = 0; i < 4; i++) {
    const base = space.reserve(0x8000, null);
    assert.ok(base !== null, `reservation ${i}`);
    got.add(base);
  }
  assert.deepEqual([...got].sort((a, b) => (a < b ? -1 : 1)), [USER_LOW, USER_LOW + G, USER_LOW + 2n * G, USER_LOW + 3n * G]);
  assert.equal(space.reserve(0x1000, null), null);
  assert.equal(space.reserve(0x1000, USER_LOW), null, 'a taken preferred base in a full space');
  assert.equal(space.reservations, 4);
});

test('reserve() returns null for a view larger than the space or the window', () => {
  const space = new AddressSpace(USER_LOW, USER_LOW + 4n * G, new Random(9));
  assert.equal(space.reserve(0x50000, null), null);
  assert.equal(space.reserve(0x50000, USER_LOW), null);
  const big = new AddressSpace(USER_LOW, USER_HIGH, new Random(9));
  assert.equal(big.reserve(0x30000, null, { low: 0x100_0000n, high: 0x102_0000n }), null);
  assert.equal(big.reservations, 0);
});

test('reserve() in a dense space with a single gap finds the gap', () => {
  const space = new AddressSpace(USER_LOW, USER_LOW + 64n * G, new Random(2));
  for (let i = 0n; i < 64n; i++) if (i !== 41n) assert.equal(space.reserve(0x1000, USER_LOW + i * G), USER_LOW + i * G);
  assert.equal(space.reserve(0x1000, null), USER_LOW + 41n * G);
  assert.equal(space.reserve(0x1000, null), null);
});

test('a space above 2^53 places by offset from its low end, still on the grid', () => {
  const low = 0xffff_8000_0000_0000n;
  const high = low + 0x10_0000_0000n;
  const space = new AddressSpace(low, high, new Random(4));
  assert.equal(space.reserve(0x5000, low + 0x123_0000n), low + 0x123_0000n);
  assert.equal(space.isFree(low + 0x123_0000n, 1), false);
  assert.equal(space.isFree(low + 0x124_0000n, 1), true);
  for (let i = 0; i < 50; i++) {
    const got = space.reserve(0x20000, null);
    assert.ok(got !== null && got >= low && got + 2n * G <= high);
    assert.equal((got - low) % G, 0n);
  }
  assert.equal(space.isFree(low - G, 1), false, 'below the space');
  assert.equal(space.reserve(0x1000, 0x7ff0_0000_0000n) === 0x7ff0_0000_0000n, false, 'a user address is outside it');
});

// ---------------------------------------------------------------- release(), clear(), reservations

test('release() frees exactly the reservation starting at that base', () => {
  const space = new AddressSpace(USER_LOW, USER_HIGH, new Random(1));
  const a = 0x100_0000n;
  const b = a + 2n * G;
  space.reserve(0x20000, a);
  space.reserve(0x10000, b);
  assert.equal(space.reservations, 2);
  space.release(a + G); // inside a, but not its start
  assert.equal(space.reservations, 2);
  assert.equal(space.isFree(a, 1), false);
  space.release(0x500_0000n); // nothing there
  assert.equal(space.reservations, 2);
  space.release(a);
  assert.equal(space.reservations, 1);
  assert.equal(space.isFree(a, 0x20000), true, 'both granules of a are free');
  assert.equal(space.isFree(b, 1), false, 'b is untouched');
  assert.equal(space.reserve(0x20000, a), a, 'and a can be reserved again');
});

test('clear() drops every reservation', () => {
  const space = new AddressSpace(USER_LOW, USER_HIGH, new Random(1));
  const bases = [0x100_0000n, 0x200_0000n, 0x300_0000n];
  for (const base of bases) space.reserve(0x1000, base);
  assert.equal(space.reservations, 3);
  space.clear();
  assert.equal(space.reservations, 0);
  for (const base of bases) assert.equal(space.isFree(base, 0x10000), true);
  assert.equal(space.reserve(0x1000, bases[0]!), bases[0]);
});

test('reservations counts reserve() successes, not failures', () => {
  const space = new AddressSpace(USER_LOW, USER_LOW + 2n * G, new Random(1));
  space.reserve(0x1000, null);
  space.reserve(0x1000, null);
  assert.equal(space.reservations, 2);
  assert.equal(space.reserve(0x1000, null), null);
  assert.equal(space.reservations, 2);
});

test('the same seed gives the same placements; another seed gives others', () => {
  const run = (seed: number) => {
    const space = new AddressSpace(USER_LOW, USER_HIGH, new Random(seed));
    const out: (bigint | null)[] = [];
    for (let i = 0; i < 100; i++) out.push(space.reserve(0x1000 + i * 0x3000, i % 3 === 0 ? 0x40_0000n : null));
    return out;
  };
  const first = run(42);
  assert.deepEqual(run(42), first);
  assert.notDeepEqual(run(43), first);
  assert.equal(new Set(first).size, first.length, 'no base handed out twice');
});

// ---------------------------------------------------------------- VadTree

/** The naive reference: sorted, non-overlapping [start, end) ranges in an array. */
class Model {
  /** Sorted by start, never overlapping (the model refuses nothing: callers check overlaps first). */
  ranges: [number, number][] = [];
  /** Index of the first range starting at or after `value`. */
  #firstAtOrAfter(value: number): number {
    let low = 0;
    let high = this.ranges.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.ranges[middle]![0] < value) low = middle + 1;
      else high = middle;
    }
    return low;
  }
  overlaps(start: number, end: number): boolean {
    // Sorted and disjoint, so ends are sorted too: only the last range starting before `end` can reach `start`.
    const i = this.#firstAtOrAfter(end);
    return i > 0 && this.ranges[i - 1]![1] > start;
  }
  insert(start: number, end: number): void {
    this.ranges.splice(this.#firstAtOrAfter(start), 0, [start, end]);
  }
  remove(start: number): boolean {
    const i = this.#firstAtOrAfter(start);
    if (this.ranges[i]?.[0] !== start) return false;
    this.ranges.splice(i, 1);
    return true;
  }
  isClear(start: number, length: number): boolean {
    return !this.overlaps(start, start + length);
  }
  /** Tries every candidate on the grid from the bottom: the slow, obvious first fit. */
  firstFit(from: number, length: number, limit: number, granularity: number): number {
    for (let c = Math.ceil(from / granularity) * granularity; c + length <= limit; c += granularity) {
      if (this.isClear(c, length)) return c;
    }
    return -1;
  }
}

type Op =
  | { kind: 'insert'; start: number; length: number }
  | { kind: 'insertIfClear'; start: number; length: number }
  | { kind: 'remove'; start: number; pickExisting: number | null }
  | { kind: 'isClear'; start: number; length: number }
  | { kind: 'firstFit'; from: number; length: number; limit: number; granularity: number };

/** Operations over a small domain of `unit`-sized cells, so collisions, holes and adjacency are frequent. */
function ops(unit: number, cells = 120, maxLength = 200): fc.Arbitrary<Op[]> {
  const cell = fc.integer({ min: 0, max: cells }).map((n) => n * unit);
  const length = fc.integer({ min: 1, max: 12 }).map((n) => n * unit);
  const op: fc.Arbitrary<Op> = fc.oneof(
    { arbitrary: fc.record({ kind: fc.constant('insert' as const), start: cell, length }), weight: 2 },
    { arbitrary: fc.record({ kind: fc.constant('insertIfClear' as const), start: cell, length }), weight: 2 },
    { arbitrary: fc.record({ kind: fc.constant('remove' as const), start: cell, pickExisting: fc.option(fc.nat(), { nil: null }) }), weight: 2 },
    { arbitrary: fc.record({ kind: fc.constant('isClear' as const), start: cell, length }), weight: 2 },
    {
      arbitrary: fc.record({
        kind: fc.constant('firstFit' as const),
        from: fc.integer({ min: 0, max: (cells + 10) * unit }),
        length,
        limit: fc.integer({ min: 0, max: (cells + 20) * unit }),
        granularity: fc.constantFrom(unit, 2 * unit, 4 * unit),
      }),
      weight: 2,
    },
  );
  return fc.array(op, { maxLength });
}

function runAgainstModel(sequence: Op[]): void {
  const tree = new VadTree();
  const model = new Model();
  /** What each range of the model was inserted for: take() must hand exactly that back. */
  const items = new Map<number, object>();
  for (const o of sequence) {
    switch (o.kind) {
      case 'insert':
        // The tree's contract: the caller checks for overlap first. The model decides.
        if (model.overlaps(o.start, o.start + o.length)) break;
        items.set(o.start, { start: o.start });
        tree.insert(o.start, o.start + o.length, items.get(o.start));
        model.insert(o.start, o.start + o.length);
        break;
      case 'insertIfClear': {
        // The tree checks for itself, in the same descent.
        const item = { start: o.start };
        const clear = !model.overlaps(o.start, o.start + o.length);
        assert.equal(tree.insertIfClear(o.start, o.start + o.length, item), clear, `insertIfClear(${o.start}, ${o.length}) over ${JSON.stringify(model.ranges)}`);
        if (clear) {
          items.set(o.start, item);
          model.insert(o.start, o.start + o.length);
        }
        break;
      }
      case 'remove': {
        const start = o.pickExisting !== null && model.ranges.length > 0 ? model.ranges[o.pickExisting % model.ranges.length]![0] : o.start;
        const expected = model.remove(start) ? items.get(start) : NO_RANGE;
        assert.equal(tree.take(start), expected, `take(${start})`);
        items.delete(start);
        break;
      }
      case 'isClear':
        assert.equal(tree.isClear(o.start, o.length), model.isClear(o.start, o.length), `isClear(${o.start}, ${o.length})`);
        break;
      case 'firstFit':
        assert.equal(
          tree.firstFit(o.from, o.length, o.limit, o.granularity),
          model.firstFit(o.from, o.length, o.limit, o.granularity),
          `firstFit(${o.from}, ${o.length}, ${o.limit}, ${o.granularity}) over ${JSON.stringify(model.ranges)}`,
        );
        break;
    }
    assert.equal(tree.size, model.ranges.length, 'size');
  }
  // Every range the model holds is still in the tree, exactly: occupied inside, and removable once, handing back its item.
  for (const [s, e] of model.ranges) {
    assert.equal(tree.isClear(s, e - s), false);
  }
  for (const [s] of model.ranges) {
    assert.equal(tree.take(s), items.get(s), `take(${s}) at the end`);
    assert.equal(tree.take(s), NO_RANGE, `take(${s}) twice`);
  }
  assert.equal(tree.size, 0);
}

test('VadTree agrees with a sorted-array model on random insert/remove/isClear/firstFit sequences (64 KiB cells)', () => {
  fc.assert(fc.property(ops(0x10000), (sequence) => runAgainstModel(sequence)), { numRuns: 300 });
});

test('VadTree agrees with a sorted-array model on random sequences over unit offsets', () => {
  fc.assert(fc.property(ops(1), (sequence) => runAgainstModel(sequence)), { numRuns: 300 });
});

test('VadTree agrees with a sorted-array model on random sequences long enough to fill several nodes', () => {
  fc.assert(fc.property(ops(1, 600, 1500), (sequence) => runAgainstModel(sequence)), { numRuns: 60 });
});

test('VadTree agrees with a sorted-array model on random sequences over cells spread across the int32 range', () => {
  fc.assert(fc.property(ops(2 ** 20, 1500, 400), (sequence) => runAgainstModel(sequence)), { numRuns: 200 });
});

for (const [unit, numRuns] of [[1, 10], [2 ** 16, 4]] as const) {
  test(`VadTree agrees with the model on long sequences that grow past many nodes, churn and shrink again (cells of ${unit})`, () => {
    churnAgainstModel(unit, numRuns);
  });
}

function churnAgainstModel(unit: number, numRuns: number): void {
  // Thousands of ranges: enough for a balanced tree to split nodes at every level it has, then
  // lose them again. The churn phase replaces ranges with ones that start just below the removed
  // start and reach past it, so ranges come to straddle whatever boundaries the tree drew earlier.
  // The model counts in cells; the tree sees each cell as `unit` values and, when unit is not 1,
  // gets its inserts through insertIfClear.
  const cell = fc.integer({ min: 0, max: 20_000 });
  const grow = fc.array(fc.record({ start: cell, length: fc.integer({ min: 1, max: 3 }) }), { minLength: 3000, maxLength: 6000 });
  const probes = fc.array(fc.record({ start: cell, length: fc.integer({ min: 1, max: 40 }) }), { minLength: 10, maxLength: 30 });
  fc.assert(
    fc.property(grow, probes, fc.integer({ min: 1, max: 0xffff_ffff }), (inserts, checks, seed) => {
      const tree = new VadTree();
      const model = new Model();
      const random = new Random(seed);
      const isClear = (start: number, length: number) => tree.isClear(start * unit, length * unit);
      const firstFit = (from: number, length: number, limit: number) => {
        const fit = tree.firstFit(from * unit, length * unit, limit * unit, unit);
        return fit === -1 ? -1 : fit / unit;
      };
      const insert = (start: number, end: number) => {
        if (unit === 1) tree.insert(start, end);
        else assert.equal(tree.insertIfClear(start * unit, end * unit), true, `insertIfClear(${start}, ${end})`);
        model.insert(start, end);
      };
      const remove = (start: number) => {
        assert.equal(tree.remove(start * unit), true, `remove(${start})`);
        model.remove(start);
      };
      const check = () => {
        for (const { start, length } of checks) {
          assert.equal(isClear(start, length), model.isClear(start, length), `isClear(${start}, ${length})`);
          const limit = start + 3 * length + 30;
          assert.equal(firstFit(start, length, limit), model.firstFit(start, length, limit, 1), `firstFit(${start}, ${length}, ${limit})`);
        }
        assert.equal(tree.size, model.ranges.length);
      };
      /** Queries that begin below `at` and end inside or above it. */
      const probeAround = (at: number, what: string) => {
        for (const [from, length] of [[at - 3, 4], [at - 8, 10], [at - 1, 40], [at + 1, 2]] as const) {
          assert.equal(isClear(from, length), model.isClear(from, length), `isClear(${from}, ${length}) after ${what}`);
        }
        for (const from of [at - 8, at]) {
          assert.equal(firstFit(from, 2, from + 48), model.firstFit(from, 2, from + 48, 1), `firstFit(${from}, 2) after ${what}`);
        }
      };
      for (const { start, length } of inserts) {
        if (!model.overlaps(start, start + length)) insert(start, start + length);
      }
      check();
      // Churn: remove a random range, put a longer one in just below where it started.
      for (let step = 0; step < 2000 && model.ranges.length > 0; step++) {
        const [start] = model.ranges[random.below(model.ranges.length)]!;
        remove(start);
        probeAround(start, `remove(${start})`);
        const from = start - random.below(4);
        const to = start + 1 + random.below(8);
        if (!model.overlaps(from, to)) {
          insert(from, to);
          probeAround(start, `insert(${from}, ${to})`);
        }
      }
      check();
      // Shrink: remove everything in a random order.
      const order = model.ranges.map(([s]) => s);
      for (let i = order.length - 1; i > 0; i--) {
        const j = random.below(i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      order.forEach((start, i) => {
        remove(start);
        probeAround(start, `remove(${start})`);
        if (i % 1000 === 0) check();
      });
      check();
      assert.equal(tree.size, 0);
    }),
    { numRuns },
  );
}

test('VadTree.remove() of a start that is not a range start removes nothing', () => {
  const tree = new VadTree();
  tree.insert(0x10000, 0x30000);
  assert.equal(tree.remove(0x20000), false);
  assert.equal(tree.remove(0), false);
  assert.equal(tree.size, 1);
  assert.equal(tree.isClear(0x20000, 1), false);
  assert.equal(tree.remove(0x10000), true);
  assert.equal(tree.remove(0x10000), false);
  assert.equal(tree.size, 0);
});

test('VadTree takes only non-empty ranges of 32-bit integers, up to the int32 limits', () => {
  const tree = new VadTree();
  for (const [start, end] of [[5, 5], [6, 5], [0.5, 2], [0, 2 ** 31], [-(2 ** 31) - 1, 0], [Number.NaN, 1]] as const) {
    assert.throws(() => tree.insert(start, end), RangeError, `insert(${start}, ${end})`);
    assert.throws(() => tree.insertIfClear(start, end), RangeError, `insertIfClear(${start}, ${end})`);
  }
  assert.equal(tree.size, 0);
  const top = 2 ** 31 - 1;
  assert.equal(tree.insertIfClear(top - 3, top, 'last'), true);
  assert.equal(tree.insertIfClear(-(2 ** 31), -(2 ** 31) + 1, 'first'), true);
  assert.equal(tree.isClear(top - 1, 1), false);
  assert.equal(tree.firstFit(top - 8, 4, top, 1), top - 8);
  assert.equal(tree.firstFit(top - 5, 4, top, 1), -1);
  assert.equal(tree.take(top - 3), 'last');
  assert.equal(tree.take(-(2 ** 31)), 'first');
});

test('VadTree hands back each range\'s item through splits, merges and recycled slots', () => {
  const tree = new VadTree();
  const random = new Random(7);
  const live = new Map<number, { start: number }>();
  for (let round = 0; round < 6; round++) {
    // Grow to a few thousand ranges in a random order, then take most of them out again.
    while (live.size < 3000) {
      const start = random.below(20_000) * 2;
      const item = { start };
      if (tree.insertIfClear(start, start + 1 + random.below(2), item)) live.set(start, item);
    }
    for (const [start, item] of [...live].filter(() => random.below(10) < 9)) {
      assert.equal(tree.take(start), item);
      live.delete(start);
    }
    assert.equal(tree.size, live.size);
  }
  for (const [start, item] of live) assert.equal(tree.take(start), item);
  assert.equal(tree.size, 0);
  assert.equal(tree.isClear(-1, 50_000), true);
});

test('VadTree.insertIfClear() refuses again, without a descent, while the range that refused is there, and not after', () => {
  const tree = new VadTree();
  for (let i = 0; i < 200; i++) tree.insert(i * 4, i * 4 + 2, i);
  assert.equal(tree.insertIfClear(41, 43), false, 'inside [40, 42)');
  assert.equal(tree.insertIfClear(40, 41), false, 'the same range, remembered');
  assert.equal(tree.insertIfClear(42, 44), true, 'beside it');
  assert.equal(tree.take(40), 10);
  assert.equal(tree.insertIfClear(40, 42, 'new'), true, 'once it is gone, the place is free');
  assert.equal(tree.insertIfClear(39, 41), false, 'refused by [40, 42) again (the new range)');
  tree.clear();
  assert.equal(tree.insertIfClear(40, 42), true, 'clear() forgets it');
});

test('VadTree.clear() empties the tree', () => {
  const tree = new VadTree();
  tree.insert(0, 0x10000);
  tree.insert(0x20000, 0x30000);
  tree.clear();
  assert.equal(tree.size, 0);
  assert.equal(tree.isClear(0, 0x30000), true);
  assert.equal(tree.firstFit(0, 0x30000, 0x30000, 0x10000), 0);
});

test('VadTree stays shallow: 100,000 sequential one-granule inserts, then removes in ascending and random order, without overflowing the stack', () => {
  // A tree whose operations recurse once per range (an unbalanced one) would exceed
  // Node's default stack well below 100,000 ranges. Ranges are granules, as the address space gives them.
  const n = 100_000;
  const tree = new VadTree();
  for (let i = 0; i < n; i++) tree.insert(i, i + 1);
  assert.equal(tree.size, n);
  assert.equal(tree.isClear(n, 1), true);
  assert.equal(tree.firstFit(0, 1, n + 1, 1), n);
  // Ascending removal of the first half: each remove splits at the tree's lowest key.
  for (let i = 0; i < n / 2; i++) assert.equal(tree.remove(i), true);
  assert.equal(tree.firstFit(0, 1, n, 1), 0);
  // The rest in a seeded random order.
  const rest = Array.from({ length: n / 2 }, (_, i) => n / 2 + i);
  const random = new Random(99);
  for (let i = rest.length - 1; i > 0; i--) {
    const j = random.below(i + 1);
    [rest[i], rest[j]] = [rest[j]!, rest[i]!];
  }
  for (const start of rest) {
    assert.equal(tree.remove(start), true);
  }
  assert.equal(tree.size, 0);
  assert.equal(tree.isClear(0, n), true);
});

test('VadTree stays shallow for 20,000 inserts in descending order', () => {
  const n = 20_000;
  const tree = new VadTree();
  for (let i = n - 1; i >= 0; i--) tree.insert(i * 0x10000, i * 0x10000 + 0x8000);
  assert.equal(tree.size, n);
  assert.equal(tree.firstFit(0, 0x10000, n * 0x10000 + 0x10000, 0x10000), n * 0x10000);
  assert.equal(tree.firstFit(0, 0x8000, n * 0x10000, 0x8000), 0x8000, 'the half-granule holes');
  for (let i = n - 1; i >= 0; i--) assert.equal(tree.remove(i * 0x10000), true);
  assert.equal(tree.size, 0);
});
