"""What the plots share: the colour of each backend, the size of the
images and logarithmic axes with readable tics."""

import math

BACKEND_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]
REFERENCE_COLOUR = "#808080"
WIDTH = 1000


def colour_of(backend, backends):
    """One colour per backend, the same in every plot; grey for the
    families that have none."""
    if backend is None:
        return REFERENCE_COLOUR
    return BACKEND_COLOURS[backends.index(backend) % len(BACKEND_COLOURS)]


def log_tics(lo, hi, text, steps=None):
    """Gnuplot tics from lo to hi, each labelled text(value): at steps times
    the powers of ten, or, without steps, as many as the range has room for."""
    decades = math.log10(hi / lo)
    if steps is None:
        steps = (1, 1.5, 2, 3, 5, 7) if decades < 1 else (1, 2, 5) if decades <= 2.5 else (1,)
    stride = 2 if decades > 8 else 1
    tics = []
    for power in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1, stride):
        for step in steps:
            value = step * 10 ** power
            if lo <= value <= hi:
                tics.append(f'"{text(value)}" {value:g}')
    return "(" + ", ".join(tics) + ")"


def log_range(values, margin=1.5):
    """A logarithmic axis range around values, with room at either end."""
    return min(values) / margin, max(values) * margin
