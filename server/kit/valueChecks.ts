/** Checks of values agents and clients report, by what a field must hold. */
export type ValueCheck = (v: unknown) => boolean;

export const isString: ValueCheck = (v) => typeof v === 'string';
export const isObject: ValueCheck = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isArray: ValueCheck = Array.isArray;
export const isInstant: ValueCheck = (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v));
/** A count that fits an int32 (how the specs type node and core counts). */
export const isCount: ValueCheck = (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 2 ** 31 - 1;
export const oneOf = (...values: string[]): ValueCheck => (v) => values.includes(v as string);
