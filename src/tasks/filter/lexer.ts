/**
 * Tokenizer for AIP-160 filter strings. Pure: no I/O, no SQL.
 *
 * Positions are 1-based and count Unicode code points (not UTF-16 units), so an error
 * message points at the character a person sees.
 */
import { InvalidArgumentError } from "../../domain/errors.js";

export type Comparator = "=" | "!=" | "<" | "<=" | ">" | ">=" | ":";

interface TokenBase {
  /** 1-based code point position of the token's first character. */
  readonly position: number;
  /** The token as written, for error messages. */
  readonly raw: string;
  /** Whether whitespace (or the start of input) precedes the token; `-x` negates only when adjacent. */
  readonly spaceBefore: boolean;
}
export interface PunctuationToken extends TokenBase {
  readonly kind: "(" | ")" | "AND" | "OR" | "NOT" | "-" | "end";
}
export interface ComparatorToken extends TokenBase {
  readonly kind: "comparator";
  readonly op: Comparator;
}
/** A bare word or a quoted string. */
export interface LiteralToken extends TokenBase {
  readonly kind: "word" | "string";
  /** The value with escapes resolved. */
  readonly value: string;
  /** `value` split at unescaped `*` wildcards; a single segment means "no wildcard". */
  readonly segments: readonly string[];
}
export type Token = PunctuationToken | ComparatorToken | LiteralToken;

/** Builds the one error type the filter module throws (field violation on request field `filter`). */
export function filterError(message: string): InvalidArgumentError {
  return new InvalidArgumentError(`filter: ${message}`, "filter");
}

/** `'text'` for messages: control characters escaped, long tokens shortened. */
export function quote(text: string): string {
  const chars = Array.from(text);
  const shown = chars.length > 40 ? `${chars.slice(0, 40).join("")}…` : text;
  return `'${shown.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}'`;
}

/** How a token is named in an error message. */
export function describeToken(token: Token): string {
  return token.kind === "end" ? "end of filter" : quote(token.raw);
}

const KEYWORDS = new Set(["AND", "OR", "NOT"]);
/** Characters that end a bare word (besides whitespace). `-` and `.` may appear inside a word. */
const WORD_BREAK = new Set(["(", ")", '"', "'", "=", "<", ">", "!", ":"]);
const WHITESPACE = /^\s$/u;
/**
 * An unquoted RFC 3339 timestamp (`2024-05-01T10:00:00+02:00`) contains `:`, which otherwise
 * is the has-comparator; it is recognised as one word here and validated by the compiler.
 */
const BARE_TIMESTAMP = /\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})/y;
const ESCAPES: ReadonlyMap<string, string> = new Map([
  ["\\", "\\"],
  ['"', '"'],
  ["'", "'"],
  ["*", "*"],
  ["n", "\n"],
  ["t", "\t"],
  ["r", "\r"],
]);

/** Splits `source` into tokens, ending with an `end` token. Throws InvalidArgumentError. */
export function tokenize(source: string, maxLiteralLength: number): Token[] {
  const tokens: Token[] = [];
  let i = 0; // UTF-16 index into source
  let position = 1; // code point position of source[i]
  let spaceBefore = true;

  const charAt = (index: number): string =>
    index < source.length ? String.fromCodePoint(source.codePointAt(index)!) : "";
  /** Consumes one code point and returns it. */
  const take = (): string => {
    const ch = charAt(i);
    i += ch.length;
    position += 1;
    return ch;
  };
  const checkLength = (length: number, start: number): void => {
    if (length > maxLiteralLength) {
      throw filterError(`literal at position ${start} is longer than ${maxLiteralLength} characters`);
    }
  };

  while (i < source.length) {
    const ch = charAt(i);
    if (WHITESPACE.test(ch)) {
      take();
      spaceBefore = true;
      continue;
    }
    const start = i;
    const startPosition = position;
    const base = () => ({ position: startPosition, raw: source.slice(start, i), spaceBefore });

    if (ch === "(" || ch === ")" || ch === "-") {
      // `-` reaches here only at the start of a token: inside a word (`video-analyze`) it is a letter.
      take();
      tokens.push({ kind: ch, ...base() });
    } else if (ch === '"' || ch === "'") {
      tokens.push(lexString());
    } else if (ch === "<" || ch === ">" || ch === "!" || ch === "=" || ch === ":") {
      take();
      let op: string = ch;
      if ((ch === "<" || ch === ">" || ch === "!") && charAt(i) === "=") op += take();
      if (op === "!") throw filterError(`unexpected '!' at position ${startPosition}; did you mean '!='?`);
      tokens.push({ kind: "comparator", op: op as Comparator, ...base() });
    } else {
      tokens.push(lexWord());
    }
    spaceBefore = false;
  }
  tokens.push({ kind: "end", position, raw: "", spaceBefore });
  return tokens;

  function lexWord(): Token {
    const start = i;
    const startPosition = position;
    BARE_TIMESTAMP.lastIndex = i;
    const stamp = BARE_TIMESTAMP.exec(source);
    if (stamp && isWordEnd(i + stamp[0].length)) {
      i += stamp[0].length;
      position += stamp[0].length; // ASCII only
    } else {
      let length = 0;
      while (i < source.length && !isWordEnd(i)) {
        take();
        checkLength(++length, startPosition);
      }
    }
    const raw = source.slice(start, i);
    if (KEYWORDS.has(raw)) {
      return { kind: raw as "AND" | "OR" | "NOT", position: startPosition, raw, spaceBefore };
    }
    return { kind: "word", value: raw, segments: raw.split("*"), position: startPosition, raw, spaceBefore };
  }

  function isWordEnd(index: number): boolean {
    const ch = charAt(index);
    return ch === "" || WORD_BREAK.has(ch) || WHITESPACE.test(ch);
  }

  /** A "..." or '...' string; `\*` is a literal star, a bare `*` a wildcard. */
  function lexString(): Token {
    const start = i;
    const startPosition = position;
    const quoteChar = take();
    const unterminated = () => filterError(`unterminated string starting at position ${startPosition}`);
    const segments: string[] = [];
    let current = "";
    let length = 0;
    for (;;) {
      if (i >= source.length) throw unterminated();
      const escapePosition = position;
      let ch = take();
      if (ch === quoteChar) break;
      if (ch === "*") {
        segments.push(current);
        current = "";
      } else {
        if (ch === "\\") {
          if (i >= source.length) throw unterminated(); // a trailing backslash escapes nothing
          const escaped = take();
          const resolved = ESCAPES.get(escaped);
          if (resolved === undefined) {
            throw filterError(`invalid escape ${quote(`\\${escaped}`)} at position ${escapePosition}`);
          }
          ch = resolved;
        }
        current += ch;
      }
      checkLength(++length, startPosition);
    }
    segments.push(current);
    const raw = source.slice(start, i);
    return { kind: "string", value: segments.join("*"), segments, position: startPosition, raw, spaceBefore };
  }
}
