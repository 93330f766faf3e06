// electron-vite's `?asset` import: the file is copied into the build, the import is its path.
declare module '*?asset' {
  const path: string
  export default path
}
