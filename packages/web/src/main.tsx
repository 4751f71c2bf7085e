import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/app.tsx";
import "./styles.css";
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
