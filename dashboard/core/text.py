"""Text from the data shown as inert text: school, team, network, student-group and protocol names (and file names,
subjects, questions) are data, and a name such as ``[Click here](https://evil.example)``, ``![t](https://...)``,
``<a href=...>`` or ``javascript:...`` must show as those characters, never become a link, an image or an element.

The one place that owns the escaping, with one function per kind of place a name is shown:

- ``markdown_literal``: every Streamlit element that renders Markdown (``st.write`` of a string, ``st.markdown``,
  ``st.caption``, ``st.subheader``, ``st.info`` and the other alerts, a metric's or a button's label). Streamlit's
  Markdown is GitHub's (links, images, emphasis, code, HTML, autolinked ``https://``, ``www.`` and e-mail addresses)
  with its own ``:color[text]``, ``:emoji:`` and ``:material/icon:`` shortcodes and ``$math$``. The characters that
  open an inline construct (a backslash, `````, ``*``, ``_``, ``~``, ``[``, ``]``, ``<``, ``>``, ``&``, ``$``) and
  ``|`` (which ends a cell of the tables a projector's screens are drawn as) are
  escaped with a backslash, which CommonMark prints as the character itself (an escaped ``&`` starts no character
  reference), and so is a first character that would open a block (``#``, ``-``, ``+``, ``=``, ``1.``); line breaks
  become spaces, so no block opens later. Autolinks and shortcodes are found in the text after its escapes are read,
  so they are broken with an invisible word joiner (U+2060): after a ``:`` that a word or ``/`` follows, after each
  ``@``, and inside ``www.``. Digits, ``.``, ``%``, ``-`` and ``:`` between digits stay as they are, so a figure or a
  clock reads (and is searched for) as it was.
- ``plotly_literal``: every text Plotly draws (titles, axis and tick labels, legend names, hover text, annotations,
  text on bars). Plotly reads a subset of HTML there (``<a href>``, ``<b>``, ``<br>``, ``<span style>`` ...) and
  character references (``&lt;``, ``&#60;``): ``&``, ``<`` and ``>`` are written as references, so it draws them.

Text for a PPTX, a PDF or a CSV needs neither: python-pptx and fpdf2 (without ``markdown=True``) write text as text,
and CSV cells pass through ``dashboard.core.safe_csv``. Each function takes the text itself, not a template: escape a
name (or a sentence holding names) where it enters Markdown or a figure, and add the intended markup around it.
"""

from __future__ import annotations

import re

WORD_JOINER = "\u2060"  # zero width, no break: invisible, and no autolink or shortcode matches across it
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")  # line breaks (each may open a block), tabs, other controls
_INLINE = re.compile(r"([\\`*_~\[\]<>&$|])")  # the characters that open an inline construct, and a table's cell end
_LIST_NUMBER = re.compile(r"^(\d+)([.)])")  # "1. " opens a numbered list
_BLOCK_MARK = re.compile(r"^([#+=-])")  # "# " a heading, "- " and "+ " a list
_COLON = re.compile(r"(?<!\d):(?=\S)|:(?=[^\s\d])")  # a colon a word, a / or a shortcode follows (not 10:12)
_WWW = re.compile(r"(www)(?=\.)", re.IGNORECASE)


def markdown_literal(value: object) -> str:
    """``value`` as text that Streamlit's Markdown prints as it is: no link, image, emphasis, heading, list, code,
    HTML, shortcode or formula can come of it. ``None`` is the empty string."""
    if value is None:
        return ""
    text = _INLINE.sub(r"\\\1", _CONTROL.sub(" ", str(value)).strip())
    text = _BLOCK_MARK.sub(r"\\\1", _LIST_NUMBER.sub(r"\1\\\2", text, count=1), count=1)
    text = _COLON.sub(":" + WORD_JOINER, text).replace("@", "@" + WORD_JOINER)
    return _WWW.sub(r"\1" + WORD_JOINER, text)


def plotly_literal(value: object) -> str:
    """``value`` as text that Plotly draws as it is: its HTML subset and character references written out. ``None``
    is the empty string."""
    if value is None:
        return ""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
