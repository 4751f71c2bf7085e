import{createRequire as __sn_cr}from'node:module';const require=__sn_cr(import.meta.url);
import{loadModel,register,showModel}from"./chunk-B6TAZY56.js";import"./chunk-GNPQBCL5.js";import"./chunk-YE6AXQ3N.js";import"./chunk-XM7MFLVW.js";import"./chunk-RHJQKAJL.js";export{loadModel,register,showModel};
