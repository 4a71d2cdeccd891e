"""Print how the palette (``sim/present.py``) looks to colour-blind eyes: the CIEDE2000
distance of each pair of outcome colours and of the disclosure pictograph's colours, as
seen with normal vision and simulated protanopia, deuteranopia and tritanopia (Machado et
al. 2009, ``sim.colour_vision``), and the WCAG contrast on white of every colour used for
text or marks. The output is the tables of docs/colours.md (``tests/test_colour_vision.py``
checks they agree): ``uv run python scripts/palette.py``.
"""

from __future__ import annotations

import sys

from sim import present
from sim.colour_vision import contrast, distance_table

OUTCOMES = {"loss": present.LOSS, "about even": present.EVEN, "profit": present.PROFIT}
PICTOGRAPH = {k.replace("_", " "): c for k, c in present.PICTOGRAPH_COLOURS.items()}
# the colours shown as text (4.5:1 wanted) and as marks and lines (3:1 wanted, WCAG 1.4.11)
TEXT = {"note": present.NOTE, **{f"level {k}": c for k, c in present.LIGHT_TEXT.items()},
        "blue (tree labels)": present.BLUE}  # fmt: skip
MARKS = {"loss": present.LOSS, "about even / grey": present.EVEN, "profit": present.PROFIT,
         "blue": present.BLUE, "purple": present.PURPLE, "orange": present.ORANGE,
         "light blue": present.LIGHT_BLUE, **{f"light {k}": c for k, c in present.LIGHTS.items()
                                                if k != "n/a"}}  # fmt: skip


def contrast_table(colours: dict[str, str]) -> list[str]:
    """Markdown rows: each colour and its contrast ratio on white."""
    rows = ["| use | colour | contrast on white |", "|---|---|---|"]
    return rows + [f"| {k} | `{c}` | {contrast(c, '#ffffff'):.2f}:1 |" for k, c in colours.items()]


def tables() -> str:
    """The four tables of docs/colours.md, as Markdown."""
    parts = [
        ("Outcomes (CIEDE2000)", distance_table(OUTCOMES)),
        ("The pictograph of 100 (CIEDE2000)", distance_table(PICTOGRAPH)),
        ("Text (WCAG 1.4.3 wants 4.5:1)", contrast_table(TEXT)),
        ("Marks, bars and lines (WCAG 1.4.11 wants 3:1)", contrast_table(MARKS)),
    ]
    return "\n\n".join(f"**{title}**\n\n" + "\n".join(rows) for title, rows in parts) + "\n"


if __name__ == "__main__":
    sys.stdout.write(tables())
