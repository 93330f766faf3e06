/** 나비야 in the seed's note codes: the song the studio opens with. */
export const NABIYA_CODES = `g8 e8 e4 | f8 d8 d4 | c8 d8 e8 f8 | g8 g8 g4 |
g8 e8 e8 e8 | f8 d8 d4 | c8 e8 g8 g8 | e8 e8 e4 |
d8 d8 d8 d8 | d8 e8 f4 | e8 e8 e8 e8 | e8 f8 g4 |
g8 e8 e4 | f8 d8 d4 | c8 e8 g8 g8 | e8 e8 e4 |
`
