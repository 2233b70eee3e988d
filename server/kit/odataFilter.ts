/**
 * The OData `$filter` subset ARM's list operations accept: `prop eq|ne 'value'`,
 * `substringof('value', prop)`, `startswith(tagName, 'prefix')`, `and`/`or` (and binds
 * tighter) and parentheses. `tagName eq 'k' and tagValue eq 'v'` reads as one tag. Values are
 * compared case-insensitively, as ARM does. Anything else is 400 InvalidFilterInQueryString.
 */
import { ArmError } from './armErrors';

/** Values of a filterable property for one item (tags: names or "name=value" pairs). */
export type FilterAccessor = (property: string) => string | undefined;
export interface Filterable {
  get: FilterAccessor;
  tags: Record<string, string> | undefined;
}
export type Predicate = (item: Filterable) => boolean;

type Node =
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'cmp'; op: 'eq' | 'ne'; prop: string; value: string }
  | { kind: 'substringof'; prop: string; value: string }
  | { kind: 'startswith'; prop: string; value: string };

export function invalidFilter(filter: string): ArmError {
  return new ArmError(400, 'InvalidFilterInQueryString', `Invalid $filter '${filter}' specified in the query string.`, { gateway: true });
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /\s*(?:('(?:[^']|'')*')|([(),])|([A-Za-z_][A-Za-z0-9_/.]*))/y;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) throw new Error('bad token');
    tokens.push(m[1] ?? m[2] ?? m[3]);
    pos = re.lastIndex;
  }
  return tokens;
}

/** Deepest nesting of parentheses a filter may have. */
const MAX_NESTING = 32;

function parse(text: string): Node {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i]?.toLowerCase();
  const take = (expected?: string) => {
    const t = tokens[i++];
    if (t === undefined || (expected && t.toLowerCase() !== expected)) throw new Error('unexpected');
    return t;
  };
  const str = () => {
    const t = take();
    if (!t.startsWith("'")) throw new Error('string expected');
    return t.slice(1, -1).replace(/''/g, "'");
  };
  const ident = () => {
    const t = take();
    if (/^['(),]/.test(t)) throw new Error('name expected');
    return t.toLowerCase();
  };
  let depth = 0;
  const primary = (): Node => {
    if (peek() === '(') {
      // Parentheses nest the parser's recursion: bounded, like request bodies.
      if (++depth > MAX_NESTING) throw new Error('nested too deeply');
      take('(');
      const n = or();
      take(')');
      depth--;
      return n;
    }
    const name = ident();
    if (name === 'substringof') {
      take('(');
      const value = str();
      take(',');
      const prop = ident();
      take(')');
      return { kind: 'substringof', prop, value };
    }
    if (name === 'startswith') {
      take('(');
      const prop = ident();
      take(',');
      const value = str();
      take(')');
      return { kind: 'startswith', prop, value };
    }
    const op = take().toLowerCase();
    if (op !== 'eq' && op !== 'ne') throw new Error('operator expected');
    return { kind: 'cmp', op, prop: name, value: str() };
  };
  const and = (): Node => {
    let left = primary();
    while (peek() === 'and') {
      take();
      left = { kind: 'and', left, right: primary() };
    }
    return left;
  };
  const or = (): Node => {
    let left = and();
    while (peek() === 'or') {
      take();
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };
  const node = or();
  if (i !== tokens.length) throw new Error('trailing input');
  return node;
}

const lower = (s: string | undefined) => s?.toLowerCase();

/** The operands of a chain of ands, in order (the parser nests them to the left). */
function andOperands(node: Node): Node[] {
  return node.kind === 'and' ? [...andOperands(node.left), ...andOperands(node.right)] : [node];
}

function isEq(node: Node, prop: string): node is Extract<Node, { kind: 'cmp' }> {
  return node.kind === 'cmp' && node.op === 'eq' && node.prop === prop;
}

function compile(node: Node, allowed: ReadonlySet<string>): Predicate {
  const check = (prop: string) => {
    if (!allowed.has(prop)) throw new Error(`unsupported property ${prop}`);
  };
  switch (node.kind) {
    case 'and': {
      // In a chain of ands, tagName eq 'k' directly followed by tagValue eq 'v' is one condition:
      // the tag k has the value v (not: some tag is named k and some tag has the value v).
      const operands = andOperands(node);
      const predicates: Predicate[] = [];
      for (let i = 0; i < operands.length; i++) {
        const [l, r] = [operands[i], operands[i + 1]];
        if (r && isEq(l, 'tagname') && isEq(r, 'tagvalue')) {
          check('tagname');
          const [name, value] = [l.value.toLowerCase(), r.value.toLowerCase()];
          predicates.push((item) => Object.entries(item.tags ?? {}).some(([k, v]) => k.toLowerCase() === name && v.toLowerCase() === value));
          i++;
        } else {
          predicates.push(compile(l, allowed));
        }
      }
      return (item) => predicates.every((p) => p(item));
    }
    case 'or': {
      const [pl, pr] = [compile(node.left, allowed), compile(node.right, allowed)];
      return (item) => pl(item) || pr(item);
    }
    case 'cmp': {
      check(node.prop);
      const value = node.value.toLowerCase();
      const test: Predicate = node.prop === 'tagname'
        ? (item) => Object.keys(item.tags ?? {}).some((k) => k.toLowerCase() === value)
        : node.prop === 'tagvalue'
          ? (item) => Object.values(item.tags ?? {}).some((v) => v.toLowerCase() === value)
          : (item) => lower(item.get(node.prop)) === value;
      return node.op === 'eq' ? test : (item) => !test(item);
    }
    case 'substringof': {
      check(node.prop);
      const value = node.value.toLowerCase();
      return (item) => lower(item.get(node.prop))?.includes(value) ?? false;
    }
    case 'startswith': {
      if (node.prop !== 'tagname') throw new Error('startswith only applies to tagName');
      check('tagname');
      const value = node.value.toLowerCase();
      return (item) => Object.keys(item.tags ?? {}).some((k) => k.toLowerCase().startsWith(value));
    }
  }
}

/** Compiles `$filter`; `allowed` lists the lower-cased properties this list supports. */
export function compileFilter(filter: string | undefined, allowed: readonly string[]): Predicate | undefined {
  if (filter === undefined || filter.trim() === '') return undefined;
  try {
    return compile(parse(filter), new Set(allowed));
  } catch {
    throw invalidFilter(filter);
  }
}
