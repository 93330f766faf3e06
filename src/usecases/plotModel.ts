// Use case: the picture of a model (plot_model) as a file: SVG text from the engine, or a PNG
// drawn from it by resvg (a native module, loaded only when a PNG is asked for).
import { StudioError } from '../engine/errors'
import type { LayerRow } from '../engine/models/layers'
import { modelPlotSvg } from '../engine/models/modelPlot'

export type ModelPictureFormat = 'svg' | 'png'

/** The picture's format from a file's extension, or undefined for any other. */
export function modelPictureFormatOf(path: string): ModelPictureFormat | undefined {
  const extension = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase()
  return extension === 'svg' || extension === 'png' ? extension : undefined
}

/** resvg's renderer, or why it cannot be loaded here (its prebuilt binary is per platform). */
async function loadResvg(): Promise<typeof import('@resvg/resvg-js').Resvg> {
  try {
    const resvg = await import('@resvg/resvg-js')
    return resvg.Resvg ?? (resvg as unknown as { default: typeof resvg }).default.Resvg
  } catch (error) {
    throw new StudioError(`PNG pictures are not available here (the resvg renderer could not be loaded: ${(error as Error).message.split('\n')[0]}); write an .svg instead`)
  }
}

/**
 * The model's picture as the bytes of a file: SVG (UTF-8), or PNG at twice the SVG's size in
 * the system's sans-serif font.
 * @throws LimitError for a model too large to draw; StudioError when PNG is asked for and resvg cannot be loaded
 */
export async function modelPicture(rows: readonly LayerRow[], format: ModelPictureFormat, title?: string): Promise<Uint8Array> {
  const svg = modelPlotSvg(rows, title === undefined ? {} : { title })
  if (format === 'svg') return new TextEncoder().encode(svg)
  const Resvg = await loadResvg()
  const png = new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true }, background: '#ffffff' }).render().asPng()
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength)
}
