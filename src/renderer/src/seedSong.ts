/** 나비야 in ABC (the seed tutorial's song): what the studio opens with. */
export const NABIYA_ABC = `X:1
T:Nabiya (Butterfly)
M:2/4
L:1/8
Q:1/4=100
K:C
G E E2 | F D D2 | C D E F | G G G2 |
G E E E | F D D2 | C E G G | E E E2 |
D D D D | D E F2 | E E E E | E F G2 |
G E E2 | F D D2 | C E G G | E E E2 |]
`
