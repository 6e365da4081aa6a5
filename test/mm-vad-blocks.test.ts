// The VAD tree's storage as pure units: fixed-size int32 blocks recycled
// through a free list in one growing typed array, the spare arrays a kernel's
// trees hand on to each other, and the item pool.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BlockArena, BlockHints, ItemPool, NIL, SpareArrays } from '../src/mm/vad-blocks.js';
import { VadTree } from '../src/mm/vad-tree.js';

test('BlockArena hands out blocks by offset, reuses freed ones last-freed first, and keeps their words when it grows', () => {
  const empty = new Int32Array(4);
  const arena = new BlockArena(4, 1, empty, new SpareArrays());
  assert.equal(arena.isEmpty, true);
  assert.equal(arena.data, empty);
  const blocks = Array.from({ length: 5 }, () => arena.allocate());
  assert.deepEqual(blocks, [0, 4, 8, 12, 16]);
  assert.equal(arena.isEmpty, false);
  assert.ok(arena.data.length >= 20);
  blocks.forEach((block, i) => arena.data.fill(i + 10, block, block + 4));
  arena.release(4);
  arena.release(12);
  assert.equal(arena.allocate(), 12);
  assert.equal(arena.allocate(), 4);
  // Growth copies what the blocks held.
  const more = Array.from({ length: 20 }, () => arena.allocate());
  assert.equal(new Set([...blocks, ...more]).size, 25, 'no block handed out twice');
  assert.deepEqual([...arena.data.subarray(16, 20)], [14, 14, 14, 14]);
  assert.equal(arena.data[0], 10);
  assert.deepEqual([...empty], [0, 0, 0, 0], 'the empty block was never written');
  // Emptied, it reads as the empty block again and starts over at 0.
  arena.empty();
  assert.equal(arena.isEmpty, true);
  assert.equal(arena.allocate(), 0);
});

test('SpareArrays hands an emptied arena\'s memory to the next arena (the shortest that fits), within bounds', () => {
  const spares = new SpareArrays();
  const a = new BlockArena(8, 0, new Int32Array(8), spares);
  const used = new Set<Int32Array>();
  for (let i = 0; i < 3; i++) {
    a.allocate(); // grows 8 → 16 → 32 words; the outgrown arrays become spares
    used.add(a.data);
  }
  assert.equal(used.size, 3);
  a.empty();
  const b = new BlockArena(8, 0, new Int32Array(8), spares);
  b.allocate();
  assert.ok(used.has(b.data), 'an array the first arena used, not a new one');
  assert.equal(b.data.length, 8, 'the shortest that fits');
  const c = new BlockArena(20, 0, new Int32Array(20), spares);
  c.allocate();
  assert.equal(c.data.length, 32, 'the 16-word spare is too short for a 20-word block');
  // Too short a spare is kept, and a new array made.
  const small = new Int32Array(4);
  spares.give(small);
  assert.notEqual(spares.take(8), small);
  assert.equal(spares.take(4), small);
  // Bounded: no huge arrays, no more than MAX_ARRAYS.
  const huge = new Int32Array(SpareArrays.MAX_LENGTH + 1);
  spares.give(huge);
  assert.notEqual(spares.take(1), huge);
  const given: Int32Array[] = Array.from({ length: SpareArrays.MAX_ARRAYS + 5 }, () => new Int32Array(2));
  for (const array of given) spares.give(array);
  const back = new Set<Int32Array>();
  for (let i = 0; i < SpareArrays.MAX_ARRAYS + 5; i++) back.add(spares.take(2));
  assert.equal([...back].filter((array) => given.includes(array)).length <= SpareArrays.MAX_ARRAYS, true);
});

test('BlockHints recalls the block a start was last put in, never a start it was not told, and forgets', () => {
  const spares = new SpareArrays();
  // A spare full of stale words must not make up hints.
  spares.give(new Int32Array(2 * BlockHints.ENTRIES).fill(7));
  const hints = new BlockHints(spares);
  assert.equal(hints.recall(7), NIL, 'nothing before the first remember()');
  hints.remember(300, 64);
  for (let start = -600; start < 600; start++) if (start !== 300) assert.equal(hints.recall(start), NIL, `recall(${start})`);
  assert.equal(hints.recall(300), 64);
  hints.remember(300 + BlockHints.ENTRIES, 128); // the same entry: the older start is forgotten
  assert.equal(hints.recall(300), NIL);
  assert.equal(hints.recall(300 + BlockHints.ENTRIES), 128);
  hints.remember(-5, 0);
  assert.equal(hints.recall(-5), 0);
  hints.forget();
  assert.equal(hints.recall(-5), NIL);
});

test('VAD trees sharing spares stay independent: a cleared tree\'s memory serves the next, which starts empty', () => {
  const spares = new SpareArrays();
  const first = new VadTree(spares);
  for (let i = 0; i < 500; i++) first.insert(i * 3, i * 3 + 2, i);
  const second = new VadTree(spares);
  second.insert(1000, 1001, 'x');
  first.clear();
  assert.equal(first.size, 0);
  assert.equal(first.isClear(0, 2000), true);
  const third = new VadTree(spares);
  assert.equal(third.isClear(0, 2000), true, 'stale words from the first tree are not ranges of the third');
  assert.equal(third.firstFit(0, 5, 100, 1), 0);
  for (let i = 0; i < 100; i++) third.insert(i * 5, i * 5 + 1, i);
  assert.equal(second.take(1000), 'x', 'the second tree is untouched');
  assert.equal(third.take(495), 99);
  // The cleared tree works again, on memory of its own.
  first.insert(7, 8, 'again');
  assert.equal(third.isClear(7, 1), true, 'third holds [5, 6) and [10, 11): 7 is inside neither');
  assert.equal(third.isClear(5, 1), false);
  assert.equal(first.take(7), 'again');
});

test('ItemPool returns what each slot holds, reuses the slot freed last, and lets go of taken items', () => {
  const pool = new ItemPool();
  const items = [{ a: 1 }, null, 'three', undefined];
  const slots = items.map((item) => pool.add(item));
  assert.deepEqual(slots, [0, 1, 2, 3]);
  assert.equal(pool.take(2), 'three');
  assert.equal(pool.take(0), items[0]);
  assert.equal(pool.add('again'), 0, 'the slot freed last comes back first');
  assert.equal(pool.add('and'), 2);
  assert.equal(pool.add('new'), 4);
  assert.equal(pool.take(1), null);
  assert.equal(pool.take(3), undefined);
  for (let i = 0; i < 100; i++) pool.take(pool.add(i));
  assert.equal(pool.take(0), 'again');
  pool.empty();
  assert.equal(pool.add('first'), 0);
  assert.equal(NIL, -1);
});
