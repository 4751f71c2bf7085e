import { validate } from "@supernode/core";
const cpu=()=>{const u=process.cpuUsage();return (u.user+u.system)/1000};
let t=cpu(); validate(); console.log("first cpu ms", (cpu()-t).toFixed(0));
for (let i=0;i<3;i++){ t=cpu(); validate(); console.log("again cpu ms", (cpu()-t).toFixed(0));}
