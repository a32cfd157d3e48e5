"""metafor's dat.bcg (Colditz et al. 1994, JAMA 271:698-702), the reference data set the statistics
tests check against: tpos, tneg, cpos, cneg for the 13 BCG vaccine trials, in metafor's order
(Aronson 1948 ... Comstock et al 1976). Checked against a printed copy of dat.bcg."""

BCG_CELLS = [
    (4, 119, 11, 128),
    (6, 300, 29, 274),
    (3, 228, 11, 209),
    (62, 13536, 248, 12619),
    (33, 5036, 47, 5761),
    (180, 1361, 372, 1079),
    (8, 2537, 10, 619),
    (505, 87886, 499, 87892),
    (29, 7470, 45, 7232),
    (17, 1699, 65, 1600),
    (186, 50448, 141, 27197),
    (5, 2493, 3, 2338),
    (27, 16886, 29, 17825),
]
# (events_t, n_t, events_c, n_c) with events_t = tpos, n_t = tpos + tneg, etc.
BCG = [(a, a + b, c, c + d) for a, b, c, d in BCG_CELLS]
