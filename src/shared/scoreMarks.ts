// How a score marks a prediction's wrong notes, the same on screen and in exported files: a wrong
// pitch as a red note head; a right pitch of the wrong length as an amber head with an "L" written
// above it (a letter as well as a colour: it survives colour blindness and a black-and-white print).

/** The red of a wrong pitch's note head. */
export const WRONG_PITCH_COLOUR = '#d0021b'
/** The amber of a wrong length's note head (a lighter grey than the red when printed in black and white). */
export const WRONG_LENGTH_COLOUR = '#d97706'
/** Written above a note whose length only is wrong (ASCII: a PDF's standard font has it). */
export const WRONG_LENGTH_MARK = 'L'

/** The annotation for each wrong-length head, as the ABC writer takes them. */
export function wrongLengthAnnotations(heads: readonly number[]): Map<number, string> {
  return new Map(heads.map((head) => [head, WRONG_LENGTH_MARK]))
}
