// Written by tests/media/calibrate_quality.py (do not edit by hand): the limits of
// quality.js, derived from OCR verdicts on the calibration set. Re-derive with
//   .venv/bin/python -m tests.media.calibrate_quality --write
// Measured on 145 photos (62 illegible): 0.984 of the illegible flagged (goal >= 0.95),
// 0.012 of the legible flagged (goal <= 0.05); derived on other pages (leave one page out): 0.919 and 0.072.
export const THRESHOLDS = {
  page: {
    minSharpness: 52.27119,
    minBalance: 0.44635,
    minPaper: 59.5,
    maxBurnt: 0.98086,
    maxGlare: 1,
    minFill: 0.38247,
    minPitch: 0,
  },
  card: {
    minSharpness: 22.96296,
    minBalance: 0.55007,
    minPaper: 63.5,
    maxBurnt: 1,
    maxGlare: 0.10458,
    minFill: 0,
    minPitch: 10.85,
  },
};
