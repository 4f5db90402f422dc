"""Chart images: a Plotly figure as a 1920x1080 PNG, through kaleido and Debian's chromium.

One kaleido server is started per process and kept alive; exports are serialised behind one lock, because two
sessions exporting at once were seen to receive each other's images (kaleido #444, and on this machine)."""

from __future__ import annotations

import threading
import warnings

import plotly.graph_objects as go

WIDTH, HEIGHT = 1920, 1080
_lock = threading.Lock()
_started = False


class ImagesUnavailable(RuntimeError):
    """No browser for kaleido to draw with (kaleido would otherwise wait for one for ever)."""


def _find_browser() -> str | None:
    from choreographer.browsers.chromium import Chromium  # kaleido's own browser finder

    return Chromium.find_browser(skip_local=False)


def figure_png(fig: go.Figure, width: int = WIDTH, height: int = HEIGHT, scale: float = 1.0) -> bytes:
    """The figure as PNG bytes at ``width`` x ``height`` pixels (16:9 by default, for a projector)."""
    import kaleido  # imported here: only image exports pay for it

    global _started
    with _lock, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*kopts.*")
        if not _started:
            if _find_browser() is None:
                raise ImagesUnavailable(
                    "chart images need Chromium on the server, and none was found: install "
                    "it (Debian: apt-get install chromium) or set BROWSER_PATH to a Chrome "
                    "or Chromium executable"
                )
            kaleido.start_sync_server(silence_warnings=True)
            _started = True
        return fig.to_image(format="png", width=width, height=height, scale=scale)
