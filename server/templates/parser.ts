/**
 * The template expression language: `[...]` strings parsed into a small tree.
 *
 *   expression := primary ( '.' name | '[' expression ']' )*
 *   primary    := 'string' ('' escapes a quote) | number | name ('.' name)? '(' arguments ')'
 *
 * A JSON string is an expression when it starts with '[' and ends with ']'; one starting with
 * '[[' is the literal text without its first '['.
 */
import { ExpressionError } from './errors';

export type Node =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'call'; name: string; args: Node[] }
  | { kind: 'property'; target: Node; name: string }
  | { kind: 'index'; target: Node; index: Node };

/** Whether a JSON string is an expression (and not a `[[` escape). */
export function isExpression(text: string): boolean {
  return text.length >= 2 && text.startsWith('[') && !text.startsWith('[[') && text.endsWith(']');
}

/** The literal a non-expression string stands for (the `[[` escape removed). */
export function literalOf(text: string): string {
  return text.startsWith('[[') && text.endsWith(']') ? text.slice(1) : text;
}

const cache = new Map<string, Node>();

/** Parses the inside of `[...]` (the brackets included in `text`). */
export function parseExpression(text: string): Node {
  const hit = cache.get(text);
  if (hit) return hit;
  const parser = new Parser(text.slice(1, -1));
  const node = parser.parseAll();
  if (cache.size > 10000) cache.clear();
  cache.set(text, node);
  return node;
}

const NAME_START = /[A-Za-z_$]/;
const NAME_PART = /[A-Za-z0-9_$]/;

class Parser {
  private at = 0;
  constructor(private readonly src: string) {}

  parseAll(): Node {
    this.space();
    if (this.at >= this.src.length) throw this.fail('The language expression is empty');
    const node = this.expression();
    this.space();
    if (this.at < this.src.length) throw this.fail(`Unexpected character '${this.src[this.at]}'`);
    return node;
  }

  private fail(why: string): ExpressionError {
    return new ExpressionError(
      `Unable to parse language expression '${this.src}': ${why} at position '${this.at}'.`,
    );
  }

  private space(): void {
    while (this.at < this.src.length && /\s/.test(this.src[this.at])) this.at++;
  }

  private expression(): Node {
    let node = this.primary();
    for (;;) {
      this.space();
      const c = this.src[this.at];
      if (c === '.') {
        this.at++;
        this.space();
        node = { kind: 'property', target: node, name: this.name() };
      } else if (c === '[') {
        this.at++;
        this.space();
        const index = this.expression();
        this.space();
        if (this.src[this.at] !== ']') throw this.fail("Expected ']'");
        this.at++;
        node = { kind: 'index', target: node, index };
      } else return node;
    }
  }

  private name(): string {
    const start = this.at;
    if (!NAME_START.test(this.src[this.at] ?? '')) throw this.fail('Expected a property or function name');
    while (this.at < this.src.length && NAME_PART.test(this.src[this.at])) this.at++;
    return this.src.slice(start, this.at);
  }

  private primary(): Node {
    this.space();
    const c = this.src[this.at];
    if (c === "'") return this.string();
    if (c !== undefined && /[0-9.+-]/.test(c)) return this.number();
    if (c !== undefined && NAME_START.test(c)) {
      let name = this.name();
      this.space();
      if (this.src[this.at] === '.') {
        // namespace.function( of user-defined functions
        const save = this.at;
        this.at++;
        this.space();
        if (NAME_START.test(this.src[this.at] ?? '')) {
          const member = this.name();
          this.space();
          if (this.src[this.at] === '(') name = `${name}.${member}`;
          else this.at = save;
        } else this.at = save;
      }
      if (this.src[this.at] !== '(') throw this.fail(`Expected '(' after '${name}'`);
      this.at++;
      const args: Node[] = [];
      this.space();
      if (this.src[this.at] === ')') {
        this.at++;
        return { kind: 'call', name, args };
      }
      for (;;) {
        args.push(this.expression());
        this.space();
        const d = this.src[this.at];
        this.at++;
        if (d === ')') return { kind: 'call', name, args };
        if (d !== ',') {
          this.at--;
          throw this.fail("Expected ',' or ')'");
        }
      }
    }
    throw this.fail(c === undefined ? 'Unexpected end of expression' : `Unexpected character '${c}'`);
  }

  private string(): Node {
    this.at++;
    let out = '';
    for (;;) {
      if (this.at >= this.src.length) throw this.fail('Unterminated string literal');
      const c = this.src[this.at++];
      if (c === "'") {
        if (this.src[this.at] === "'") {
          out += "'";
          this.at++;
        } else return { kind: 'string', value: out };
      } else out += c;
    }
  }

  private number(): Node {
    const m = /^[+-]?(\d+(\.\d*)?|\.\d+)/.exec(this.src.slice(this.at));
    if (!m) throw this.fail('Invalid number');
    this.at += m[0].length;
    return { kind: 'number', value: Number(m[0]) };
  }
}
