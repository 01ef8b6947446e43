import { extractExamples } from './tsdocExamples';

const source = (...lines: string[]): string => `${lines.join('\n')}\n`;

describe('extractExamples', () => {
  it('takes the ```ts fence under ## Example, without the comment prefixes, at its line', () => {
    const { examples, problems } = extractExamples(
      'a.ts',
      source(
        '/**',
        ' * Adds.',
        ' *',
        ' * ## Example',
        ' * ```ts',
        " * import { add } from 'rxrpcx';",
        ' * if (add(1, 2) === 3) {',
        ' *   console.log(3);',
        ' * }',
        ' * ```',
        ' * @param a - one',
        ' */',
        'export function add(a: number, b: number): number { return a + b; }',
      ),
    );
    expect(problems).toEqual([]);
    expect(examples).toEqual([
      {
        index: 0,
        line: 6,
        code: "import { add } from 'rxrpcx';\nif (add(1, 2) === 3) {\n  console.log(3);\n}\n",
      },
    ]);
  });

  it('leaves a ```ts fence without an Example heading alone, and fences of other languages', () => {
    const { examples } = extractExamples(
      'a.ts',
      source(
        '/**',
        ' * ```ts',
        ' * undeclared.call();',
        ' * ```',
        ' * ## Example',
        ' * ```json',
        ' * {"not": "ts"}',
        ' * ```',
        ' */',
        'export const a = 1;',
        'class C {',
        '  /**',
        '   * Prose with a sketch:',
        '   * ```ts',
        '   * c.m();',
        '   * ```',
        '   */',
        '  m(): void {}',
        '}',
      ),
    );
    expect(examples).toEqual([]);
  });

  it('ends the Example section at the next heading or block tag', () => {
    const { examples } = extractExamples(
      'a.ts',
      source(
        '/**',
        ' * ## Example',
        ' * ```ts',
        ' * one();',
        ' * ```',
        ' * ## Notes',
        ' * ```ts',
        ' * notAnExample();',
        ' * ```',
        ' * ## Example',
        ' * ```ts',
        ' * // ## not a heading, @param not a tag: inside the fence',
        ' * two();',
        ' * ```',
        ' * @remarks',
        ' * ```ts',
        ' * notAnExampleEither();',
        ' * ```',
        ' */',
        'export const a = 1;',
      ),
    );
    expect(examples.map((e) => e.code)).toEqual([
      'one();\n',
      '// ## not a heading, @param not a tag: inside the fence\ntwo();\n',
    ]);
  });

  it('counts @example tags: their fences, or their whole body when unfenced', () => {
    const { examples } = extractExamples(
      'a.ts',
      source(
        '/**',
        ' * Summary.',
        ' * @example Fenced',
        ' * ```ts',
        ' * fenced();',
        ' * ```',
        ' * @example',
        ' * bare();',
        ' * more();',
        ' *',
        ' * @returns nothing',
        ' */',
        'export function f(): void {}',
      ),
    );
    expect(examples).toEqual([
      { index: 0, line: 5, code: 'fenced();\n' },
      { index: 1, line: 8, code: 'bare();\nmore();\n' },
    ]);
  });

  it('reads comments on members and ignores /** inside strings and plain comments', () => {
    const { examples } = extractExamples(
      'a.ts',
      source(
        "const text = '/** ## Example ```ts nope(); ``` */';",
        '/* ## Example',
        ' * ```ts',
        ' * notDoc();',
        ' * ```',
        ' */',
        'export class K {',
        '  /**',
        '   * ## Example',
        '   * ```ts',
        '   * member();',
        '   * ```',
        '   */',
        '  m(): void {}',
        '}',
      ),
    );
    expect(examples).toEqual([{ index: 0, line: 11, code: 'member();\n' }]);
  });

  it('reports a fence left open', () => {
    const { examples, problems } = extractExamples(
      'a.ts',
      source('/**', ' * ## Example', ' * ```ts', ' * open();', ' */', 'export const a = 1;'),
    );
    expect(examples).toEqual([]);
    expect(problems).toEqual([{ line: 3, message: 'unclosed ``` fence' }]);
  });
});
