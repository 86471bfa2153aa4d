/** Vite's `?raw` imports: a file's text (the import fixtures). */
declare module '*?raw' {
  const text: string;
  export default text;
}
