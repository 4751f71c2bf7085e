import{createRequire as __sn_cr}from'node:module';const require=__sn_cr(import.meta.url);
import{referenceTable}from"./chunks/chunk-XM7MFLVW.js";import"./chunks/chunk-RHJQKAJL.js";process.stdout.write(`${JSON.stringify(referenceTable())}
`);
