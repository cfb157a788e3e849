#!/usr/bin/env bash
# Renders the app icon (packaging/icons/coupon-studio.svg) to the PNGs the packages use, and the
# Windows .ico. The results are committed, so building a package does not need these tools;
# run this again only after editing the SVG.
#
#   packaging/icons/<N>x<N>/coupon-studio.png   N = 16 24 32 48 64 128 256 512 1024
#   packaging/icons/coupon-studio.ico           16-256 px (Windows installer icon)
#
# Needs rsvg-convert (Debian: librsvg2-bin) and, for the .ico, ImageMagick's convert.
set -euo pipefail
cd "$(dirname "$0")/icons"

if ! command -v rsvg-convert >/dev/null; then
  echo "rsvg-convert not found: apt-get install librsvg2-bin" >&2
  exit 1
fi

for n in 16 24 32 48 64 128 256 512 1024; do
  mkdir -p "${n}x${n}"
  rsvg-convert --width "$n" --height "$n" --keep-aspect-ratio coupon-studio.svg \
    --output "${n}x${n}/coupon-studio.png"
done

if command -v convert >/dev/null; then
  convert 16x16/coupon-studio.png 24x24/coupon-studio.png 32x32/coupon-studio.png \
    48x48/coupon-studio.png 64x64/coupon-studio.png 128x128/coupon-studio.png \
    256x256/coupon-studio.png coupon-studio.ico
else
  echo "ImageMagick (convert) not found: coupon-studio.ico not updated" >&2
fi

ls -l ./*/coupon-studio.png coupon-studio.ico
