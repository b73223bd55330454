"""Why a row of the EELS temperature estimator has no temperature: the codes of its ``reason`` arrays and their short
words (:func:`.core.reason_text` says each in words with the row's numbers)."""

from __future__ import annotations

# reasons a row has no temperature (codes of the ``reason`` arrays); the words are in :func:`.core.reason_text`
OK, NO_PEAK, NO_WIDTH, BEYOND, CORE, FEW, NO_LOSS, GAIN_GE_LOSS, FAILED, NO_GAIN, ONE_SIDED, RATIO = range(12)
#: Short words for each reason (summaries of maps and profiles).
REASON_LABELS = {
    NO_PEAK: "no zero-loss peak (dark or empty spectrum)",
    NO_WIDTH: "zero-loss peak cut by the axis end (no FWHM)",
    BEYOND: "window or region beyond the spectrum's axis",
    CORE: "region inside the zero-loss peak's core",
    FEW: "fewer than 8 channel pairs in the region",
    NO_LOSS: "no loss signal above noise",
    GAIN_GE_LOSS: "gain >= loss (no positive temperature)",
    FAILED: "the fit failed for every tail family",
    NO_GAIN: "no gain signal above noise",
    ONE_SIDED: "no gain signal: only an upper bound on T",
    RATIO: "fitted ratio >= 1 (no positive temperature)",
}
