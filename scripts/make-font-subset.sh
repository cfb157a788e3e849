#!/usr/bin/env bash
# Rebuilds assets/fonts/NotoSansSC-subset.otf: Noto Sans CJK SC Regular (SIL OFL 1.1) from
# Debian's fonts-noto-cjk, cut down to the GB2312 character set plus the few extra characters
# the UI uses. egui ships no CJK glyphs, and the whole font is 20 MB; the subset is ~1.6 MB.
#
# Needs: apt-get install fonts-noto-cjk; pip install fonttools. The output is committed; run
# this only to change the character set.
set -euo pipefail
cd "$(dirname "$0")/.."

ttc=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
charset=${CHARSET:-../shared/reference/font-charset-gb2312.txt}
[ -f "$charset" ] || charset=assets/fonts/charset.txt
out=assets/fonts/NotoSansSC-subset.otf

command -v pyftsubset >/dev/null || pip install --quiet fonttools
[ -f "$ttc" ] || { echo "install fonts-noto-cjk first" >&2; exit 1; }

# Keep the character list next to the font so the subset can be rebuilt without shared/.
if [ "$charset" != assets/fonts/charset.txt ]; then
  cp "$charset" assets/fonts/charset.txt
fi
# Characters outside GB2312 that the UI and WeChat's card texts use.
extra='券点﹣・～￥€–—‘’“”…‰′″※←↑→↓√∞≤≥①②③④⑤⑥⑦⑧⑨⑩'

# Font number 2 of the collection is "Noto Sans CJK SC".
pyftsubset "$ttc" --font-number=2 \
  --text-file=assets/fonts/charset.txt --text="$extra" \
  --no-hinting --layout-features='' --desubroutinize \
  --output-file="$out"
# The licence (SIL OFL 1.1, from the package's copyright file) is kept in assets/fonts/OFL.txt.
ls -l "$out"
