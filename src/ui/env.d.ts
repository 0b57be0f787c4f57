// tsconfig limits ambient types to node; the UI also needs Vite's client types
// (import.meta.env, asset imports) and Svelte's `*.svelte` module declaration.
/// <reference types="vite/client" />
/// <reference types="svelte" />
