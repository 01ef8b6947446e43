import { createRequire } from 'node:module';

/**
 * Node's `require`, resolving from this package's own files — in both of its
 * builds, from one implementation.
 *
 * The CommonJS build has `require` but no `import.meta`, the ES module build
 * `import.meta` but no `require`, and each is a syntax or reference error in
 * the other. What both have is V8's call sites, which name the file a
 * function is defined in (a path under CommonJS, a `file:` URL in an ES
 * module), and `createRequire` takes either. Resolving from here finds what
 * the package's own `require` would: an optional peer installed beside it
 * (`prom-client`), or a file of the package.
 *
 * @param specifier - what to load
 * @returns the module's exports
 */
export function packageRequire(specifier: string): unknown {
  packageRequireFn ??= createRequire(thisFile());
  return packageRequireFn(specifier);
}

let packageRequireFn: NodeJS.Require | undefined;

/**
 * The package's version, from its package.json: two levels up from here in
 * the repository (lib/node/), three in a build (dist/esm/node/, dist/cjs/node/,
 * whose own package.json only names the module format).
 */
export function packageVersion(): string {
  for (const path of ['../../package.json', '../../../package.json']) {
    let manifest: { name?: unknown; version?: unknown };
    try {
      manifest = packageRequire(path) as typeof manifest;
    } catch {
      continue;
    }
    if (manifest.name === 'rxrpcx' && typeof manifest.version === 'string') return manifest.version;
  }
  throw new Error("rxrpcx: cannot find the package's own package.json");
}

/** The file this function is defined in, from the top frame of a fresh stack. */
function thisFile(): string {
  const { prepareStackTrace, stackTraceLimit } = Error;
  const holder: { stack?: unknown } = {};
  try {
    // Raw call sites instead of text; the stack is built when first read, so it is read here.
    Error.prepareStackTrace = (_error, callSites) => callSites;
    Error.stackTraceLimit = 1;
    Error.captureStackTrace(holder);
    const callSites = holder.stack as readonly NodeJS.CallSite[];
    const file = callSites[0]?.getFileName();
    if (file === undefined || file === null) throw new Error('rxrpcx: cannot tell where its own module is loaded from');
    return file;
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
    Error.stackTraceLimit = stackTraceLimit;
  }
}
