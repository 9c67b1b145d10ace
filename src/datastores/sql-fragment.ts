/**
 * Checks administrator-written SQL (the SELECT source, the scope filter, the exclusion filter)
 * before it is embedded in the datastore's own statements. The text is trusted configuration,
 * but a stray `;`, an unbalanced parenthesis or an unterminated quote would change what our
 * wrapping means (e.g. drop the LIMIT that keeps pages small), so those are refused up front.
 * Data never goes into these fragments: values are always bound.
 */
import { SqlDatastoreError } from './sql-datastore-error';
import type { SqlDialect } from './sql-dialect';

interface Scan {
  /** `?` outside literals and comments. */
  questionMarks: number;
  /** `?` inside literals. */
  quotedQuestionMarks: number;
}

function scan(text: string, setting: string, dialect: SqlDialect): Scan {
  let depth = 0;
  let questionMarks = 0;
  let quotedQuestionMarks = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
      continue;
    }
    if (c === '#' && dialect.name === 'mysql2') {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end === -1) throw new SqlDatastoreError(setting, 'unterminated /* comment');
      i = end + 1;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      for (; j < text.length; j++) {
        if (text[j] === '\\' && dialect.backslashEscapes && c !== '`') {
          j++;
          continue;
        }
        if (text[j] === '?') quotedQuestionMarks++;
        if (text[j] === c) {
          if (text[j + 1] === c) {
            j++;
            continue;
          }
          break;
        }
      }
      if (j >= text.length) throw new SqlDatastoreError(setting, `unterminated ${c === "'" ? 'string literal' : 'quoted identifier'}`);
      i = j;
      continue;
    }
    if (c === '(') depth++;
    if (c === ')' && --depth < 0) throw new SqlDatastoreError(setting, 'unbalanced parentheses: a ")" closes more than was opened');
    if (c === ';') throw new SqlDatastoreError(setting, 'must be a single statement without ";"');
    if (c === '?') questionMarks++;
  }
  if (depth !== 0) throw new SqlDatastoreError(setting, 'unbalanced parentheses: a "(" is never closed');
  return { questionMarks, quotedQuestionMarks };
}

/** Makes a checked fragment safe to embed in a statement that also has bound parameters. */
function protectQuestionMarks(text: string, setting: string, dialect: SqlDialect, found: Scan): string {
  if (found.questionMarks + found.quotedQuestionMarks === 0) return text;
  if (found.questionMarks > 0 && dialect.questionMark !== 'escape') {
    throw new SqlDatastoreError(setting, `must not contain "?" outside quotes: ${dialect.label} would read it as a parameter`);
  }
  return dialect.questionMark === 'escape' ? text.replace(/\?/g, '\\?') : text;
}

/** A WHERE-clause fragment (scope or exclusion filter); undefined when blank. */
export function checkFilter(text: string | undefined, setting: string, dialect: SqlDialect): string | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  return protectQuestionMarks(text.trim(), setting, dialect, scan(text, setting, dialect));
}

/** The SELECT used as the source; it is wrapped as a derived table, so it must be one query. */
export function checkSelect(text: string, setting: string, dialect: SqlDialect): string {
  const trimmed = text.trim().replace(/;\s*$/, '');
  const withoutComments = trimmed.replace(/^(\s*(--[^\n]*\n|\/\*[\s\S]*?\*\/))*\s*/, '');
  if (!/^(select|with)\b/i.test(withoutComments) && !/^\(/.test(withoutComments)) {
    throw new SqlDatastoreError(setting, 'must be a SELECT (or WITH ... SELECT) statement');
  }
  return protectQuestionMarks(trimmed, setting, dialect, scan(trimmed, setting, dialect));
}

/** The LDAP-style default of SourceLocation.filter means "no filter" for a SQL channel. */
export function isLdapDefaultFilter(text: string | undefined): boolean {
  return text !== undefined && /^\(\s*objectclass\s*=\s*inetorgperson\s*\)$/i.test(text.trim());
}
