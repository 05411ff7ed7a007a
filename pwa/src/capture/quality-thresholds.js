// Written by tests/media/calibrate_quality.py (do not edit by hand): the limits of
// quality.js, derived from OCR verdicts on the calibration set. Re-derive with
//   .venv/bin/python -m tests.media.calibrate_quality --write
// Measured on 87 photos (46 illegible): 0.978 of the illegible flagged (goal >= 0.95),
// 0.049 of the legible flagged (goal <= 0.05); derived on other pages (leave one page out): 0.913 and 0.098.
export const THRESHOLDS = {
  minSharpness: 20.16426,
  minPaper: 59.5,
  maxMedian: 255,
  maxGlare: 0.9845,
  minFill: 0.49001,
};
