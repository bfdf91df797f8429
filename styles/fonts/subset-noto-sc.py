"""Subset Noto Sans CJK SC (Debian fonts-noto-cjk) to GB2312, CJK punctuation and the characters
of the Chinese PO files: `python styles/fonts/subset-noto-sc.py .` from the project root after
adding Chinese text (tests/test_template_i18n.py fails on a character the face lacks).
Each glyph's CID is then made its glyph id: WeasyPrint writes glyph ids as the PDF's CIDs, which
a strict reader looks up through the CFF charset (outloud's TXT-005 found .notdef otherwise)."""
import io
import sys
from pathlib import Path
from fontTools.ttLib import TTCollection, TTFont
from fontTools import subset
root = Path(sys.argv[1])
chars = set()
for b1 in range(0xA1, 0xF8):
    for b2 in range(0xA1, 0xFF):
        try: chars.update(bytes([b1, b2]).decode("gb2312"))
        except UnicodeDecodeError: pass
chars.update(chr(c) for c in range(0x20, 0x7F))
chars.update(chr(c) for c in range(0x3000, 0x3040))  # CJK symbols and punctuation
chars.update(chr(c) for c in range(0xFF00, 0xFFF0))  # full-width forms
chars.update(chr(c) for c in range(0x2010, 0x2030))  # dashes, quotes, bullet, ellipsis
chars.update("·×÷°±µ")
for po in [root / "catalog/translations/zh-Hans.po", root / "layouts/locale/zh_Hans/LC_MESSAGES/messages.po"]:
    if po.exists(): chars.update(po.read_text("utf-8"))
chars = {c for c in chars if ord(c) >= 0x20}
for weight in ("Regular", "Bold"):
    coll = TTCollection(f"/usr/share/fonts/opentype/noto/NotoSansCJK-{weight}.ttc")
    font = next(f for f in coll.fonts if f["name"].getDebugName(1).endswith(" SC"))
    opts = subset.Options(); opts.layout_features = ["*"]; opts.name_IDs = ["*"]; opts.name_languages = ["*"]
    opts.notdef_outline = True; opts.hinting = False
    s = subset.Subsetter(opts); s.populate(text="".join(sorted(chars))); s.subset(font)
    font.recalcTimestamp = False  # the TTC's date, not today's
    out = io.BytesIO(); font.save(out)
    font = TTFont(io.BytesIO(out.getvalue()), recalcTimestamp=False, recalcBBoxes=False)
    top = font["CFF "].cff.topDictIndex[0]  # only the CFF is rewritten; the other tables stay as saved
    names = [".notdef"] + [f"cid{gid:05d}" for gid in range(1, len(font.getGlyphOrder()))]
    top.charset, top.CharStrings.charStrings = names, {name: gid for gid, name in enumerate(names)}
    font.setGlyphOrder(names)
    font.save(root / f"styles/fonts/NotoSansSC-{weight}.otf")
