// A scheduler's state_dict as JSON values, as PyTorch's is its __dict__ without the optimizer:
// non-finite numbers as "inf" / "-inf" / "nan" and -0 as "-0" (the project's JSON spelling), so the
// state survives JSON.stringify / JSON.parse exactly.

export type StateValue = number | string | boolean | null | StateValue[] | { [key: string]: StateValue };

/** A scheduler's state_dict(). */
export type SchedulerState = { [key: string]: StateValue };

/** What the JSON form stands for: numbers back from their strings, arrays and plain objects alike. */
export type StateData = number | string | boolean | null | StateData[] | { [key: string]: StateData };

function encodeNumber(x: number): number | string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return Object.is(x, -0) ? '-0' : x;
}

const NUMBER_TEXT: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity, '-0': -0 };

/** One value as JSON; functions become null (PyTorch saves None for a plain function); undefined is left out. */
export function encodeValue(value: unknown): StateValue | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return encodeNumber(value);
  if (typeof value === 'function') return null;
  if (Array.isArray(value)) return value.map((v) => encodeValue(v) ?? null);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return encodeFields(Object.entries(value as Record<string, unknown>));
  }
  return undefined;
}

/** Key-value pairs as a JSON object, leaving out what has no JSON form. */
export function encodeFields(entries: Array<[string, unknown]>): SchedulerState {
  const out: SchedulerState = {};
  for (const [key, v] of entries) {
    const encoded = encodeValue(v);
    if (encoded !== undefined) out[key] = encoded;
  }
  return out;
}

/** A JSON value back: "inf", "-inf", "nan" and "-0" as numbers (no scheduler keeps such a string). */
export function decodeValue(value: StateValue): StateData {
  if (typeof value === 'string') return value in NUMBER_TEXT ? NUMBER_TEXT[value] : value;
  if (Array.isArray(value)) return value.map(decodeValue);
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: StateData } = {};
    for (const [k, v] of Object.entries(value)) out[k] = decodeValue(v);
    return out;
  }
  return value;
}

/** The state's own fields (object's enumerable properties) but `skip`, as JSON. */
export function stateOf(object: object, skip: readonly string[]): SchedulerState {
  return encodeFields(Object.entries(object).filter(([key]) => !skip.includes(key)));
}

/** PyTorch's `self.__dict__.update(state_dict)` for the keys not in `skip`. */
export function updateFields(object: object, state: SchedulerState, skip: readonly string[]): void {
  const target = object as Record<string, unknown>;
  for (const [key, v] of Object.entries(state)) {
    if (!skip.includes(key)) target[key] = decodeValue(v);
  }
}
