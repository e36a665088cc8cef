#!/usr/bin/python3
"""Build the embedded font faces of internal/typeset from Debian font packages.

Run through mkfonts.sh, which installs the packages first. Each face is
subset to the characters an official document may use (everything GBK can
encode, plus CJK punctuation and a few extras), converted from CFF to
TrueType outlines where needed (fpdf reads only TrueType), and written
zstd-compressed (level 19) so that rebuilds are byte-identical.
"""

import subprocess
import io
import os
import sys

from fontTools.ttLib import TTFont, TTCollection, newTable
from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen

HERE = os.path.dirname(os.path.abspath(__file__))

NOTO = "/usr/share/fonts/opentype/noto/"
SOURCES = {
    # output name: (file, family name of the face to take from a collection)
    "serif-regular": (NOTO + "NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    "serif-bold": (NOTO + "NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC"),
    "sans-regular": (NOTO + "NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
    "kai": ("/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf", None),
}
# The last resort, subset to what none of the faces above has (≒ is in GBK).
FALLBACK = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", None)

# Cubic-to-quadratic tolerance in font units (of 1000): invisible at text
# sizes, and it keeps the TrueType outlines small.
MAX_ERR = 1.0


def charset():
    """Every BMP character GBK can encode (the two-byte GB18030 plane without
    the private use area, plus the euro sign at 0x80), and extras."""
    cs = set()
    for c in range(0x20, 0x10000):
        if 0xD800 <= c <= 0xDFFF or 0xE000 <= c <= 0xF8FF:
            continue
        try:
            if len(chr(c).encode("gb18030")) <= 2:
                cs.add(c)
        except UnicodeEncodeError:
            pass
    cs.add(0x20AC)
    extras = [
        range(0x20, 0x7F),  # ASCII
        range(0x2010, 0x2027),  # dashes, quotes, ellipsis
        range(0x2E3A, 0x2E3C),  # two- and three-em dashes
        range(0x3000, 0x3040),  # CJK symbols and punctuation, 〇
        range(0xFF01, 0xFF5F),  # full-width forms
        range(0x2460, 0x24A0),  # circled and parenthesised numbers
        range(0x2160, 0x2180),  # Roman numerals
        [0x00B7, 0x00D7, 0x00F7, 0x00A9, 0x00AE, 0x00B0, 0x2103, 0x2116, 0x2030,
         0x25A1, 0x25CB, 0x25CF, 0x2605, 0x2606, 0x221A, 0x3013, 0xFFE5],
    ]
    for r in extras:
        cs.update(r)
    return cs


def open_face(path, family):
    if not path.endswith(".ttc"):
        return TTFont(path, lazy=False)
    coll = TTCollection(path)
    for i, f in enumerate(coll.fonts):
        if f["name"].getDebugName(1) == family:
            return TTFont(path, fontNumber=i, lazy=False)
    sys.exit("%s: no face named %r" % (path, family))


def do_subset(font, chars):
    opts = subset.Options()
    opts.layout_features = []  # horizontal text only: no GSUB/GPOS needed
    opts.hinting = False
    opts.notdef_outline = True
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.glyph_names = False
    opts.desubroutinize = True
    opts.drop_tables += ["VORG", "vhea", "vmtx", "BASE", "DSIG", "GDEF",
                         "GPOS", "GSUB", "JSTF", "MATH"]
    s = subset.Subsetter(opts)
    s.populate(unicodes=chars)
    s.subset(font)


def cff_to_glyf(font):
    """Replace CFF outlines with quadratic TrueType ones (after fontTools'
    snippets/otf2ttf.py)."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    del font["CFF "]
    font["maxp"] = newTable("maxp")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage",
                 "maxFunctionDefs", "maxInstructionDefs", "maxStackElements",
                 "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0
    post = font["post"]
    post.formatType = 3.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = None
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def cmap_chars(font):
    return set(font.getBestCmap().keys())


# The notice the Arphic Public License (section 2a) asks for in every
# modified file, written into every face as its description (name ID 10).
NOTICE = ("Modified for taizhang by internal/typeset/fonts/mkfonts.py (2025-11): "
          "subset to the GBK repertoire and CJK punctuation, layout and hinting "
          "tables removed%s.")


def write(name, font, converted):
    font["name"].setName(NOTICE % (", CFF outlines converted to TrueType" if converted else ""),
                         10, 3, 1, 0x409)
    buf = io.BytesIO()
    font["head"].created = font["head"].modified = 0
    font.save(buf, reorderTables=True)
    raw = buf.getvalue()
    out = os.path.join(HERE, name + ".ttf.zst")
    # zstd (the Debian package) at level 19: the same bytes from the same
    # input, and about four times faster to unpack than gzip.
    subprocess.run(["zstd", "-19", "-q", "--no-progress", "-f", "-o", out],
                   input=raw, check=True)
    print("%-14s %5d glyphs %9d bytes, %9d compressed" % (
        name, font["maxp"].numGlyphs, len(raw), os.path.getsize(out)))


def main():
    chars = charset()
    covered = set()
    only = sys.argv[1:]
    for name, (path, family) in SOURCES.items():
        font = open_face(path, family)
        do_subset(font, chars)
        covered |= cmap_chars(font)
        if only and name not in only:
            continue
        converted = "CFF " in font
        if converted:
            cff_to_glyf(font)
        write(name, font, converted)
    rest = chars - covered
    font = open_face(*FALLBACK)
    do_subset(font, rest)
    got = cmap_chars(font)
    print("fallback has %d of the %d characters the others lack; in no face: %s" % (
        len(got & rest), len(rest), "".join(chr(c) for c in sorted(rest - got))))
    if not only or "fallback" in only:
        write("fallback", font, False)

if __name__ == "__main__":
    main()
