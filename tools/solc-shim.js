#!/usr/bin/env node
// A native-solc lookalike over the npm `solc` package (solcjs, WebAssembly).
//
// py-solc-x (and so Brownie) drive a native `solc` binary. None can be installed offline, so
// `make setup` places this shim where py-solc-x looks for `solc-v<version>` (the folder named
// by SOLCX_BINARY_PATH). It answers the two calls py-solc-x makes:
//   solc --version                          -> native solc's format, cached (asked ~15x a compile)
//   solc --standard-json [--allow-paths P]  -> stdin JSON in, stdout JSON out, with an import
//                                              callback that resolves paths the way solc would
"use strict";
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const SOLC_DIR = path.join(ROOT, "node_modules", "solc");

function die(message) {
  process.stderr.write(`solc-shim: ${message}\n`);
  process.exit(1);
}

function versionString() {
  const pkgVersion = require(path.join(SOLC_DIR, "package.json")).version;
  const cacheDir = path.join(process.env.SOLCX_BINARY_PATH || path.join(ROOT, ".solcx"));
  const cacheFile = path.join(cacheDir, `.version-${pkgVersion}`);
  try {
    return fs.readFileSync(cacheFile, "utf8").trim();
  } catch (_) {
    // first call: ask the compiler itself (loads the wasm, ~1 s), then remember the answer
  }
  const full = require(SOLC_DIR).version(); // e.g. 0.8.37+commit.f401782d.Emscripten.clang
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(cacheFile, full + "\n");
  } catch (_) {
    // read-only location: fine, we just answer slower next time
  }
  return full;
}

function importResolver(allowPaths) {
  const roots = [process.cwd(), ...allowPaths];
  return function findImports(importPath) {
    const candidates = path.isAbsolute(importPath)
      ? [importPath]
      : roots.map((root) => path.resolve(root, importPath));
    for (const candidate of candidates) {
      try {
        return { contents: fs.readFileSync(candidate, "utf8") };
      } catch (_) {
        // try the next root
      }
    }
    return { error: `File not found: ${importPath} (searched ${roots.join(", ")})` };
  };
}

function main(argv) {
  if (argv.includes("--version")) {
    process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${versionString()}\n`);
    return;
  }
  if (!argv.includes("--standard-json")) {
    die(`only --version and --standard-json are supported (got: ${argv.join(" ") || "no arguments"})`);
  }
  const allowPaths = [];
  const i = argv.indexOf("--allow-paths");
  if (i !== -1 && argv[i + 1]) allowPaths.push(...argv[i + 1].split(",").filter(Boolean));

  const input = fs.readFileSync(0, "utf8");
  const solc = require(SOLC_DIR);
  const output = solc.compile(input, { import: importResolver(allowPaths) });
  // solcjs returns the JSON as a string; make sure nothing but JSON reaches stdout
  const start = output.indexOf("{");
  process.stdout.write(start > 0 ? output.slice(start) : output);
}

main(process.argv.slice(2));
