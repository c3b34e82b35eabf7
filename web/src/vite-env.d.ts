// Types for Vite's client features used here: CSS side-effect imports and import.meta.env.
/// <reference types="vite/client" />
