"""Subset Noto Sans CJK SC (Debian fonts-noto-cjk) to GB2312, CJK punctuation and the characters
of the Chinese PO files: `python styles/fonts/subset-noto-sc.py .` from the project root after
adding Chinese text (tests/test_template_i18n.py fails on a character the face lacks)."""
import sys
from pathlib import Path
from fontTools.ttLib import TTCollection
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
    font.save(root / f"styles/fonts/NotoSansSC-{weight}.otf")
