/**
 * ts-jest only transpiles here (`isolatedModules` in tsconfig.json), so a
 * type error in a spec would not fail its test. This suite type-checks the
 * type tests of this folder with the compiler: every right call must
 * compile, and every `// @ts-expect-error` must sit on a line that does not
 * (an unused one is error TS2578).
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = join(__dirname, '..', '..');

function compilerOptions(): ts.CompilerOptions {
  const configPath = join(root, 'tsconfig.json');
  const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
  if (error !== undefined) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const { options, errors } = ts.convertCompilerOptionsFromJson(config.compilerOptions, root, configPath);
  if (errors.length > 0) throw new Error(errors.map((e) => ts.flattenDiagnosticMessageText(e.messageText, '\n')).join('\n'));
  return { ...options, noEmit: true, declaration: false, sourceMap: false };
}

/** The diagnostics of `files` as `path:line:column TScode: message`. */
function diagnosticsOf(program: ts.Program, files: readonly string[]): string[] {
  return files.flatMap((file) => {
    const source = program.getSourceFile(file);
    if (source === undefined) return [`${file} is not in the program`];
    return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => {
      const text = ts.flattenDiagnosticMessageText(d.messageText, '\n    ');
      const { line, character } = source.getLineAndCharacterOfPosition(d.start ?? 0);
      return `${relative(root, file)}:${line + 1}:${character + 1} TS${d.code}: ${text}`;
    });
  });
}

/** A program over in-memory sources (no imports), for the harness's own check. */
function virtualProgram(sources: Readonly<Record<string, string>>): ts.Program {
  const options = { ...compilerOptions(), types: [] };
  const host = ts.createCompilerHost(options, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) =>
    sources[fileName] !== undefined
      ? ts.createSourceFile(fileName, sources[fileName], languageVersion, true, ts.ScriptKind.TS)
      : getSourceFile.call(host, fileName, languageVersion, onError, shouldCreate);
  host.fileExists = (fileName) => sources[fileName] !== undefined || fileExists.call(host, fileName);
  host.readFile = (fileName) => sources[fileName] ?? readFile.call(host, fileName);
  return ts.createProgram({ rootNames: Object.keys(sources), options, host });
}

describe('type tests', () => {
  it('catch what they are meant to: a wrong type, and a // @ts-expect-error on a line that compiles', () => {
    const file = join(root, '.type-tests', 'broken.ts');
    const program = virtualProgram({
      [file]: ['export const wrong: number = "text";', '// @ts-expect-error', 'export const fine: number = 1;', ''].join('\n'),
    });
    const codes = diagnosticsOf(program, [file]).map((line) => /TS(\d+):/.exec(line)?.[1]);
    expect(codes).toEqual(['2322', '2578']);
  });

  it('in spec/types compile, each expected error where it is expected', () => {
    const files = [
      ...readdirSync(__dirname)
        .filter((name) => name.endsWith('.ts') && name !== 'typecheck.spec.ts')
        .map((name) => join(__dirname, name)),
      join(root, 'examples', 'electrumContract.ts'),
      join(root, 'examples', 'angular', 'electrum.service.ts'),
    ];
    expect(files.length).toBeGreaterThan(1);
    const program = ts.createProgram(files, compilerOptions());
    expect(diagnosticsOf(program, files)).toEqual([]);
  });
});
