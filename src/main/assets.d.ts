// Vite's `?inline` import of a picture: the file's bytes as a data URL, in the bundle itself.
declare module '*?inline' {
  const dataUrl: string
  export default dataUrl
}
