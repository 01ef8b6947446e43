/**
 * Every example in the TSDoc of `lib/` compiles (CONTRIBUTING: "TSDoc on every
 * export … an `## Example` importing from 'rxrpcx'"). Each example is checked
 * as its own ES module — strict options from tsconfig.json, top-level `await`,
 * `rxrpcx` and `rxrpcx/node` mapped to the sources — and all of them share one
 * `ts.Program`, so the whole suite costs one type-check of the library.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { extractExamples, type DocExample } from './tsdocExamples';

const root = join(__dirname, '..', '..');
const libDir = join(root, 'lib');

/**
 * Known failures in files another change is rewriting (`file#index`, the
 * 0-based index of the example within its file). These run as `it.failing`:
 * once such an example compiles, its test fails until the entry is removed.
 * Empty this list when that rewrite lands.
 */
const pendingElsewhere = new Set<string>([]);

function listTs(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return listTs(path);
      return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
    });
}

interface FileExample extends DocExample {
  /** Relative to the repository, e.g. `lib/util/NetAddress.ts`. */
  readonly libFile: string;
  /** Where the example lives in the program; never written to disk. */
  readonly virtualPath: string;
}

const examples: FileExample[] = [];
const problems: string[] = [];
for (const path of listTs(libDir)) {
  const libFile = relative(root, path);
  const found = extractExamples(libFile, readFileSync(path, 'utf8'));
  for (const problem of found.problems) problems.push(`${libFile}:${problem.line}: ${problem.message}`);
  for (const example of found.examples) {
    // Under the repository root, so `rxjs`, `ws` and @types/node resolve from node_modules.
    const virtualPath = join(root, '.doc-examples', `${libFile}__${example.index}.ts`);
    examples.push({ ...example, libFile, virtualPath });
  }
}
const keyOf = (example: FileExample): string => `${example.libFile}#${example.index}`;

function compilerOptions(): ts.CompilerOptions {
  const configPath = join(root, 'tsconfig.json');
  const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
  if (error !== undefined) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const { options, errors } = ts.convertCompilerOptionsFromJson(config.compilerOptions, root, configPath);
  if (errors.length > 0) throw new Error(errors.map((e) => ts.flattenDiagnosticMessageText(e.messageText, '\n')).join('\n'));
  return {
    ...options, // strict, noUnused* (see isShownValue), lib, baseUrl and the rxrpcx paths, as the project compiles
    module: ts.ModuleKind.ESNext, // an ES module with top-level await, as a user would write it
    target: ts.ScriptTarget.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    moduleDetection: ts.ModuleDetectionKind.Force, // an example without imports is still a module
    types: ['node'], // not jest: an example cannot lean on test globals
    noEmit: true,
    declaration: false,
    sourceMap: false,
    rootDir: undefined,
    outDir: undefined,
  };
}

let program: ts.Program | undefined;
function theProgram(): ts.Program {
  if (program !== undefined) return program;
  const options = compilerOptions();
  const virtual = new Map(examples.map((e) => [e.virtualPath, e.code]));
  const host = ts.createCompilerHost(options, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const code = virtual.get(fileName);
    if (code !== undefined) return ts.createSourceFile(fileName, code, languageVersion, true, ts.ScriptKind.TS);
    return getSourceFile.call(host, fileName, languageVersion, onError, shouldCreate);
  };
  host.fileExists = (fileName) => virtual.has(fileName) || fileExists.call(host, fileName);
  host.readFile = (fileName) => virtual.get(fileName) ?? readFile.call(host, fileName);
  program = ts.createProgram({ rootNames: [...virtual.keys()], options, host });
  return program;
}

/** "'x' is declared but never used" and its kin (noUnusedLocals / noUnusedParameters). */
const unusedCodes = new Set([6133, 6138, 6192, 6196, 6198, 6199, 6205]);

/**
 * An example may name a value only to show it (`const header = …; // 80
 * bytes`), so unused declarations pass; an unused import still fails, since it
 * tells the reader they need something they do not.
 */
function isShownValue(source: ts.SourceFile, diagnostic: ts.Diagnostic): boolean {
  if (!unusedCodes.has(diagnostic.code) || diagnostic.start === undefined) return false;
  const start = diagnostic.start;
  let node: ts.Node = source;
  for (;;) {
    const child = node.getChildren(source).find((c) => c.getStart(source) <= start && start < c.getEnd());
    if (child === undefined) break;
    node = child;
  }
  return ts.findAncestor(node, ts.isImportDeclaration) === undefined;
}

/** The diagnostics of one example, at their lines in the lib file. */
function diagnosticsOf(example: FileExample): string[] {
  const p = theProgram();
  const source = p.getSourceFile(example.virtualPath);
  if (source === undefined) return [`${example.virtualPath} is not in the program`];
  const diagnostics = [...p.getSyntacticDiagnostics(source), ...p.getSemanticDiagnostics(source)];
  return diagnostics.filter((d) => !isShownValue(source, d)).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n    ');
    if (d.file === undefined || d.start === undefined) return `TS${d.code}: ${text}`;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${example.libFile}:${example.line + line}:${character + 1} TS${d.code}: ${text}`;
  });
}

describe('TSDoc examples', () => {
  it('are found, and every doc comment reads cleanly', () => {
    expect(examples.length).toBeGreaterThan(150);
    expect(problems).toEqual([]);
  });

  it('compile under options the compiler accepts', () => {
    const p = theProgram();
    const global = [...p.getOptionsDiagnostics(), ...p.getGlobalDiagnostics()];
    expect(global.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  });

  it('pending-elsewhere entries name existing examples', () => {
    const keys = new Set(examples.map(keyOf));
    expect([...pendingElsewhere].filter((key) => !keys.has(key))).toEqual([]);
  });

  for (const example of examples) {
    const key = keyOf(example);
    const title = `${key} (${example.libFile}:${example.line}) compiles`;
    const check = (): void => {
      const diagnostics = diagnosticsOf(example);
      if (diagnostics.length > 0) {
        throw new Error(
          `The example at ${example.libFile}:${example.line} does not compile:\n  ${diagnostics.join('\n  ')}\n` +
            `--- example ---\n${example.code}`,
        );
      }
    };
    if (pendingElsewhere.has(key)) it.failing(title, check);
    else it(title, check);
  }
});
