import { ConcurApiError } from './concur-error';
import { formatAttrPath, parseAttrPath, type AttrPath } from './attribute-path';

/** SCIM filter AST (RFC 7644 §3.4.2.2), as Concur's v4.1 search accepts it (digest §3.5). */
export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type FilterValue = string | number | boolean | null;
export type FilterNode =
  | { kind: 'compare'; path: AttrPath; op: CompareOp; value: FilterValue }
  | { kind: 'present'; path: AttrPath }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; expr: FilterNode }
  /** `emails[type eq "work"]`: the inner filter's paths are sub-attributes of `path`. */
  | { kind: 'valuePath'; path: AttrPath; filter: FilterNode };

export class InvalidFilterError extends ConcurApiError {
  constructor(filter: string, why: string) {
    super(400, `Invalid filter "${filter}": ${why}`, {
      scimType: 'invalidFilter',
      messages: [{ code: 'INVALID_VALUE', message: `Invalid filter: ${why}`, schemaPath: 'filter', type: 'error' }],
    });
    this.name = 'InvalidFilterError';
  }
}

type Token =
  | { t: 'lparen' | 'rparen' | 'lbracket' | 'rbracket'; pos: number }
  | { t: 'string'; v: string; pos: number }
  | { t: 'word'; v: string; pos: number };

const COMPARE_OPS = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(' || c === ')' || c === '[' || c === ']') {
      out.push({ t: c === '(' ? 'lparen' : c === ')' ? 'rparen' : c === '[' ? 'lbracket' : 'rbracket', pos: i });
      i++;
    } else if (c === '"') {
      // JSON string rules, so escapes like \" and \u00e9 work as RFC 7644 says.
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      if (j >= src.length) throw new InvalidFilterError(src, `unterminated string at ${i}`);
      try {
        out.push({ t: 'string', v: JSON.parse(src.slice(i, j + 1)) as string, pos: i });
      } catch (err) {
        throw new InvalidFilterError(src, `bad string escape at ${i}: ${(err as Error).message}`);
      }
      i = j + 1;
    } else {
      let j = i;
      while (j < src.length && !' \t\n\r()[]"'.includes(src[j])) j++;
      out.push({ t: 'word', v: src.slice(i, j), pos: i });
      // `emails[type eq "work"].value`: a sub-attribute glued to a closing bracket stays one word.
      i = j;
    }
  }
  return out;
}

/** Recursive-descent parser; precedence NOT > AND > OR, grouping with () and attr[...]. */
class Parser {
  private i = 0;
  constructor(
    private readonly src: string,
    private readonly toks: Token[],
  ) {}

  parse(): FilterNode {
    if (this.toks.length === 0) throw this.fail('empty filter');
    const node = this.or(false);
    if (this.i < this.toks.length) throw this.fail(`unexpected "${this.show(this.toks[this.i])}"`);
    return node;
  }

  private fail(why: string): InvalidFilterError {
    return new InvalidFilterError(this.src, why);
  }
  private show(t: Token): string {
    return t.t === 'word' || t.t === 'string' ? t.v : { lparen: '(', rparen: ')', lbracket: '[', rbracket: ']' }[t.t];
  }
  private peekWord(): string | undefined {
    const t = this.toks[this.i];
    return t && t.t === 'word' ? t.v.toLowerCase() : undefined;
  }

  private or(inBrackets: boolean): FilterNode {
    let left = this.and(inBrackets);
    while (this.peekWord() === 'or') {
      if (inBrackets) throw this.fail('"or" is not supported inside [ ]');
      this.i++;
      left = { kind: 'or', left, right: this.and(inBrackets) };
    }
    return left;
  }

  private and(inBrackets: boolean): FilterNode {
    let left = this.unary(inBrackets);
    while (this.peekWord() === 'and') {
      this.i++;
      left = { kind: 'and', left, right: this.unary(inBrackets) };
    }
    return left;
  }

  private unary(inBrackets: boolean): FilterNode {
    if (this.peekWord() === 'not') {
      if (inBrackets) throw this.fail('"not" is not supported inside [ ]');
      this.i++;
      return { kind: 'not', expr: this.unary(inBrackets) };
    }
    return this.primary(inBrackets);
  }

  private primary(inBrackets: boolean): FilterNode {
    const t = this.toks[this.i];
    if (!t) throw this.fail('unexpected end of filter');
    if (t.t === 'lparen') {
      this.i++;
      const inner = this.or(inBrackets);
      this.expect('rparen', ')');
      return inner;
    }
    if (t.t !== 'word') throw this.fail(`expected an attribute at ${t.pos}, got "${this.show(t)}"`);
    this.i++;
    const path = this.path(t.v);
    const next = this.toks[this.i];
    if (next?.t === 'lbracket') {
      if (inBrackets) throw this.fail('nested [ ] is not supported');
      if (path.sub) throw this.fail(`"${t.v}" cannot take a value filter`);
      this.i++;
      const filter = this.or(true);
      this.expect('rbracket', ']');
      return { kind: 'valuePath', path, filter };
    }
    const op = this.peekWord();
    if (op === 'pr') {
      this.i++;
      return { kind: 'present', path };
    }
    if (!op || !COMPARE_OPS.has(op)) throw this.fail(`expected an operator after "${t.v}"`);
    if (inBrackets && op === 'ne') throw this.fail('"ne" is not supported inside [ ]');
    this.i++;
    return { kind: 'compare', path, op: op as CompareOp, value: this.value() };
  }

  private path(text: string): AttrPath {
    try {
      return parseAttrPath(text);
    } catch {
      throw this.fail(`bad attribute "${text}"`);
    }
  }

  private value(): FilterValue {
    const t = this.toks[this.i++];
    if (!t) throw this.fail('expected a value');
    if (t.t === 'string') return t.v;
    if (t.t !== 'word') throw this.fail(`expected a value, got "${this.show(t)}"`);
    const lower = t.v.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    if (lower === 'null') return null;
    if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(t.v)) return Number(t.v);
    // Concur accepts UUIDs unquoted (digest §3.5).
    if (/^[0-9a-fA-F-]{8,}$/.test(t.v)) return t.v;
    throw this.fail(`bad value "${t.v}" (strings must be quoted)`);
  }

  private expect(kind: 'rparen' | 'rbracket', show: string) {
    const t = this.toks[this.i];
    if (!t || t.t !== kind) throw this.fail(`expected "${show}"`);
    this.i++;
  }
}

export function parseFilter(src: string): FilterNode {
  return new Parser(src, tokenize(src)).parse();
}

/** Paths a filter references, value paths joined as `attr.sub`, for the filterable-attribute check. */
export function filterPaths(node: FilterNode, parent?: AttrPath): AttrPath[] {
  switch (node.kind) {
    case 'compare':
    case 'present':
      return [parent ? { urn: parent.urn, attr: parent.attr, sub: node.path.attr } : node.path];
    case 'and':
    case 'or':
      return [...filterPaths(node.left, parent), ...filterPaths(node.right, parent)];
    case 'not':
      return filterPaths(node.expr, parent);
    case 'valuePath':
      return filterPaths(node.filter, node.path);
  }
}

export { formatAttrPath };
