"""Reading images and making their renditions with Pillow (the decoding half of media).

Every decode goes through ``_decoded``: only the formats newscms takes are tried (fewer
parsers see untrusted bytes), the size is checked against ``MAX_PIXELS`` before a pixel
is decoded, the whole image is then decoded so a truncated file is caught, and whatever
Pillow raises on malformed input becomes ``ValidationError(field="data")``.

Renditions are written in the source's format (a GIF's in PNG: see ``FORMATS``) with
fixed encoder settings and no metadata but the colour profile, so the same bytes in
give the same bytes out, and a rendition carries no GPS position from the camera.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import pydantic
from PIL import Image, ImageOps, features

from newscms.domain.media import DIMENSION_MAX, RENDITIONS_MAX, FocalPoint, RenditionName
from newscms.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

__all__ = [
    "DEFAULT_WIDTHS",
    "FORMATS",
    "MAX_PIXELS",
    "ImageFormat",
    "ImageInfo",
    "RenderedImage",
    "analyse",
    "as_focal_point",
    "make_renditions",
    "probe_image",
]

MAX_PIXELS = 80_000_000
"""The largest image read, in pixels (about 240 MB decoded as RGB).

Above every current full-frame camera (61 MP) and below Pillow's own
``Image.MAX_IMAGE_PIXELS`` (89.5 MP by default), so the two limits never disagree.
"""

DEFAULT_WIDTHS = (320, 640, 1280)
"""Rendition widths: a phone's column, a tablet's or a 2x phone's, a desktop's or 2x tablet's."""

_EXIF_ORIENTATION = 0x0112
_SWAPS_SIDES = frozenset({5, 6, 7, 8})  # the orientations that turn the picture a quarter


@dataclass(frozen=True, slots=True)
class ImageFormat:
    """A format newscms reads, and how its renditions are written."""

    mime_type: str
    extension: str
    rendition_format: str
    rendition_mime_type: str
    rendition_extension: str
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def rendition_type(self) -> tuple[str, str]:
        """The MIME type and file extension of this format's renditions."""
        return self.rendition_mime_type, self.rendition_extension


_JPEG_OPTIONS = {"quality": 85, "progressive": True, "optimize": True}
_JPEG = ImageFormat("image/jpeg", ".jpg", "JPEG", "image/jpeg", ".jpg", _JPEG_OPTIONS)
_PNG = ImageFormat("image/png", ".png", "PNG", "image/png", ".png", {"optimize": True})

FORMATS: Mapping[str, ImageFormat] = {
    "JPEG": _JPEG,
    # A camera's multi-picture JPEG: browsers show its first picture, a JPEG.
    "MPO": _JPEG,
    "PNG": _PNG,
    # Renditions of a GIF are its first frame, lossless, in PNG: resizing every frame and
    # requantizing to 256 colours costs much and looks worse. Pages wanting the
    # animation show the original.
    "GIF": ImageFormat("image/gif", ".gif", "PNG", "image/png", ".png", {"optimize": True}),
    "WEBP": ImageFormat("image/webp", ".webp", "WEBP", "image/webp", ".webp", {"quality": 80}),
    **(
        {"AVIF": ImageFormat("image/avif", ".avif", "AVIF", "image/avif", ".avif", {"quality": 70})}
        if features.check("avif")
        else {}
    ),
}
"""Pillow's format name -> what newscms does with it. Anything else is refused."""

_OPENERS = sorted({name for name in FORMATS if name != "MPO"})  # MPO opens as JPEG
_NAMES = "JPEG, PNG, GIF, WebP or AVIF" if "AVIF" in FORMATS else "JPEG, PNG, GIF or WebP"


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """What ``probe_image`` learnt: the type, and the size as the picture is shown.

    ``width`` and ``height`` are after the EXIF orientation, so a portrait photo from a
    camera held upright is taller than wide, as browsers show it.
    """

    mime_type: str
    width: int
    height: int
    extension: str


class RenderedImage(NamedTuple):
    """One rendition ``make_renditions`` made: its name (``w640``, ``16x9``), bytes and size."""

    name: str
    data: bytes
    width: int
    height: int
    mime_type: str
    extension: str


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, field="data")


@contextmanager
def _decoded(data: bytes) -> Iterator[tuple[Image.Image, ImageFormat]]:
    """``data`` opened, size-checked and fully decoded (the first frame), with its format."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ValidationError(f"expected bytes, got {type(data).__name__}", field="data")
    if not data:
        raise _refuse(f"is empty: give the bytes of a {_NAMES} image")
    try:
        image = Image.open(io.BytesIO(data), formats=_OPENERS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _bomb() from error
    except MemoryError:
        raise
    except Exception as error:
        # Pillow's parsers answer malformed input with many kinds of exception
        # (OSError, SyntaxError, struct.error, ValueError, ...): all mean the same here.
        raise _refuse(f"is not a {_NAMES} image, or is damaged") from error
    with image:
        if image.width * image.height > MAX_PIXELS:
            raise _bomb(image.width, image.height)
        try:
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise _bomb() from error
        except MemoryError:
            raise
        except Exception as error:
            raise _refuse(f"is a damaged or truncated {image.format} image ({error})") from error
        yield image, FORMATS[image.format or ""]


def _bomb(width: int | None = None, height: int | None = None) -> ValidationError:
    size = f" ({width}x{height})" if width and height else ""
    return _refuse(
        f"claims more pixels{size} than the {MAX_PIXELS // 1_000_000} megapixels newscms "
        "reads (a decompression bomb, or a picture to scale down before storing)"
    )


def _shown_size(image: Image.Image) -> tuple[int, int]:
    orientation = image.getexif().get(_EXIF_ORIENTATION)
    if orientation in _SWAPS_SIDES:
        return image.height, image.width
    return image.width, image.height


def _info(image: Image.Image, fmt: ImageFormat) -> ImageInfo:
    try:
        width, height = _shown_size(image)
    except Exception as error:  # unreadable EXIF
        raise _refuse(f"has EXIF data Pillow cannot read ({error})") from error
    return ImageInfo(mime_type=fmt.mime_type, width=width, height=height, extension=fmt.extension)


def probe_image(data: bytes) -> ImageInfo:
    """The MIME type and displayed size of an image, after checking it decodes whole.

    Args:
        data: the file's bytes.

    Returns:
        The type and the size after EXIF orientation.

    Raises:
        ValidationError: ``field="data"``: not a JPEG, PNG, GIF, WebP (or AVIF) image,
            truncated or damaged, or larger than ``MAX_PIXELS``.
    """
    with _decoded(data) as (image, fmt):
        return _info(image, fmt)


@dataclass(frozen=True, slots=True)
class _Plan:
    widths: tuple[int, ...]
    crops: tuple[tuple[str, int, int], ...]
    focal_point: FocalPoint | None


_NAME = pydantic.TypeAdapter(RenditionName)


def _plan(
    widths: Sequence[int],
    crops: Mapping[str, tuple[int, int]] | None,
    focal_point: FocalPoint | tuple[float, float] | None,
) -> _Plan:
    """The renditions asked for, checked before any pixel is touched."""
    if isinstance(widths, str | bytes) or not all(
        isinstance(w, int) and not isinstance(w, bool) and 1 <= w <= DIMENSION_MAX for w in widths
    ):
        raise ValidationError(
            f"widths must be whole numbers of pixels from 1 to {DIMENSION_MAX}", field="widths"
        )
    unique = tuple(sorted(set(widths)))
    checked: list[tuple[str, int, int]] = []
    for raw, ratio in (crops or {}).items():
        try:
            name = _NAME.validate_python(raw)
        except pydantic.ValidationError as exc:
            raise ValidationError.from_pydantic(exc, prefix=f"crops.{raw}") from None
        if (
            not isinstance(ratio, tuple | list)
            or len(ratio) != 2
            or not all(isinstance(r, int) and not isinstance(r, bool) and r >= 1 for r in ratio)
        ):
            raise ValidationError(
                f"{ratio!r} is not an aspect ratio; give two whole numbers like (16, 9)",
                field=f"crops.{raw}",
            )
        if name in {f"w{w}" for w in unique} or name in {c[0] for c in checked}:
            raise ValidationError(f"two renditions would be named {name!r}", field="crops")
        checked.append((name, ratio[0], ratio[1]))
    if len(unique) + len(checked) > RENDITIONS_MAX:
        raise ValidationError(
            f"at most {RENDITIONS_MAX} renditions per media item", field="renditions"
        )
    return _Plan(unique, tuple(checked), as_focal_point(focal_point))


def as_focal_point(value: FocalPoint | tuple[float, float] | None) -> FocalPoint | None:
    """``value`` as a ``FocalPoint``: an ``(x, y)`` pair is checked like one."""
    if value is None or isinstance(value, FocalPoint):
        return value
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise ValidationError(
            f"{value!r} is not a focal point; give (x, y) as fractions from the top left",
            field="focal_point",
        )
    try:
        return FocalPoint(x=value[0], y=value[1])
    except ValidationError as error:
        raise ValidationError(
            f"{value!r} is not a focal point: {error}", field="focal_point"
        ) from None


def _web_mode(image: Image.Image) -> Image.Image:
    """``image`` in a mode that resizes smoothly and saves in every rendition format."""
    if image.mode in ("P", "PA"):
        return image.convert("RGBA" if image.has_transparency_data else "RGB")
    if image.mode == "1":
        return image.convert("L")
    if image.mode.startswith("I;16") or image.mode == "I":
        # 16-bit grey (scans, medical pictures): scale to 8 bits; convert("L") would clip.
        return image.convert("I").point(lambda value: value / 256).convert("L")
    if image.mode == "F":
        return image.convert("L")
    return image


def _encode(image: Image.Image, fmt: ImageFormat, icc: bytes | None) -> bytes:
    image.info.clear()  # only what is passed below is written: no EXIF, GPS or comment
    options = dict(fmt.options)
    if icc:
        options["icc_profile"] = icc
    out = io.BytesIO()
    image.save(out, fmt.rendition_format, **options)
    return out.getvalue()


def _crop_box(
    width: int, height: int, ratio_w: int, ratio_h: int, focal: FocalPoint | None
) -> tuple[int, int, int, int]:
    """The largest ``ratio_w:ratio_h`` box in the picture, centred on ``focal`` where it fits."""
    if width * ratio_h >= height * ratio_w:
        box_w, box_h = max(1, round(height * ratio_w / ratio_h)), height
    else:
        box_w, box_h = width, max(1, round(width * ratio_h / ratio_w))
    fx, fy = (focal.x, focal.y) if focal is not None else (0.5, 0.5)
    left = min(max(round(fx * width - box_w / 2), 0), width - box_w)
    top = min(max(round(fy * height - box_h / 2), 0), height - box_h)
    return left, top, left + box_w, top + box_h


def _render(image: Image.Image, fmt: ImageFormat, plan: _Plan) -> list[RenderedImage]:
    icc = image.info.get("icc_profile")
    upright = _web_mode(ImageOps.exif_transpose(image))
    width, height = upright.size
    made: list[RenderedImage] = []

    def add(name: str, size: tuple[int, int], box: tuple[int, int, int, int] | None) -> None:
        resized = upright.resize(size, Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)
        encoded = _encode(resized, fmt, icc)
        made.append(RenderedImage(name, encoded, *size, *fmt.rendition_type))

    for target in plan.widths:
        if target >= width:
            continue  # never upscaled: the original serves that width
        add(f"w{target}", (target, max(1, round(height * target / width))), None)
    largest = max(plan.widths, default=None)
    for name, ratio_w, ratio_h in plan.crops:
        box = _crop_box(width, height, ratio_w, ratio_h, plan.focal_point)
        box_w, box_h = box[2] - box[0], box[3] - box[1]
        if largest is None or largest >= box_w:
            add(name, (box_w, box_h), box)
        else:  # scaled down: the height from the ratio, not from the rounded box
            add(name, (largest, min(box_h, max(1, round(largest * ratio_h / ratio_w)))), box)
    return made


def make_renditions(
    data: bytes,
    *,
    widths: Sequence[int] = DEFAULT_WIDTHS,
    crops: Mapping[str, tuple[int, int]] | None = None,
    focal_point: FocalPoint | tuple[float, float] | None = None,
) -> list[RenderedImage]:
    """Smaller copies and aspect crops of an image, upright, in the source's format.

    Each width below the picture's (after EXIF orientation) gives a rendition ``w<width>``
    with the picture's aspect ratio; widths at or above it are skipped, since the
    original serves them. Each crop ``{"16x9": (16, 9)}`` gives the largest box of that
    ratio, centred on ``focal_point`` (fractions from the top left; default the centre)
    as far as the picture allows, scaled down to the largest of ``widths``.

    JPEG renditions are progressive at quality 85, PNG ones optimized, WebP at quality
    80, AVIF at 70; a GIF's (its first frame) are PNG. They keep the colour profile and
    nothing else of the metadata. The same input gives the same bytes.

    Args:
        data: the image's bytes.
        widths: the widths to make, in pixels.
        crops: rendition name -> aspect ratio.
        focal_point: the point crops keep.

    Returns:
        The renditions, widths in ascending order, then the crops in the order given.

    Raises:
        ValidationError: the bytes are not an image ``probe_image`` accepts (``field="data"``),
            or a width, crop name or ratio is not valid.
    """
    return analyse(data, widths=widths, crops=crops, focal_point=focal_point)[1]


def analyse(
    data: bytes,
    *,
    widths: Sequence[int],
    crops: Mapping[str, tuple[int, int]] | None,
    focal_point: FocalPoint | tuple[float, float] | None,
) -> tuple[ImageInfo, list[RenderedImage]]:
    """``probe_image`` and ``make_renditions`` from one decode."""
    plan = _plan(widths, crops, focal_point)
    with _decoded(data) as (image, fmt):
        info = _info(image, fmt)
        try:
            return info, _render(image, fmt, plan)
        except ValidationError:
            raise
        except MemoryError:
            raise
        except Exception as error:  # a decoder error surfacing late (EXIF transpose)
            raise _refuse(f"cannot be processed by Pillow ({error})") from error
