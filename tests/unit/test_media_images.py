"""Reading images and making renditions: real Pillow images made here, no database."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageCms, features

from newscms.domain import FocalPoint
from newscms.errors import ValidationError
from newscms.services import _images
from newscms.services.media import MAX_PIXELS, ImageInfo, make_renditions, probe_image

RED, BLUE = (255, 0, 0), (0, 0, 255)


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def halves(size: tuple[int, int], left=RED, right=BLUE, mode: str = "RGB") -> Image.Image:
    """A picture whose left half is ``left`` and right half ``right``: shows turns and crops."""
    image = Image.new(mode, size, left)
    image.paste(right, (size[0] // 2, 0, size[0], size[1]))
    return image


def rotated_jpeg(size: tuple[int, int] = (400, 300), orientation: int = 6) -> bytes:
    """A JPEG stored sideways, as a camera held upright writes it, with EXIF to say so."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Camera maker"
    return encode(halves(size), "JPEG", exif=exif, quality=95, comment=b"camera comment")


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def close(pixel: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=False))


def claiming_png(width: int, height: int) -> bytes:
    """A 1x1 PNG whose header claims ``width`` x ``height`` (the CRC fixed to match)."""
    data = bytearray(encode(Image.new("L", (1, 1)), "PNG"))
    start = 8 + 8  # signature, then the IHDR chunk's length and type
    data[start : start + 8] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[12 : start + 13]))
    data[start + 13 : start + 17] = struct.pack(">I", crc)
    return bytes(data)


# -- probe_image --------------------------------------------------------------------------


def test_a_jpeg_turned_by_exif_reports_the_size_it_is_shown_at():
    assert probe_image(rotated_jpeg((400, 300), 6)) == ImageInfo("image/jpeg", 300, 400, ".jpg")
    assert probe_image(rotated_jpeg((400, 300), 3)).width == 400  # upside down: same sides
    assert probe_image(rotated_jpeg((400, 300), 8)).height == 400


@pytest.mark.parametrize(
    ("fmt", "mode", "mime"),
    [
        ("JPEG", "RGB", "image/jpeg"),
        ("JPEG", "L", "image/jpeg"),
        ("JPEG", "CMYK", "image/jpeg"),
        ("PNG", "RGBA", "image/png"),
        ("PNG", "P", "image/png"),
        ("PNG", "I;16", "image/png"),
        ("GIF", "P", "image/gif"),
        ("WEBP", "RGBA", "image/webp"),
        pytest.param(
            "AVIF",
            "RGB",
            "image/avif",
            marks=pytest.mark.skipif(not features.check("avif"), reason="no AVIF in Pillow"),
        ),
    ],
)
def test_every_supported_format_is_probed(fmt, mode, mime):
    info = probe_image(encode(Image.new(mode, (33, 21)), fmt))
    assert (info.mime_type, info.width, info.height) == (mime, 33, 21)


def test_a_multi_picture_jpeg_is_a_jpeg():
    data = encode(
        Image.new("RGB", (50, 40)), "MPO", save_all=True, append_images=[halves((50, 40))]
    )
    assert probe_image(data).mime_type == "image/jpeg"
    assert [r.mime_type for r in make_renditions(data, widths=(20,))] == ["image/jpeg"]


def truncated_jpeg() -> bytes:
    whole = encode(Image.effect_noise((300, 300), 60).convert("RGB"), "JPEG")
    return whole[: len(whole) // 2]


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "is empty"),
        (b"Seoul (AsiaNews) - North Korea test-fired missiles\n", "is not a JPEG, PNG, GIF, WebP"),
        (b"\x89PNG\r\n\x1a\n", "is not a JPEG"),
        (encode(Image.new("RGB", (20, 20)), "BMP"), "is not a JPEG"),
        (encode(Image.new("RGB", (20, 20)), "TIFF"), "is not a JPEG"),
        (truncated_jpeg(), "damaged or truncated JPEG"),
        (encode(Image.effect_noise((200, 200), 60), "PNG")[:3000], "damaged or truncated PNG"),
    ],
    ids=["empty", "text", "png-signature-only", "bmp", "tiff", "truncated-jpeg", "truncated-png"],
)
def test_what_is_not_a_whole_image_is_refused(data, says):
    with pytest.raises(ValidationError, match=says) as caught:
        probe_image(data)
    assert caught.value.field == "data"
    with pytest.raises(ValidationError):
        make_renditions(data)


def test_text_instead_of_bytes_is_refused():
    with pytest.raises(ValidationError, match="expected bytes") as caught:
        probe_image("not bytes")  # type: ignore[arg-type]
    assert caught.value.field == "data"


@pytest.mark.parametrize(
    ("width", "height"),
    [(20_000, 20_000), (9_000, 9_000), (100_000, 1_000)],
    ids=["beyond-pillow's-error", "beyond-newscms's-limit", "a-long-strip"],
)
def test_a_decompression_bomb_is_refused_before_it_is_decoded(width, height):
    assert width * height > MAX_PIXELS
    with pytest.raises(ValidationError, match="decompression bomb") as caught:
        probe_image(claiming_png(width, height))
    assert caught.value.field == "data"


def test_pillows_own_bomb_warning_is_a_refusal(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # warns above 1000, fails above 2000
    with pytest.raises(ValidationError, match="decompression bomb"):
        probe_image(encode(Image.new("RGB", (40, 40)), "PNG"))  # 1600 pixels
    with pytest.raises(ValidationError, match="decompression bomb"):
        probe_image(encode(Image.new("RGB", (50, 50)), "PNG"))  # 2500
    assert probe_image(encode(Image.new("RGB", (30, 30)), "PNG")).width == 30


def test_an_image_just_under_the_limit_is_not_a_bomb(monkeypatch):
    monkeypatch.setattr(_images, "MAX_PIXELS", 40 * 40)
    assert probe_image(encode(Image.new("RGB", (40, 40)), "PNG")).height == 40
    with pytest.raises(ValidationError, match="41x40"):
        probe_image(encode(Image.new("RGB", (41, 40)), "PNG"))


# -- make_renditions ----------------------------------------------------------------------


def test_renditions_are_smaller_widths_in_order_never_upscaled():
    data = encode(halves((1000, 500)), "PNG")
    made = make_renditions(data, widths=(1280, 640, 320, 640, 1000))
    assert [(r.name, r.width, r.height) for r in made] == [("w320", 320, 160), ("w640", 640, 320)]
    for rendition in made:
        assert opened(rendition.data).size == (rendition.width, rendition.height)
        assert (rendition.mime_type, rendition.extension) == ("image/png", ".png")


def test_renditions_of_a_turned_jpeg_are_upright_and_carry_no_camera_metadata():
    data = rotated_jpeg((400, 300), 6)
    (small,) = make_renditions(data, widths=(150,))
    assert (small.name, small.width, small.height, small.mime_type) == (
        "w150",
        150,
        200,
        "image/jpeg",
    )
    image = opened(small.data)
    assert image.size == (150, 200)
    # Orientation 6 is a quarter turn clockwise: the left half (red) ends on top.
    assert close(image.convert("RGB").getpixel((75, 20)), RED)
    assert close(image.convert("RGB").getpixel((75, 180)), BLUE)
    assert not image.getexif()  # no orientation left to apply twice, no camera, no GPS
    assert "comment" not in image.info
    assert image.info.get("progressive") == 1 or image.info.get("progression") == 1


def test_png_renditions_keep_the_alpha_channel():
    image = Image.new("RGBA", (400, 200), (0, 128, 0, 0))
    image.paste((0, 128, 0, 255), (0, 0, 200, 200))
    (made,) = make_renditions(encode(image, "PNG"), widths=(100,))
    out = opened(made.data)
    assert out.mode == "RGBA"
    assert out.getpixel((10, 25))[3] == 255
    assert out.getpixel((90, 25))[3] == 0


def test_gif_renditions_are_the_first_frame_in_png():
    frames = [Image.new("RGB", (300, 200), RED).convert("P"), Image.new("RGB", (300, 200), BLUE)]
    data = encode(frames[0], "GIF", save_all=True, append_images=[frames[1].convert("P")])
    assert opened(data).n_frames == 2
    (made,) = make_renditions(data, widths=(150,))
    assert (made.mime_type, made.extension, made.width, made.height) == (
        "image/png",
        ".png",
        150,
        100,
    )
    out = opened(made.data)
    assert out.format == "PNG"
    assert close(out.convert("RGB").getpixel((75, 50)), RED)


def test_a_transparent_gif_keeps_its_transparency():
    image = Image.new("P", (200, 100), 0)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    image.paste(1, (0, 0, 100, 100))
    (made,) = make_renditions(encode(image, "GIF", transparency=0), widths=(50,))
    out = opened(made.data).convert("RGBA")
    assert out.getpixel((5, 12))[3] == 255
    assert out.getpixel((45, 12))[3] == 0


def test_sixteen_bit_grey_is_scaled_not_clipped():
    (made,) = make_renditions(encode(Image.new("I;16", (300, 100), 32768), "PNG"), widths=(30,))
    out = opened(made.data)
    assert out.mode == "L"
    assert out.getpixel((15, 5)) == 128


def test_the_colour_profile_is_kept():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(Image.new("RGB", (200, 100), RED), "JPEG", icc_profile=profile)
    (made,) = make_renditions(data, widths=(50,))
    assert opened(made.data).info["icc_profile"] == profile


@pytest.mark.parametrize(
    ("fmt", "mime"),
    [
        ("WEBP", "image/webp"),
        pytest.param(
            "AVIF",
            "image/avif",
            marks=pytest.mark.skipif(not features.check("avif"), reason="no AVIF in Pillow"),
        ),
    ],
)
def test_webp_and_avif_renditions_stay_in_their_format(fmt, mime):
    data = encode(halves((300, 200), mode="RGBA", left=(*RED, 255), right=(*BLUE, 128)), fmt)
    (made,) = make_renditions(data, widths=(150,))
    assert made.mime_type == mime
    out = opened(made.data)
    assert out.format == fmt
    assert out.mode == "RGBA"
    assert out.size == (150, 100)


def test_the_same_bytes_give_the_same_renditions():
    data = rotated_jpeg((900, 600), 6)
    crops = {"16x9": (16, 9), "1x1": (1, 1)}
    first = make_renditions(data, crops=crops, focal_point=(0.3, 0.6))
    again = make_renditions(data, crops=crops, focal_point=FocalPoint(x=0.3, y=0.6))
    assert first == again
    assert [r.name for r in first] == ["w320", "16x9", "1x1"]  # 600 wide upright: no w640


def test_crops_have_their_ratio_and_are_no_wider_than_the_largest_width():
    data = encode(halves((2000, 1000)), "PNG")
    made = {r.name: r for r in make_renditions(data, crops={"16x9": (16, 9), "1x1": (1, 1)})}
    assert (made["16x9"].width, made["16x9"].height) == (1280, 720)
    assert (made["1x1"].width, made["1x1"].height) == (1000, 1000)  # the box: not upscaled
    assert opened(made["16x9"].data).size == (1280, 720)
    alone = make_renditions(data, widths=(), crops={"3x1": (3, 1)})
    assert [(r.name, r.width, r.height) for r in alone] == [("3x1", 2000, 667)]


@pytest.mark.parametrize(
    ("focal", "colour"),
    [((0.0, 0.5), RED), ((1.0, 0.5), BLUE), ((0.1, 0.0), RED), ((0.9, 1.0), BLUE)],
)
def test_a_crop_is_centred_on_the_focal_point_as_far_as_it_fits(focal, colour):
    data = encode(halves((400, 100)), "PNG")
    (square,) = make_renditions(data, widths=(), crops={"1x1": (1, 1)}, focal_point=focal)
    out = opened(square.data).convert("RGB")
    assert out.size == (100, 100)
    assert close(out.getpixel((5, 50)), colour)
    assert close(out.getpixel((95, 50)), colour)


def test_without_a_focal_point_a_crop_is_centred():
    data = encode(halves((400, 100)), "PNG")
    (square,) = make_renditions(data, widths=(), crops={"1x1": (1, 1)})
    out = opened(square.data).convert("RGB")
    assert close(out.getpixel((5, 50)), RED)
    assert close(out.getpixel((95, 50)), BLUE)


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"widths": (0,)}, "widths"),
        ({"widths": (-320,)}, "widths"),
        ({"widths": (True,)}, "widths"),
        ({"widths": (320.5,)}, "widths"),
        ({"widths": "320"}, "widths"),
        ({"widths": (200_000,)}, "widths"),
        ({"crops": {"16:9": (16, 9)}}, "crops.16:9"),
        ({"crops": {"16x9": (16, 0)}}, "crops.16x9"),
        ({"crops": {"16x9": (16,)}}, "crops.16x9"),
        ({"crops": {"16x9": "16x9"}}, "crops.16x9"),
        ({"crops": {"w640": (1, 1)}}, "crops"),
        ({"crops": {"Square": (1, 1), "square": (2, 2)}}, "crops"),
        ({"widths": tuple(range(1, 52))}, "renditions"),
        ({"focal_point": (1.5, 0.5)}, "focal_point"),
        ({"focal_point": (0.5,)}, "focal_point"),
    ],
)
def test_bad_rendition_settings_are_refused_before_decoding(options, field):
    with pytest.raises(ValidationError) as caught:
        make_renditions(b"not even an image", **options)
    assert caught.value.field == field


# -- properties ---------------------------------------------------------------------------


@settings(max_examples=60)
@given(
    size=st.tuples(st.integers(1, 700), st.integers(1, 700)),
    widths=st.lists(st.integers(1, 900), max_size=4),
    ratio=st.tuples(st.integers(1, 21), st.integers(1, 21)),
    focal=st.tuples(st.floats(0, 1), st.floats(0, 1)),
)
def test_renditions_keep_the_ratio_within_a_pixel_and_are_never_larger(size, widths, ratio, focal):
    width, height = size
    data = encode(Image.new("RGB", size, RED), "PNG")
    made = make_renditions(data, widths=widths, crops={"crop": ratio}, focal_point=focal)
    *scaled, crop = made
    assert [r.width for r in scaled] == sorted({w for w in widths if w < width})
    for rendition in made:
        assert 1 <= rendition.width <= width
        assert 1 <= rendition.height <= height
        assert opened(rendition.data).size == (rendition.width, rendition.height)
    for rendition in scaled:
        assert abs(rendition.height - rendition.width * height / width) <= 1
    a, b = ratio
    assert min(abs(crop.height - crop.width * b / a), abs(crop.width - crop.height * a / b)) <= 1
    assert crop.width <= max(widths, default=width)
