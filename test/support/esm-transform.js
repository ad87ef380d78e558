/**
 * Jest runs specs as CommonJS; a few dependencies ship ECMAScript modules only (openid-client
 * and the libraries under it). Node loads them with require() in production; for Jest they are
 * transpiled to CommonJS here, file by file, with the TypeScript compiler already installed.
 */
/* global require, module */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- Jest loads transformers with require()
const ts = require('typescript');

module.exports = {
  process(source, filename) {
    const { outputText } = ts.transpileModule(source, {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, allowJs: true, esModuleInterop: true },
    });
    return { code: outputText };
  },
};
