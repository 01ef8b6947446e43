/**
 * Finds the code examples in the TSDoc comments of a TypeScript source file:
 * every ```ts fence under an `## Example` heading, and every `@example` tag
 * (its ```ts fences, or — as TypeDoc reads it — its whole body when it has
 * none). A ```ts fence anywhere else in a comment is prose, not an example.
 */
import ts from 'typescript';

export interface DocExample {
  /** 0-based, in source order within the file. */
  readonly index: number;
  /** 1-based line, in the source file, of the example's first line of code. */
  readonly line: number;
  /** The code, with the comment's ` * ` prefixes stripped. */
  readonly code: string;
}

/** A doc comment that cannot be read as intended, e.g. a fence left open. */
export interface DocProblem {
  readonly line: number;
  readonly message: string;
}

const codeLanguages = new Set(['ts', 'typescript', 'mts', 'cts']);
const exampleHeading = /^#{1,6}\s+Examples?\s*:?\s*$/;
const anyHeading = /^#{1,6}\s/;
const blockTag = /^@[a-zA-Z]+/;
const fenceOpen = /^(`{3,}|~{3,})\s*([\w-]*)/;

/** The `/** … *\/` comments of a source file, each with its 0-based start line. */
function docComments(fileName: string, text: string): { readonly line: number; readonly text: string }[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const seen = new Set<number>();
  const found: { line: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    for (const range of ts.getLeadingCommentRanges(text, node.pos) ?? []) {
      if (range.kind !== ts.SyntaxKind.MultiLineCommentTrivia || seen.has(range.pos)) continue;
      seen.add(range.pos);
      const comment = text.slice(range.pos, range.end);
      if (!comment.startsWith('/**') || comment === '/**/') continue;
      found.push({ line: source.getLineAndCharacterOfPosition(range.pos).line, text: comment });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.sort((a, b) => a.line - b.line);
}

/** The comment's lines without the `/**`, `*\/` and leading ` * ` decoration. */
function commentLines(comment: string): string[] {
  return comment
    .replace(/^\/\*\*/, '')
    .replace(/\*\/$/, '')
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, '').replace(/\s+$/, ''));
}

/**
 * The examples of one source text, and the comments that could not be read
 * (an unclosed fence would otherwise swallow or drop an example silently).
 */
export function extractExamples(fileName: string, text: string): { examples: DocExample[]; problems: DocProblem[] } {
  const examples: DocExample[] = [];
  const problems: DocProblem[] = [];
  const push = (line: number, code: string[]): void => {
    examples.push({ index: examples.length, line, code: `${code.join('\n')}\n` });
  };

  for (const comment of docComments(fileName, text)) {
    const lines = commentLines(comment.text);
    const fileLine = (i: number): number => comment.line + i + 1;
    let section: 'none' | 'heading' | 'tag' = 'none';
    // An @example with no fence is code from the line after its tag to the next tag.
    let tagBody: { start: number; lines: string[]; fenced: boolean } | undefined;
    let fence: { marker: string; start: number; lines: string[]; isCode: boolean } | undefined;

    const closeTag = (): void => {
      if (tagBody !== undefined && !tagBody.fenced) {
        while (tagBody.lines.length > 0 && tagBody.lines[tagBody.lines.length - 1] === '') tagBody.lines.pop();
        const lead = tagBody.lines.findIndex((l) => l !== '');
        if (lead !== -1) push(fileLine(tagBody.start + lead), tagBody.lines.slice(lead));
      }
      tagBody = undefined;
    };

    lines.forEach((line, i) => {
      if (fence !== undefined) {
        if (line.trim() === fence.marker) {
          if (fence.isCode) push(fileLine(fence.start + 1), fence.lines);
          fence = undefined;
        } else {
          fence.lines.push(line);
        }
        return;
      }
      const open = fenceOpen.exec(line.trim());
      if (open !== null) {
        const isCode = section !== 'none' && codeLanguages.has(open[2]!.toLowerCase());
        fence = { marker: open[1]!, start: i, lines: [], isCode };
        if (tagBody !== undefined) tagBody.fenced = true;
        return;
      }
      if (/^@example\b/.test(line)) {
        closeTag();
        section = 'tag';
        tagBody = { start: i + 1, lines: [], fenced: false };
        return;
      }
      if (exampleHeading.test(line)) {
        closeTag();
        section = 'heading';
        return;
      }
      if (anyHeading.test(line) || blockTag.test(line)) {
        closeTag();
        section = 'none';
        return;
      }
      tagBody?.lines.push(line);
    });
    if (fence !== undefined) {
      problems.push({ line: fileLine(fence.start), message: `unclosed ${fence.marker} fence` });
    }
    closeTag();
  }
  return { examples, problems };
}
