// ViewList as a pure unit: a process's image views in map order, with O(1)
// (amortised) add and remove wherever the view sits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ImageSection } from '../src/mm/section.js';
import { ViewList, type ImageView } from '../src/mm/view.js';

function view(base: number): ImageView {
  return { base: BigInt(base), viewSize: 0x1000, section: {} as ImageSection, noExecute: false, status: 0, list: null, slot: -1 };
}

const bases = (list: ViewList) => [...list].map((v) => Number(v.base));

test('ViewList keeps map order and removes from the front, the middle and the back', () => {
  const list = new ViewList();
  const views = [1, 2, 3, 4, 5].map(view);
  for (const v of views) list.add(v);
  assert.deepEqual(bases(list), [1, 2, 3, 4, 5]);
  list.remove(views[2]!);
  assert.deepEqual(bases(list), [1, 2, 4, 5]);
  list.remove(views[0]!);
  list.remove(views[4]!);
  assert.deepEqual(bases(list), [2, 4]);
  assert.equal(list.size, 2);
  assert.equal(list.has(views[1]!), true);
  assert.equal(list.has(views[0]!), false);
  // Removing a view that is not on the list changes nothing; a removed view can be added again, at the end.
  list.remove(views[0]!);
  assert.equal(list.size, 2);
  list.add(views[0]!);
  assert.deepEqual(bases(list), [2, 4, 1]);
});

test('ViewList.remove() takes the view off the list, and a view is on one list at a time', () => {
  const list = new ViewList();
  const [a, b, c] = [1, 2, 3].map(view) as [ImageView, ImageView, ImageView];
  list.add(a);
  list.add(b);
  list.add(c);
  list.remove(b);
  assert.equal(b.list, null);
  assert.equal(b.slot, -1);
  assert.throws(() => list.add(a), RangeError);
  assert.throws(() => new ViewList().add(a), RangeError);
  assert.equal(new ViewList().has(a), false);
});

test('ViewList iteration may remove the view it is on', () => {
  const list = new ViewList();
  const views = [1, 2, 3, 4].map(view);
  for (const v of views) list.add(v);
  const seen: number[] = [];
  for (const v of list) {
    seen.push(Number(v.base));
    if (Number(v.base) % 2 === 0) list.remove(v);
  }
  assert.deepEqual(seen, [1, 2, 3, 4]);
  assert.deepEqual(bases(list), [1, 3]);
});

test('ViewList.clear() empties the list and frees every view for another', () => {
  const list = new ViewList();
  const views = [1, 2, 3].map(view);
  for (const v of views) list.add(v);
  list.clear();
  assert.equal(list.size, 0);
  assert.deepEqual(bases(list), []);
  for (const v of views) {
    assert.equal(list.has(v), false);
    assert.equal(v.slot, -1);
  }
  const other = new ViewList();
  for (const v of views) other.add(v);
  assert.deepEqual(bases(other), [1, 2, 3]);
});

test('ViewList agrees with an array on random add/remove sequences', () => {
  const op = fc.oneof(fc.record({ add: fc.constant(true), pick: fc.nat() }), fc.record({ add: fc.constant(false), pick: fc.nat() }));
  fc.assert(
    fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
      const list = new ViewList();
      const model: ImageView[] = [];
      let next = 0;
      for (const { add, pick } of ops) {
        if (add || model.length === 0) {
          const v = view(next++);
          list.add(v);
          model.push(v);
        } else {
          const [v] = model.splice(pick % model.length, 1);
          list.remove(v!);
        }
        assert.equal(list.size, model.length);
        if (model.length % 7 === 0) assert.deepEqual([...list], model);
      }
      assert.deepEqual([...list], model);
      for (const v of model) assert.equal(list.has(v), true);
    }),
    { numRuns: 200 },
  );
});

test('ViewList fills the holes unmapped views leave, keeping map order and every view findable', () => {
  const list = new ViewList();
  const views = Array.from({ length: 400 }, (_, i) => view(i));
  for (const v of views) list.add(v);
  // Unmap three of every four from the middle out: holes outnumber views, so they are filled in.
  const kept = views.filter((_, i) => i % 4 === 0 || i >= 390);
  for (const v of views) if (!kept.includes(v)) list.remove(v);
  assert.deepEqual([...list], kept);
  assert.equal(list.size, kept.length);
  // After the holes are filled, every view still leaves from where it is now.
  for (const v of kept.slice(0, 50)) list.remove(v);
  assert.deepEqual([...list], kept.slice(50));
  for (const v of kept.slice(0, 50)) assert.equal(list.has(v), false);
  list.add(views[1]!);
  assert.deepEqual(bases(list).at(-1), 1, 'a view added after the holes were filled goes last');
});
