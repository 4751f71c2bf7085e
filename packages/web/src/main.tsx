import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/app.tsx";
// The style sheets, in this order: a later rule wins over an earlier one of the same specificity.
import "./styles/base.css";
import "./styles/controls.css";
import "./styles/tables.css";
import "./styles/topology.css";
import "./styles/views.css";
import "./styles/validate.css";
import "./styles/estimate.css";
import "./phone.css";
import { prewarmWorker } from "./worker/client.ts";

// Load core in a worker while React renders the first view.
prewarmWorker();

const root = document.getElementById("root");
if (root === null) throw new Error("index.html has no #root element");
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
