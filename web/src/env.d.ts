// Modules Vite resolves that TypeScript does not know: the stylesheet import.
declare module "*.css";
