"""The CJK font every layout draws with, embedded in the PDF.

reportlab's built-in CID font STSong-Light is never used: it is not embedded,
so a printer or viewer without a Chinese font shows empty boxes.
"""
import os
import threading

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

FONT_NAME = 'WenQuanYi'
FONT_PATH_VARIABLE = 'QUARANTINE_CJK_FONT'
DEFAULT_FONT_PATHS = (
    '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc',
    '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
    )
FONT_PACKAGE = 'fonts-wqy-zenhei'

_register_lock = threading.Lock()


class CJKFontError(RuntimeError):
    pass


def font_paths(environ=None):
    """Return the font files to try, in order.

    A path set in QUARANTINE_CJK_FONT is the only candidate: an administrator
    who names a font wants to hear that it is missing, not to get another.
    """
    if environ is None:
        environ = os.environ
    configured = environ.get(FONT_PATH_VARIABLE, '').strip()
    if configured:
        return [configured]
    return list(DEFAULT_FONT_PATHS)


def find_cjk_font(paths):
    "Return the first of paths that is a file"
    for path in paths:
        if os.path.isfile(path):
            return path
    raise CJKFontError(
        "No CJK font file found for the PDF reports; tried: %s. "
        "Install the Debian package %s (apt-get install %s) "
        "or set %s to a TrueType .ttf/.ttc file."
        % (', '.join(paths) or '(none)', FONT_PACKAGE, FONT_PACKAGE,
            FONT_PATH_VARIABLE))


def register_cjk_font(paths=None):
    """Register the CJK font with reportlab once per process.

    Return the font name to pass to setFont.
    """
    with _register_lock:
        if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            path = find_cjk_font(font_paths() if paths is None else paths)
            pdfmetrics.registerFont(_load_font(path))
    return FONT_NAME


def _load_font(path):
    try:
        # subfontIndex picks the first face of a .ttc and is ignored for .ttf
        return TTFont(FONT_NAME, path, subfontIndex=0)
    except TTFError as exception:
        # Noto Sans CJK (OpenType/CFF outlines) ends here
        raise CJKFontError(
            "%s cannot be embedded by reportlab (%s); use a TrueType font "
            "such as the one of the Debian package %s."
            % (path, exception, FONT_PACKAGE)) from exception
