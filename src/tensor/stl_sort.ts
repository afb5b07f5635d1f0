// libstdc++'s std::sort, std::partial_sort, std::nth_element and std::stable_sort over (value, index)
// pairs, ported step for step: PyTorch's CPU sort, topk, mode and median call them, and which of two
// equal values comes first (the indices they return) is whatever these algorithms leave.

/** Pairs sorted together: `v[k]` is the key, `ix[k]` rides along (an index, or a tie-break key). */
export interface Pairs {
  v: Float64Array;
  ix: Float64Array;
}

/** The comparator: whether (va, ia) goes strictly before (vb, ib). */
export type Less = (va: number, ia: number, vb: number, ib: number) => boolean;

const THRESHOLD = 16; // libstdc++'s _S_threshold

function lg(n: number): number {
  return 31 - Math.clz32(n);
}

function swap(p: Pairs, a: number, b: number): void {
  const v = p.v[a];
  p.v[a] = p.v[b];
  p.v[b] = v;
  const i = p.ix[a];
  p.ix[a] = p.ix[b];
  p.ix[b] = i;
}

function lessAt(p: Pairs, less: Less, a: number, b: number): boolean {
  return less(p.v[a], p.ix[a], p.v[b], p.ix[b]);
}

/** std::sort(first, last). */
export function stlSort(p: Pairs, first: number, last: number, less: Less): void {
  if (first === last) return;
  introsortLoop(p, first, last, 2 * lg(last - first), less);
  finalInsertionSort(p, first, last, less);
}

function introsortLoop(p: Pairs, first: number, last: number, depth: number, less: Less): void {
  while (last - first > THRESHOLD) {
    if (depth === 0) {
      partialSort(p, first, last, last, less);
      return;
    }
    depth--;
    const cut = unguardedPartitionPivot(p, first, last, less);
    introsortLoop(p, cut, last, depth, less);
    last = cut;
  }
}

function unguardedPartitionPivot(p: Pairs, first: number, last: number, less: Less): number {
  const mid = first + ((last - first) >> 1);
  moveMedianToFirst(p, first, first + 1, mid, last - 1, less);
  return unguardedPartition(p, first + 1, last, first, less);
}

function moveMedianToFirst(p: Pairs, result: number, a: number, b: number, c: number, less: Less): void {
  if (lessAt(p, less, a, b)) {
    if (lessAt(p, less, b, c)) swap(p, result, b);
    else if (lessAt(p, less, a, c)) swap(p, result, c);
    else swap(p, result, a);
  } else if (lessAt(p, less, a, c)) swap(p, result, a);
  else if (lessAt(p, less, b, c)) swap(p, result, c);
  else swap(p, result, b);
}

function unguardedPartition(p: Pairs, first: number, last: number, pivot: number, less: Less): number {
  for (;;) {
    while (lessAt(p, less, first, pivot)) first++;
    last--;
    while (lessAt(p, less, pivot, last)) last--;
    if (!(first < last)) return first;
    swap(p, first, last);
    first++;
  }
}

function finalInsertionSort(p: Pairs, first: number, last: number, less: Less): void {
  if (last - first > THRESHOLD) {
    insertionSort(p, first, first + THRESHOLD, less);
    for (let i = first + THRESHOLD; i < last; i++) unguardedLinearInsert(p, i, less);
  } else insertionSort(p, first, last, less);
}

function insertionSort(p: Pairs, first: number, last: number, less: Less): void {
  if (first === last) return;
  for (let i = first + 1; i < last; i++) {
    if (lessAt(p, less, i, first)) {
      const v = p.v[i];
      const ix = p.ix[i];
      p.v.copyWithin(first + 1, first, i);
      p.ix.copyWithin(first + 1, first, i);
      p.v[first] = v;
      p.ix[first] = ix;
    } else unguardedLinearInsert(p, i, less);
  }
}

function unguardedLinearInsert(p: Pairs, last: number, less: Less): void {
  const v = p.v[last];
  const ix = p.ix[last];
  let next = last - 1;
  while (less(v, ix, p.v[next], p.ix[next])) {
    p.v[last] = p.v[next];
    p.ix[last] = p.ix[next];
    last = next;
    next--;
  }
  p.v[last] = v;
  p.ix[last] = ix;
}

/** std::partial_sort(first, middle, last): __heap_select, then __sort_heap. */
export function partialSort(p: Pairs, first: number, middle: number, last: number, less: Less): void {
  heapSelect(p, first, middle, last, less);
  while (middle - first > 1) {
    middle--;
    popHeap(p, first, middle, middle, less);
  }
}

function heapSelect(p: Pairs, first: number, middle: number, last: number, less: Less): void {
  makeHeap(p, first, middle, less);
  for (let i = middle; i < last; i++) if (lessAt(p, less, i, first)) popHeap(p, first, middle, i, less);
}

function makeHeap(p: Pairs, first: number, last: number, less: Less): void {
  const len = last - first;
  if (len < 2) return;
  for (let parent = (len - 2) >> 1; ; parent--) {
    adjustHeap(p, first, parent, len, p.v[first + parent], p.ix[first + parent], less);
    if (parent === 0) return;
  }
}

function popHeap(p: Pairs, first: number, last: number, result: number, less: Less): void {
  const v = p.v[result];
  const ix = p.ix[result];
  p.v[result] = p.v[first];
  p.ix[result] = p.ix[first];
  adjustHeap(p, first, 0, last - first, v, ix, less);
}

function adjustHeap(p: Pairs, first: number, hole: number, len: number, v: number, ix: number, less: Less): void {
  const top = hole;
  let child = hole;
  while (child < (len - 1) >> 1) {
    child = 2 * (child + 1);
    if (lessAt(p, less, first + child, first + child - 1)) child--;
    p.v[first + hole] = p.v[first + child];
    p.ix[first + hole] = p.ix[first + child];
    hole = child;
  }
  if ((len & 1) === 0 && child === (len - 2) >> 1) {
    child = 2 * (child + 1);
    p.v[first + hole] = p.v[first + child - 1];
    p.ix[first + hole] = p.ix[first + child - 1];
    hole = child - 1;
  }
  // __push_heap
  let parent = (hole - 1) >> 1;
  while (hole > top && less(p.v[first + parent], p.ix[first + parent], v, ix)) {
    p.v[first + hole] = p.v[first + parent];
    p.ix[first + hole] = p.ix[first + parent];
    hole = parent;
    parent = (hole - 1) >> 1;
  }
  p.v[first + hole] = v;
  p.ix[first + hole] = ix;
}

/** std::nth_element(first, nth, last): __introselect. */
export function nthElement(p: Pairs, first: number, nth: number, last: number, less: Less): void {
  if (first === last || nth === last) return;
  let depth = 2 * lg(last - first);
  while (last - first > 3) {
    if (depth === 0) {
      heapSelect(p, first, nth + 1, last, less);
      swap(p, first, nth);
      return;
    }
    depth--;
    const cut = unguardedPartitionPivot(p, first, last, less);
    if (cut <= nth) first = cut;
    else last = cut;
  }
  insertionSort(p, first, last, less);
}

/** std::stable_sort: a merge sort (any stable sort leaves the same order). */
export function stableSort(p: Pairs, first: number, last: number, less: Less): void {
  const n = last - first;
  if (n < 2) return;
  let srcV = p.v.slice(first, last);
  let srcI = p.ix.slice(first, last);
  let dstV = new Float64Array(n);
  let dstI = new Float64Array(n);
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let a = lo;
      let b = mid;
      for (let k = lo; k < hi; k++) {
        // take from the right run only when strictly less: equal keys keep their order
        const right = b < hi && (a >= mid || less(srcV[b], srcI[b], srcV[a], srcI[a]));
        const from = right ? b++ : a++;
        dstV[k] = srcV[from];
        dstI[k] = srcI[from];
      }
    }
    [srcV, dstV] = [dstV, srcV];
    [srcI, dstI] = [dstI, srcI];
  }
  p.v.set(srcV, first);
  p.ix.set(srcI, first);
}
