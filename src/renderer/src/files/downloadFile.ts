import type { ExportedFile } from '../../../shared/studioApi'

/** Saves a file the engine wrote through the browser's download (a save dialog in the desktop app). */
export function downloadFile(file: ExportedFile): void {
  const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0))
  const url = URL.createObjectURL(new Blob([bytes], { type: file.mimeType }))
  const link = document.createElement('a')
  link.href = url
  link.download = file.fileName
  link.click()
  // Revoked later, not at once: the download reads the blob after the click returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** A file the person chose, as base64 (IPC and JSON carry text), in slices so a large file does not overflow the call stack. */
export async function fileBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer())
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}
