/**
 * AIP-160 filter string → AST. Pure: knows the grammar, not the fields (compile.ts checks those).
 *
 * Grammar (https://google.aip.dev/160, the subset Taskyard supports):
 *
 *   filter      = [ expression ] end
 *   expression  = sequence { "AND" sequence }
 *   sequence    = factor { factor }            implicit AND by juxtaposition: `a=1 b=2`
 *   factor      = term { "OR" term }
 *   term        = [ "NOT" | "-" ] simple       `-` must touch what it negates: `-tags:x`
 *   simple      = restriction | "(" expression ")"
 *   restriction = field comparator value       comparator: = != < <= > >= :
 *   value       = word | string | "-"word      `-5` is a negative number, not a negation
 *
 * Precedence follows the spec, which is the reverse of SQL: OR binds TIGHTER than AND, so
 * `a AND b OR c` means `a AND (b OR c)`, and `a b OR c` means `a AND (b OR c)` too.
 *
 * Recursion only happens at "(", and the depth is checked before descending, so hostile input
 * (10k nested parentheses) ends in a clean InvalidArgumentError, never a stack overflow.
 */
import { describeToken, filterError, tokenize } from "./lexer.js";
import type { Comparator, LiteralToken, Token } from "./lexer.js";

export interface FilterValue {
  /** The literal with escapes resolved (a `-` prefix included for negative numbers). */
  readonly text: string;
  /** `text` split at unescaped `*` wildcards; one segment means no wildcard. */
  readonly segments: readonly string[];
  readonly quoted: boolean;
  /** 1-based code point position in the filter string. */
  readonly position: number;
}
export interface RestrictionNode {
  readonly kind: "restriction";
  readonly field: string;
  readonly fieldPosition: number;
  readonly op: Comparator;
  readonly opPosition: number;
  readonly value: FilterValue;
}
export interface AndNode {
  readonly kind: "and";
  readonly children: readonly FilterNode[];
}
export interface OrNode {
  readonly kind: "or";
  readonly children: readonly FilterNode[];
}
export interface NotNode {
  readonly kind: "not";
  readonly child: FilterNode;
}
export type FilterNode = AndNode | OrNode | NotNode | RestrictionNode;

export interface ParseLimits {
  /** Deepest allowed parenthesis nesting. */
  readonly maxDepth: number;
  /** Most restrictions (`field op value`) allowed. */
  readonly maxTerms: number;
  /** Longest allowed literal, in code points. */
  readonly maxLiteralLength: number;
}

/** Parses `source`; `undefined` for an empty (or all-whitespace) filter. Throws InvalidArgumentError. */
export function parseFilter(source: string, limits: ParseLimits): FilterNode | undefined {
  return new Parser(tokenize(source, limits.maxLiteralLength), limits).parse();
}

const unexpected = (token: Token) =>
  filterError(`unexpected ${describeToken(token)} at position ${token.position}`);

class Parser {
  private index = 0;
  private depth = 0;
  private terms = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly limits: ParseLimits,
  ) {}

  parse(): FilterNode | undefined {
    if (this.peek().kind === "end") return undefined;
    const node = this.expression();
    const rest = this.peek();
    if (rest.kind !== "end") throw unexpected(rest);
    return node;
  }

  private peek(offset = 0): Token {
    // The token list always ends with `end`; reading past it keeps returning `end`.
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== "end") this.index += 1;
    return token;
  }

  private expression(): FilterNode {
    const children = [this.sequence()];
    while (this.peek().kind === "AND") {
      this.next();
      children.push(this.sequence());
    }
    return group("and", children);
  }

  private sequence(): FilterNode {
    const children = [this.factor()];
    while (startsTerm(this.peek())) children.push(this.factor());
    return group("and", children);
  }

  private factor(): FilterNode {
    const children = [this.term()];
    while (this.peek().kind === "OR") {
      this.next();
      children.push(this.term());
    }
    return group("or", children);
  }

  private term(): FilterNode {
    const token = this.peek();
    if (token.kind === "NOT" || token.kind === "-") {
      this.next();
      if (token.kind === "-" && this.peek().spaceBefore) throw unexpected(token);
      return { kind: "not", child: this.simple() };
    }
    return this.simple();
  }

  private simple(): FilterNode {
    const token = this.next();
    if (token.kind === "word") return this.restriction(token);
    if (token.kind !== "(") throw unexpected(token);
    if (++this.depth > this.limits.maxDepth) {
      throw filterError(
        `parentheses nested deeper than ${this.limits.maxDepth} at position ${token.position}`,
      );
    }
    const inner = this.expression();
    const close = this.next();
    if (close.kind !== ")") {
      throw filterError(
        `expected ')' to close '(' at position ${token.position}, found ${describeToken(close)} at position ${close.position}`,
      );
    }
    this.depth -= 1;
    return inner;
  }

  private restriction(field: LiteralToken): RestrictionNode {
    if (++this.terms > this.limits.maxTerms) {
      throw filterError(`more than ${this.limits.maxTerms} terms; term ${describeToken(field)} at position ${field.position}`);
    }
    const comparator = this.next();
    if (comparator.kind !== "comparator") {
      throw filterError(
        `expected a comparator (= != < <= > >= :) after field ${describeToken(field)}, found ${describeToken(comparator)} at position ${comparator.position}`,
      );
    }
    return {
      kind: "restriction",
      field: field.value,
      fieldPosition: field.position,
      op: comparator.op,
      opPosition: comparator.position,
      value: this.value(comparator),
    };
  }

  private value(comparator: Token): FilterValue {
    const token = this.next();
    if (token.kind === "word" || token.kind === "string") {
      return { text: token.value, segments: token.segments, quoted: token.kind === "string", position: token.position };
    }
    const word = this.peek();
    if (token.kind === "-" && word.kind === "word" && !word.spaceBefore) {
      this.next();
      const [first = "", ...rest] = word.segments;
      return { text: `-${word.value}`, segments: [`-${first}`, ...rest], quoted: false, position: token.position };
    }
    throw filterError(
      `expected a value after ${describeToken(comparator)}, found ${describeToken(token)} at position ${token.position}`,
    );
  }
}

/** Tokens that can begin a term; a string cannot, but taking it here gives "unexpected '"x"'". */
const TERM_START: ReadonlySet<Token["kind"]> = new Set<Token["kind"]>(["word", "string", "(", "NOT", "-"]);

function startsTerm(token: Token): boolean {
  return TERM_START.has(token.kind);
}

/** One child stays as it is; nested groups of the same kind are flattened (`a AND (b AND c)`). */
function group(kind: "and" | "or", children: FilterNode[]): FilterNode {
  if (children.length === 1) return children[0]!;
  return { kind, children: children.flatMap((c) => (c.kind === kind ? c.children : [c])) };
}
