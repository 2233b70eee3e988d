/**
 * Evaluation of expressions and of JSON values holding them, against a context the template
 * walk provides (parameters, variables, copy indexes, lambda variables, the deployment's scope).
 */
import type { Json, JsonObject } from '../../protocol/json';
import { ExpressionError } from './errors';
import type { EvalContext } from './context';
import { FUNCTIONS, setLambdaInvoker } from './functions';
import { isExpression, literalOf, parseExpression, type Node } from './parser';
import { Lambda, getIndex, getProperty, isObject } from './values';

export function evaluateNode(node: Node, ctx: EvalContext): Json {
  switch (node.kind) {
    case 'string':
    case 'number':
      return node.value;
    case 'property':
      return getProperty(evaluateNode(node.target, ctx), node.name);
    case 'index':
      return getIndex(evaluateNode(node.target, ctx), evaluateNode(node.index, ctx));
    case 'call':
      return call(node, ctx);
  }
}

function call(node: Extract<Node, { kind: 'call' }>, ctx: EvalContext): Json {
  const name = node.name;
  const lower = name.toLowerCase();
  if (lower === 'if') {
    if (node.args.length !== 3) {
      throw new ExpressionError(`The template language function 'if' must have exactly 3 parameters.`);
    }
    const cond = evaluateNode(node.args[0], ctx);
    if (typeof cond !== 'boolean') {
      throw new ExpressionError(
        `The template language function 'if' expects its first parameter to be of type 'Boolean'.`,
      );
    }
    return evaluateNode(node.args[cond ? 1 : 2], ctx);
  }
  if (lower === 'lambda') {
    if (node.args.length < 1) throw new ExpressionError(`The template language function 'lambda' must have at least one parameter.`);
    const params = node.args.slice(0, -1).map((a) => {
      const v = evaluateNode(a, ctx);
      if (typeof v !== 'string') throw new ExpressionError(`The template language function 'lambda' expects its parameter names to be strings.`);
      return v;
    });
    return new Lambda(params, node.args[node.args.length - 1], ctx.lambdaVariables);
  }
  if (lower === 'and' || lower === 'or') {
    if (node.args.length < 2) {
      throw new ExpressionError(`The template language function '${name}' must have at least two parameters.`);
    }
    for (const a of node.args) {
      const v = evaluateNode(a, ctx);
      if (typeof v !== 'boolean') {
        throw new ExpressionError(`The template language function '${name}' expects its parameters to be of type 'Boolean'.`);
      }
      if (lower === 'and' && !v) return false;
      if (lower === 'or' && v) return true;
    }
    return lower === 'and';
  }
  if (name.includes('.')) {
    const fn = ctx.userFunction(name);
    if (!fn) throw new ExpressionError(`The template function '${name}' is not valid. Please see https://aka.ms/arm-syntax-functions for usage details.`);
    return fn(node.args.map((a) => evaluateNode(a, ctx)));
  }
  const args = node.args.map((a) => evaluateNode(a, ctx));
  const builtin = FUNCTIONS.get(lower);
  if (builtin) return builtin(args, ctx, name);
  if (lower.startsWith('list')) return FUNCTIONS.get('list*')!(args, ctx, name);
  throw new ExpressionError(
    `The template function '${name}' is not valid. Please see https://aka.ms/arm-functions for usage details.`,
  );
}

/** Calls a lambda value with arguments. */
export function invokeLambda(fn: Json, args: Json[], ctx: EvalContext, owner: string): Json {
  if (!(fn instanceof Lambda)) {
    throw new ExpressionError(`The template language function '${owner}' expects a lambda function as its parameter.`);
  }
  if (args.length < fn.params.length) {
    throw new ExpressionError(
      `The lambda function of '${owner}' expects ${fn.params.length} parameter(s), ${args.length} given.`,
    );
  }
  const vars = new Map(fn.closure);
  fn.params.forEach((p, i) => vars.set(p, args[i]));
  return evaluateNode(fn.body, { ...ctx, lambdaVariables: vars });
}

/** Evaluates an expression string, or returns the literal a plain string stands for. */
export function evaluateString(text: string, ctx: EvalContext): Json {
  return isExpression(text) ? evaluateNode(parseExpression(text), ctx) : literalOf(text);
}

/** Property copy loops: `"copy": [{ "name", "count", "input" }]` inside an object. */
function isPropertyCopy(v: Json): v is Array<{ name: string; count: Json; input: Json }> {
  return Array.isArray(v) && v.length > 0 && v.every((c) => isObject(c) && 'name' in c && 'count' in c && 'input' in c);
}

/** Evaluates every expression inside a JSON value (property copy loops expanded). */
export function evaluateValue(value: Json, ctx: EvalContext, extraIndexes?: Map<string, number>): Json {
  if (typeof value === 'string') return evaluateString(value, ctx);
  if (Array.isArray(value)) return value.map((v) => evaluateValue(v, ctx, extraIndexes));
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'copy' && isPropertyCopy(v)) {
      for (const loop of v) {
        const count = evaluateValue(loop.count, ctx);
        if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
          throw new ExpressionError(`The copy count must be a non-negative integer. Provided '${String(count)}'.`);
        }
        const items: Json[] = [];
        for (let i = 0; i < count; i++) {
          const inner: EvalContext = {
            ...ctx,
            copyIndex: (name) => (name !== undefined && name.toLowerCase() === loop.name.toLowerCase() ? i : ctx.copyIndex(name)),
          };
          items.push(evaluateValue(loop.input, inner));
        }
        out[evaluateString(loop.name, ctx)] = items;
      }
      continue;
    }
    out[k] = evaluateValue(v, ctx, extraIndexes);
  }
  return out;
}

setLambdaInvoker(invokeLambda);
