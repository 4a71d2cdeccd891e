"""How the palette looks to other eyes: colour vision deficiency simulated, the distance
between two colours as seen, and the contrast of text against its background.

- **Simulation**: Machado, Oliveira & Fernandes (2009), "A Physiologically-based Model for
  Simulation of Color Vision Deficiency", IEEE TVCG 15(6): 1291-1298, the matrices of its
  table for severity 1.0 (protanopia, deuteranopia, tritanopia), applied to linear sRGB as
  the paper does (and as colorspacious and DaltonLens do).
- **Distance**: CIEDE2000 (CIE 142-2001; the formulas as in Sharma, Wu & Dalal 2005,
  "The CIEDE2000 color-difference formula: implementation notes"), in CIELAB under D65.
  About 1 is the smallest difference one notices side by side; a chart's categories want
  tens.
- **Contrast**: WCAG 2.2's contrast ratio, (L1 + 0.05) / (L2 + 0.05) of the relative
  luminances (success criteria 1.4.3: 4.5:1 for text, 1.4.11: 3:1 for graphics).
"""

from __future__ import annotations

import numpy as np

# Machado et al. 2009, table 1, severity 1.0: linear RGB -> linear RGB as seen
DEFICIENCIES = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}  # fmt: skip

# linear sRGB -> CIE XYZ (IEC 61966-2-1), and the D65 white
_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                 [0.2126729, 0.7151522, 0.0721750],
                 [0.0193339, 0.1191920, 0.9503041]])  # fmt: skip
_WHITE = _XYZ.sum(axis=1)


def rgb(colour: str) -> np.ndarray:
    """A colour "#rrggbb" as sRGB from 0 to 1."""
    h = colour.lstrip("#")
    if len(h) != 6:
        raise ValueError(f"not a colour #rrggbb: {colour!r}")
    return np.array([int(h[i : i + 2], 16) for i in (0, 2, 4)]) / 255.0


def linear(srgb: np.ndarray) -> np.ndarray:
    """sRGB (0 to 1) to linear light (IEC 61966-2-1)."""
    srgb = np.asarray(srgb, dtype=float)
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def simulate(colour: str, deficiency: str | None) -> np.ndarray:
    """The linear RGB of ``colour`` as seen with ``deficiency`` (None: as it is), clipped
    to what a screen shows."""
    lin = linear(rgb(colour))
    if deficiency is None:
        return lin
    return np.clip(DEFICIENCIES[deficiency] @ lin, 0.0, 1.0)


def lab(lin: np.ndarray) -> np.ndarray:
    """Linear RGB to CIELAB (D65)."""
    xyz = (_XYZ @ lin) / _WHITE
    eps, kappa = 216 / 24389, 24389 / 27
    f = np.where(xyz > eps, np.cbrt(xyz), (kappa * xyz + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> float:
    """The CIEDE2000 difference of two CIELAB colours (k_L = k_C = k_H = 1)."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean**7 / (c_mean**7 + 25.0**7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    h1 = np.degrees(np.arctan2(b1, a1)) % 360 if c1 else 0.0
    h2 = np.degrees(np.arctan2(b2, a2)) % 360 if c2 else 0.0
    dl, dc = l2 - l1, c2 - c1
    dh = 0.0
    if c1 * c2:
        dh = h2 - h1
        dh = dh - 360 if dh > 180 else dh + 360 if dh < -180 else dh
    dhh = 2 * np.sqrt(c1 * c2) * np.sin(np.radians(dh / 2))
    l_mean, c_mean = (l1 + l2) / 2, (c1 + c2) / 2
    h_mean = h1 + h2
    if c1 * c2:
        h_mean = (
            (h1 + h2) / 2
            if abs(h1 - h2) <= 180
            else (h1 + h2 + 360 * (1 if h1 + h2 < 360 else -1)) / 2
        )
    cos = [np.cos(np.radians(k * h_mean - d)) for k, d in ((1, 30), (2, 0), (3, -6), (4, 63))]
    tt = 1 - 0.17 * cos[0] + 0.24 * cos[1] + 0.32 * cos[2] - 0.20 * cos[3]
    sl = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    sc, sh = 1 + 0.045 * c_mean, 1 + 0.015 * c_mean * tt
    rt = (-2 * np.sqrt(c_mean**7 / (c_mean**7 + 25.0**7))
          * np.sin(np.radians(60 * np.exp(-(((h_mean - 275) / 25) ** 2)))))  # fmt: skip
    return float(np.sqrt((dl / sl) ** 2 + (dc / sc) ** 2 + (dhh / sh) ** 2
                         + rt * (dc / sc) * (dhh / sh)))  # fmt: skip


def distance(colour1: str, colour2: str, deficiency: str | None = None) -> float:
    """CIEDE2000 between two colours as seen with ``deficiency`` (None: normal vision)."""
    return ciede2000(lab(simulate(colour1, deficiency)), lab(simulate(colour2, deficiency)))


def luminance(colour: str) -> float:
    """WCAG's relative luminance of a colour (0 black, 1 white)."""
    return float(np.array([0.2126, 0.7152, 0.0722]) @ linear(rgb(colour)))


def contrast(colour1: str, colour2: str) -> float:
    """WCAG's contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    hi, lo = sorted((luminance(colour1), luminance(colour2)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def distance_table(colours: dict[str, str]) -> list[str]:
    """Markdown rows: each pair of ``colours`` (name -> "#rrggbb") and its CIEDE2000 as
    seen with normal vision and with each deficiency, the smallest of each column last."""
    names = list(colours)
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]
    seen = [None, *DEFICIENCIES]
    cells = {(a, b): [distance(colours[a], colours[b], d) for d in seen] for a, b in pairs}
    rows = ["| pair | normal | " + " | ".join(DEFICIENCIES) + " |", "|---" * (len(seen) + 1) + "|"]
    rows += [f"| {a} / {b} | " + " | ".join(f"{x:.1f}" for x in cells[(a, b)]) + " |"
             for a, b in pairs]  # fmt: skip
    smallest = [min(c[i] for c in cells.values()) for i in range(len(seen))]
    rows.append("| **smallest** | " + " | ".join(f"**{x:.1f}**" for x in smallest) + " |")
    return rows
