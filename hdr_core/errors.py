"""Named errors raised by hdr_core. Pages turn them into messages; none is a crash."""


class HdrError(Exception):
    """Base class of every error hdr_core raises on purpose."""


class InputError(HdrError, ValueError):
    """The user's input cannot be read as a digit; ``str(err)`` is a message fit for the user."""


class InvalidImageError(InputError):
    """The bytes are not an image this app can decode (empty, truncated, or another format)."""


class InvalidArchiveError(InputError):
    """A ZIP archive, or an image inside one, cannot be unpacked (damaged, password-protected, an unknown method)."""


class InvalidPdfError(InputError):
    """A PDF, or a page of one, cannot be opened or rendered (damaged, password-protected, no pages)."""


class InvalidDrawingError(InputError):
    """A canvas drawing's stroke data is not what the canvas sends (malformed, or too many points)."""


class ImageTooLargeError(InputError):
    """The image declares more pixels than the app will decode (protects against decompression bombs)."""


class ImageTooSmallError(InputError):
    """The image is too small to hold a legible digit."""


class EmptyImageError(InputError):
    """The image holds no ink: blank, a single colour, or nothing that stands out from the background."""


class NotADigitError(InputError):
    """The image has ink everywhere (noise, texture, a photo of a scene): no digit stands out."""


class ModelNotFoundError(HdrError, FileNotFoundError):
    """No trained model file where one was expected."""
