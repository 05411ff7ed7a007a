// Written by tests/media/calibrate_quality.py (do not edit by hand): the limits of
// quality.js, derived from OCR verdicts on the calibration set. Re-derive with
//   .venv/bin/python -m tests.media.calibrate_quality --write
// Measured on 145 photos (61 illegible): 0.902 of the illegible flagged (goal >= 0.95),
// 0.048 of the legible flagged (goal <= 0.05); derived on other pages (leave one page out): 0.852 and 0.071.
export const THRESHOLDS = {
  page: {
    minSharpness: 59.35535,
    minPaper: 59.5,
    maxBurnt: 0.9845,
    maxGlare: 1,
    minFill: 0.21538,
  },
  card: {
    minSharpness: 32.12531,
    minPaper: 63.0,
    maxBurnt: 1,
    maxGlare: 0.10458,
    minFill: 0,
  },
};
