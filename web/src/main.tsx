// The console's entry: renders the app into #root. The first render is synchronous (flushSync) so
// that the frame in the chosen language is in the document before the load event (what a headless
// `--dump-dom` or a slow device shows first).
import { createRoot } from "react-dom/client";
import { flushSync } from "react-dom";
import { App } from "./app.tsx";
import "./styles.css";

const el = document.getElementById("root");
if (el) {
  const root = createRoot(el);
  flushSync(() => root.render(<App />));
}
