"""The camera on the Upload page (the file types the uploaders take are hdr_core.preprocess.UPLOAD_TYPES)."""

CAMERA_WIDTH = 480
"""Width of the camera's picture on the Upload page, in pixels: a 4:3 photo large enough to check, with the
reading still in view below it (on a phone the screen's width)."""
