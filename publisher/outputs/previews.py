"""First-page previews for the download portal: every handout's and booklet's first page as
a small greyscale PNG, rendered from the built PDF by pypdfium2 (a derived output). A booklet
in several volumes has one preview, of its first volume's cover."""

from __future__ import annotations

import io

from ..catalog.bundles import bundles
from ..catalog.model import Review
from ..paths import bundle_files, handout_files, variant
from ..render import RenderSettings
from .base import DerivedOutput, Target

PREVIEW_WIDTH = 480  # px: sharp on a phone's card, about 20 KB as 16-grey PNG


class PreviewsOutput(DerivedOutput):
    """The first page of every handout and booklet as a small greyscale PNG (pypdfium2)."""

    name = "previews"

    @staticmethod
    def targets(reviews: list[Review], settings: RenderSettings) -> list[Target]:
        if settings.large_print:
            return []
        language = variant(settings)
        files = [(r, handout_files(r, language)) for r in reviews]
        made = [Target(f["preview"], review=r, sources=((f["pdf"],),)) for r, f in files]
        groups = [(b, bundle_files(b, language)) for b in bundles(reviews)]
        return made + [Target(f["preview"], bundle=b, sources=((f["booklet"][0],),)) for b, f in groups]

    def make(self, target: Target) -> bytes:
        import pypdfium2

        (source,) = target.inputs.values()
        document = pypdfium2.PdfDocument(source.data)
        try:
            page = document[0]
            image = page.render(scale=PREVIEW_WIDTH / page.get_size()[0], grayscale=True).to_pil()
        finally:
            document.close()
        data = io.BytesIO()
        image.convert("L").quantize(16).save(data, "PNG", optimize=True)
        return data.getvalue()
