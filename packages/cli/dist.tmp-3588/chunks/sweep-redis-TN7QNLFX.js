import{createRequire as __sn_cr}from'node:module';const require=__sn_cr(import.meta.url);
import{redisConnection,runRedisSweep,whenReady}from"./chunk-ECOSJ7K2.js";import"./chunk-23C5GTAL.js";import"./chunk-KSTXT75F.js";import"./chunk-K6LOHIA3.js";import"./chunk-YE6AXQ3N.js";import"./chunk-XM7MFLVW.js";import"./chunk-RHJQKAJL.js";export{redisConnection,runRedisSweep,whenReady};
