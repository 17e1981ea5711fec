import { Document } from 'bson';
import { compareValues, sortValue, valueKey, valuesAt } from './values';

export interface IndexSpec {
  name: string;
  key: Document;
  unique?: boolean;
  sparse?: boolean;
}

/**
 * One index of a collection, in memory: a hash of its first field's values for equality lookups,
 * a hash of whole keys to enforce uniqueness, and a sorted view of the first field, built on
 * demand, for ranges and sorted scans.
 */
export class CollectionIndex {
  readonly fields: string[];
  private readonly byFirst = new Map<string, Set<string>>();
  private readonly uniqueKeys = new Map<string, string>();
  private sorted: { value: unknown; docKey: string }[] | undefined;
  /** Some document holds an array in the first field: the sorted view then cannot bound ranges. */
  multikey = false;

  constructor(readonly spec: IndexSpec) {
    this.fields = Object.keys(spec.key);
  }

  get firstField(): string {
    return this.fields[0];
  }

  /** The whole-key strings a document has under this index (several for array fields). */
  private keysOf(doc: Document): string[] {
    let keys = [''];
    for (const field of this.fields) {
      const values = [...new Set(valuesAt(doc, field).map((v) => valueKey(v ?? null)))];
      keys = keys.flatMap((prefix) => values.map((v) => `${prefix}|${v}`));
    }
    return keys;
  }

  private skips(doc: Document): boolean {
    return !!this.spec.sparse && this.fields.every((f) => valuesAt(doc, f).every((v) => v === undefined));
  }

  /** The document key that already holds one of `doc`'s unique keys, if any. */
  conflictFor(doc: Document, docKey: string): string | undefined {
    if (!this.spec.unique || this.skips(doc)) return undefined;
    for (const key of this.keysOf(doc)) {
      const holder = this.uniqueKeys.get(key);
      if (holder !== undefined && holder !== docKey) return holder;
    }
    return undefined;
  }

  add(doc: Document, docKey: string): void {
    if (this.skips(doc)) return;
    if (valuesAt(doc, this.firstField).length > 1 || Array.isArray(doc[this.firstField]))
      this.multikey = true;
    if (this.spec.unique) for (const key of this.keysOf(doc)) this.uniqueKeys.set(key, docKey);
    for (const value of new Set(valuesAt(doc, this.firstField).map((v) => valueKey(v ?? null)))) {
      let set = this.byFirst.get(value);
      if (!set) this.byFirst.set(value, (set = new Set()));
      set.add(docKey);
    }
    if (this.sorted) this.insertSorted(doc, docKey);
  }

  remove(doc: Document, docKey: string): void {
    if (this.spec.unique) {
      for (const key of this.keysOf(doc))
        if (this.uniqueKeys.get(key) === docKey) this.uniqueKeys.delete(key);
    }
    for (const value of new Set(valuesAt(doc, this.firstField).map((v) => valueKey(v ?? null)))) {
      const set = this.byFirst.get(value);
      set?.delete(docKey);
      if (set?.size === 0) this.byFirst.delete(value);
    }
    if (this.sorted && !this.skips(doc)) this.removeSorted(doc, docKey);
  }

  /**
   * Document keys whose first field equals one of `values`: for one value, the index's own set,
   * which changes with the next write (read it at once, never hold it across writes).
   */
  lookup(values: unknown[]): ReadonlySet<string> {
    if (values.length === 1) return this.byFirst.get(valueKey(values[0] ?? null)) ?? new Set();
    const result = new Set<string>();
    for (const value of values)
      for (const docKey of this.byFirst.get(valueKey(value ?? null)) ?? []) result.add(docKey);
    return result;
  }

  /** Document keys in order of the first field, optionally within bounds. */
  *scan(
    documents: Map<string, Document>,
    direction: 1 | -1,
    bounds: { lower?: unknown; lowerInclusive?: boolean; upper?: unknown; upperInclusive?: boolean } = {},
  ): Generator<{ docKey: string; value: unknown }> {
    const sorted = this.sortedView(documents);
    let start = 0;
    let end = sorted.length;
    if (bounds.lower !== undefined) {
      start = lowerBound(sorted, bounds.lower, bounds.lowerInclusive ?? true);
    }
    if (bounds.upper !== undefined) {
      end = lowerBound(sorted, bounds.upper, !(bounds.upperInclusive ?? true));
    }
    if (direction === 1) for (let i = start; i < end; i++) yield sorted[i];
    else for (let i = end - 1; i >= start; i--) yield sorted[i];
  }

  /**
   * Built on the first ordered scan, then kept in order as documents come and go: a document
   * added with the greatest value (a position, a time) is appended, anything else spliced in.
   */
  private sortedView(documents: Map<string, Document>) {
    if (!this.sorted) {
      const entries: { value: unknown; docKey: string }[] = [];
      for (const [docKey, doc] of documents) {
        if (this.skips(doc)) continue;
        entries.push({ value: this.sortValue(doc), docKey });
      }
      this.sorted = entries.sort((a, b) => compareValues(a.value, b.value));
    }
    return this.sorted;
  }

  private sortValue(doc: Document): unknown {
    return sortValue(doc, this.firstField, 1) ?? null;
  }

  /**
   * A document replaced by another under the same key. The sorted view is left as it is when the
   * two sort alike: a write that keeps the indexed value costs no splice.
   */
  replace(current: Document, next: Document, docKey: string): void {
    const sorted = this.sorted;
    const unmoved =
      sorted !== undefined &&
      this.skips(current) === this.skips(next) &&
      compareValues(this.sortValue(current), this.sortValue(next)) === 0;
    if (unmoved) this.sorted = undefined;
    this.remove(current, docKey);
    this.add(next, docKey);
    if (unmoved) this.sorted = sorted;
  }

  private insertSorted(doc: Document, docKey: string): void {
    const sorted = this.sorted!;
    const value = this.sortValue(doc);
    const last = sorted[sorted.length - 1];
    if (!last || compareValues(last.value, value) <= 0) sorted.push({ value, docKey });
    else sorted.splice(lowerBound(sorted, value, false), 0, { value, docKey });
  }

  private removeSorted(doc: Document, docKey: string): void {
    const sorted = this.sorted!;
    const value = this.sortValue(doc);
    for (let i = lowerBound(sorted, value, true); i < sorted.length; i++) {
      if (sorted[i].docKey === docKey) {
        sorted.splice(i, 1);
        return;
      }
      if (compareValues(sorted[i].value, value) !== 0) break;
    }
    // Not where its value says (it cannot be): rebuilt at the next ordered scan.
    this.sorted = undefined;
  }
}

/** First position whose value is >= bound (inclusive) or > bound (exclusive). */
function lowerBound(sorted: { value: unknown }[], bound: unknown, inclusive: boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    const c = compareValues(sorted[mid].value, bound);
    if (c < 0 || (!inclusive && c === 0)) low = mid + 1;
    else high = mid;
  }
  return low;
}
