"""What the upload pages accept."""

IMAGE_TYPES = ["png", "jpg", "jpeg", "webp", "bmp", "gif", "tif", "tiff", "heic", "heif"]

CAMERA_WIDTH = 480
"""Width of the camera's picture on the Upload page, in pixels: a 4:3 photo large enough to check, with the
reading still in view below it (on a phone the screen's width)."""
