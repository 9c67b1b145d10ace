/**
 * JSONata expressions for field values, sandboxed: an expression sees only the entry's attributes
 * (`$` = attribute -> first value, `$all` = attribute -> all values) and `$enabled`, `$guid`,
 * `$dn`. JSONata itself has no I/O or process access; on top of that evaluation is bounded in
 * time, depth and sequence length, and functions that would make the output differ between two
 * runs over the same entry ($now, $millis, $random, $shuffle) or escape the bounds ($eval) are
 * refused, since a result that changes every cycle would rewrite every user every cycle.
 */
import jsonata from 'jsonata';

export interface ExpressionLimits {
  /** Wall-clock bound per evaluation. JSONata checks it between steps. */
  timeoutMs: number;
  /** Maximum evaluation depth (runaway recursion). */
  maxDepth: number;
  /** Maximum length of any sequence built (e.g. `[1..1e9]`). */
  maxSequence: number;
  /**
   * Maximum length of any string an evaluation step yields. JSONata checks its time bound only
   * between steps, so one step building a huge string (doubling `&`, `$pad`, `$join`) would
   * stall the worker; every step's result is checked, and `$pad`/`$join` refuse before building.
   */
  maxStringLength: number;
}

export const DEFAULT_EXPRESSION_LIMITS: ExpressionLimits = { timeoutMs: 200, maxDepth: 300, maxSequence: 10000, maxStringLength: 65536 };

const FORBIDDEN_FUNCTIONS: ReadonlyMap<string, string> = new Map([
  ['eval', '$eval is not allowed: it would evaluate text outside the sandbox limits'],
  ['now', '$now is not allowed: its result changes every run, so every user would be rewritten every cycle'],
  ['millis', '$millis is not allowed: its result changes every run, so every user would be rewritten every cycle'],
  ['random', '$random is not allowed: its result changes every run, so every user would be rewritten every cycle'],
  ['shuffle', '$shuffle is not allowed: its result changes every run, so every user would be rewritten every cycle'],
]);

/**
 * Regular expressions are refused: JavaScript's engine backtracks, so one pattern such as
 * `/(a+)+$/` on a crafted attribute value runs for minutes inside a single step, beyond the time
 * bound. A linear-time engine (the `re2` package) needs a native build that npm 11 holds back and
 * that fell back to a multi-minute compile here; string patterns cover what mappings need.
 */
const REGEX_REFUSED =
  'regular expressions are not allowed: they can backtrack for minutes on one value and stall the worker; use text patterns ($contains, $split, $replace with a string, $substringBefore/$substringAfter)';

/** Names the engine binds; an expression must not redefine them with `:=`. */
const RESERVED_BINDINGS = new Set(['all', 'enabled', 'guid', 'dn']);

/** Run-time refusal too, should a regex reach evaluation some other way. */
class RefusedRegex {
  constructor() {
    throw { code: 'OUTBOUND_FORBIDDEN', message: REGEX_REFUSED };
  }
}

/** A syntax or sandbox problem found when the expression is compiled. */
export class ExpressionCompileError extends Error {
  constructor(
    message: string,
    readonly position: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ExpressionCompileError';
  }
}

export type ExpressionOutcome = { ok: true; value: unknown } | { ok: false; code: 'expression-failed' | 'expression-timeout'; message: string };

export interface ExpressionBindings {
  all: Record<string, string[]>;
  enabled: boolean;
  guid: string;
  dn: string;
}

export interface FieldExpression {
  /** Attribute names the expression refers to (every path name; a superset is harmless). */
  readonly attributeNames: readonly string[];
  /**
   * True when the expression may read attributes it does not name ($lookup, $keys, wildcards,
   * the whole `$`/`$all` object): a datastore must then fetch every attribute.
   */
  readonly readsAnyAttribute: boolean;
  evaluate(input: Record<string, string>, bindings: ExpressionBindings): Promise<ExpressionOutcome>;
}

interface JsonataError {
  code?: string;
  position?: number;
  message?: string;
  token?: string;
}

/** Compiles and checks an expression; throws ExpressionCompileError with a value-free message. */
export function compileFieldExpression(text: string, limits: ExpressionLimits = DEFAULT_EXPRESSION_LIMITS): FieldExpression {
  if (text.trim() === '') throw new ExpressionCompileError('the expression is empty', undefined);
  let expr: jsonata.Expression;
  try {
    expr = jsonata(text, { timeout: limits.timeoutMs, stack: limits.maxDepth, sequence: limits.maxSequence, RegexEngine: RefusedRegex as unknown as RegExpConstructor });
  } catch (err) {
    // Compile errors quote the configuration, not personal data, so JSONata's message is kept.
    const e = err as JsonataError;
    throw new ExpressionCompileError(`syntax error${e.position !== undefined ? ` at position ${e.position}` : ''}: ${e.message ?? String(err)}`, e.position, { cause: err });
  }
  const names = new Set<string>();
  const dynamic = { any: false };
  inspect(expr.ast(), names, new Set(), dynamic);
  for (const name of FORBIDDEN_FUNCTIONS.keys()) {
    // Also refused at run time, for indirect calls such as `($f := $now; $f())`.
    expr.assign(name, () => {
      throw { code: 'OUTBOUND_FORBIDDEN', message: FORBIDDEN_FUNCTIONS.get(name) };
    });
  }
  bindStringBounds(expr, limits.maxStringLength);
  const attributeNames = Object.freeze([...names]);
  return {
    attributeNames,
    readsAnyAttribute: dynamic.any,
    async evaluate(input, bindings) {
      try {
        return { ok: true, value: await expr.evaluate(input, bindings as unknown as Record<string, unknown>) };
      } catch (err) {
        return describeRuntimeError(err as JsonataError);
      }
    },
  };
}

const tooLong = (max: number) => ({ code: 'OUTBOUND_STRING_LIMIT', message: `the expression built a string longer than ${max} characters` });

/** Every step's string result is bounded; `$pad` and `$join` are replaced by bounded equivalents. */
function bindStringBounds(expr: jsonata.Expression, max: number): void {
  expr.assign(Symbol.for('jsonata.__evaluate_exit') as unknown as string, (_node: unknown, _input: unknown, _env: unknown, result: unknown) => {
    if (typeof result === 'string' && result.length > max) throw tooLong(max);
  });
  expr.registerFunction(
    'pad',
    (str: string | undefined, width: number, char?: string) => {
      if (str === undefined) return undefined;
      const target = Math.abs(Math.trunc(width));
      if (target > max) throw tooLong(max);
      const fill = [...(char === undefined || char === '' ? ' ' : char)];
      const missing = target - [...str].length;
      if (missing <= 0) return str;
      const padding = Array.from({ length: missing }, (_, i) => fill[i % fill.length]).join('');
      return width > 0 ? str + padding : padding + str;
    },
    '<s-ns?:s>',
  );
  expr.registerFunction(
    'join',
    (strs: string[] | string | undefined, separator?: string) => {
      if (strs === undefined) return undefined;
      const list = Array.isArray(strs) ? strs : [strs];
      const sep = separator ?? '';
      const total = list.reduce((n, s) => n + s.length, 0) + Math.max(0, list.length - 1) * sep.length;
      if (total > max) throw tooLong(max);
      return list.join(sep);
    },
    '<a<s>s?:s>',
  );
}

/** Functions that reach attributes by computed name or enumerate them. */
const DYNAMIC_FUNCTIONS = new Set(['lookup', 'keys', 'each', 'sift', 'spread', 'merge']);
/** Variables bound to the whole attribute object: only `$all.name`-style steps name what they read. */
const WHOLE_OBJECT_VARIABLES = new Set(['', 'all']);

type AstNode = { type?: string; value?: unknown; position?: number; steps?: AstNode[]; procedure?: { type?: string; value?: unknown }; lhs?: { type?: string; value?: unknown } };

/** Collects path names and rejects forbidden functions and rebinding of reserved names. */
function inspect(node: unknown, names: Set<string>, seen: Set<object>, dynamic: { any: boolean }): void {
  if (node === null || typeof node !== 'object' || seen.has(node)) return;
  seen.add(node);
  if (Array.isArray(node)) {
    for (const item of node) inspect(item, names, seen, dynamic);
    return;
  }
  const n = node as AstNode;
  if (n.type === 'path' && Array.isArray(n.steps) && n.steps.length > 1 && n.steps[0].type === 'variable' && WHOLE_OBJECT_VARIABLES.has(String(n.steps[0].value)) && n.steps[1].type === 'name') {
    // `$all.mail` / `$.mail` names what it reads: the variable step itself is not a whole-object read.
    seen.add(n.steps[0]);
    seen.add(n.steps);
    for (const step of n.steps.slice(1)) inspect(step, names, seen, dynamic);
    for (const [key, value] of Object.entries(n)) if (key !== 'steps') inspect(value, names, seen, dynamic);
    return;
  }
  if (n.type === 'variable' && WHOLE_OBJECT_VARIABLES.has(String(n.value))) dynamic.any = true;
  if (n.type === 'wildcard' || n.type === 'descendant') dynamic.any = true;
  if ((n.type === 'function' || n.type === 'partial') && n.procedure?.type === 'variable' && DYNAMIC_FUNCTIONS.has(String(n.procedure.value))) dynamic.any = true;
  if (n.type === 'name' && typeof n.value === 'string') names.add(n.value);
  if (n.type === 'regex') throw new ExpressionCompileError(`${REGEX_REFUSED} (position ${n.position ?? '?'})`, n.position);
  if ((n.type === 'function' || n.type === 'partial') && n.procedure?.type === 'variable' && typeof n.procedure.value === 'string') {
    const reason = FORBIDDEN_FUNCTIONS.get(n.procedure.value);
    if (reason) throw new ExpressionCompileError(`${reason} (position ${n.position ?? '?'})`, n.position);
  }
  if (n.type === 'bind' && n.lhs?.type === 'variable' && typeof n.lhs.value === 'string' && RESERVED_BINDINGS.has(n.lhs.value)) {
    throw new ExpressionCompileError(`$${n.lhs.value} is bound by Outbound and cannot be reassigned (position ${n.position ?? '?'})`, n.position);
  }
  for (const value of Object.values(node)) inspect(value, names, seen, dynamic);
}

// JSONata's runtime messages often quote the values involved (e.g. "The values x and y either
// side of operator..."), which are personal data; only the code, the position and a value-free
// description leave this module.
const RUNTIME_DESCRIPTIONS: Record<string, string> = {
  D1011: 'recursion went deeper than allowed',
  D2014: 'a range is too large',
  D2015: 'a sequence grew longer than allowed',
  T1003: 'an object key is not text',
  T1005: 'called something that is not a function',
  T1006: 'called something that is not a function',
  T2001: 'arithmetic on a value that is not a number',
  T2002: 'arithmetic on a value that is not a number',
  T2003: 'a range bound is not an integer',
  T2004: 'a range bound is not an integer',
  T2009: 'compared values of different types',
  T2010: 'compared values that are neither numbers nor text',
  T0410: 'a function argument has the wrong type',
  T0411: 'a function argument has the wrong type',
  T0412: 'a function argument has the wrong type',
  D3030: '$number could not convert its argument',
  D3137: '$error was called',
  D3141: '$assert failed',
};

function describeRuntimeError(err: JsonataError): ExpressionOutcome {
  const at = typeof err?.position === 'number' ? ` at position ${err.position}` : '';
  if (err?.code === 'D1012') return { ok: false, code: 'expression-timeout', message: `the expression ran longer than the time allowed${at}` };
  if (err?.code === 'OUTBOUND_STRING_LIMIT') return { ok: false, code: 'expression-failed', message: `${err.message}${at}` };
  if (err?.code === 'OUTBOUND_FORBIDDEN') return { ok: false, code: 'expression-failed', message: err.message ?? 'a forbidden function was called' };
  if (err instanceof RangeError) return { ok: false, code: 'expression-failed', message: 'the expression exhausted the stack' };
  const code = typeof err?.code === 'string' ? err.code : undefined;
  const description = (code && RUNTIME_DESCRIPTIONS[code]) ?? 'evaluation error';
  return { ok: false, code: 'expression-failed', message: `the expression failed${at}: ${description}${code ? ` (JSONata ${code})` : ''}` };
}
