#!/usr/bin/env bash
# Rebuild the vendored GOV.UK Frontend assets in static/vendor/govuk-frontend/.
#
# Node/npm are needed ONLY to run this script (by a developer, when upgrading);
# the site serves the committed output files and needs no Node at run time.
# All npm work happens in a throw-away temporary directory: no node_modules or
# package.json is ever created inside the repository.
#
# Output (committed):
#   static/vendor/govuk-frontend/govuk-frontend.min.css  compiled from source.scss
#   static/vendor/govuk-frontend/govuk-frontend.min.js   the package's ES module build
#   static/vendor/govuk-frontend/LICENSE.txt             MIT licence notice
#   static/vendor/govuk-frontend/VERSION                 versions used
# Input (committed, reviewable): static/vendor/govuk-frontend/source.scss
#
# To upgrade: change the pinned versions below, run the script, review the diff.
set -euo pipefail

# Pinned versions (exact, no ranges).
GOVUK_FRONTEND_VERSION="6.6.0"
SASS_VERSION="1.108.2"

# Resolve paths relative to the repository, wherever the script is run from.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT_DIR="${REPO_ROOT}/static/vendor/govuk-frontend"
ENTRY="${OUT_DIR}/source.scss"

command -v npm >/dev/null || { echo "npm is required to rebuild (not at run time)" >&2; exit 1; }
[[ -f "${ENTRY}" ]] || { echo "missing ${ENTRY}" >&2; exit 1; }

# Temporary build directory, always removed on exit.
BUILD_DIR="$(mktemp -d "${TMPDIR:-/tmp}/govuk-build.XXXXXX")"
trap 'rm -rf "${BUILD_DIR}"' EXIT

# Install the two pinned packages into the temp dir only. --ignore-scripts:
# neither package needs install scripts (sass is pure JavaScript).
cd "${BUILD_DIR}"
npm init -y >/dev/null
npm install --save-exact --no-audit --no-fund --ignore-scripts \
  "govuk-frontend@${GOVUK_FRONTEND_VERSION}" "sass@${SASS_VERSION}" >/dev/null

PKG="${BUILD_DIR}/node_modules/govuk-frontend"
DIST="${PKG}/dist/govuk"

# Read back the versions actually installed and make sure they match the pins.
GF_INSTALLED="$(node -p "require('${PKG}/package.json').version")"
SASS_INSTALLED="$(node -p "require('${BUILD_DIR}/node_modules/sass/package.json').version")"
[[ "${GF_INSTALLED}" == "${GOVUK_FRONTEND_VERSION}" ]] || { echo "govuk-frontend ${GF_INSTALLED} != pin" >&2; exit 1; }
[[ "${SASS_INSTALLED}" == "${SASS_VERSION}" ]] || { echo "sass ${SASS_INSTALLED} != pin" >&2; exit 1; }

# Compile the committed entry file once: compressed, no source map. The load
# path lets source.scss @use "govuk-frontend/dist/govuk/...".
"${BUILD_DIR}/node_modules/.bin/sass" \
  --load-path="${BUILD_DIR}/node_modules" \
  --style=compressed \
  --no-source-map \
  "${ENTRY}" "${OUT_DIR}/govuk-frontend.min.css"

# Copy the package's prebuilt ES module bundle unchanged (its source map is
# not copied; browsers only fetch it when developer tools are open).
cp "${DIST}/govuk-frontend.min.js" "${OUT_DIR}/govuk-frontend.min.js"

# Licence. The npm package declares "license": "MIT" in package.json but ships
# no LICENSE file, only a "## Licence" section in its README. Write the MIT
# licence text of the govuk-frontend repository (LICENSE.txt) followed by that
# README section copied verbatim from the installed package.
[[ "$(node -p "require('${PKG}/package.json').license")" == "MIT" ]] || { echo "licence is not MIT" >&2; exit 1; }
{
  cat <<'MIT'
GOV.UK Frontend (npm package "govuk-frontend")
https://github.com/alphagov/govuk-frontend

The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.

----
From the package's README.md (govuk-frontend@GF_VERSION):

MIT
  sed -n '/^## Licence$/,/^## /{/^## Contribution/d;p}' "${PKG}/README.md" | sed '${/^$/d}'
} | sed "s/GF_VERSION/${GF_INSTALLED}/" > "${OUT_DIR}/LICENSE.txt"

# One line recording exactly what produced the files.
echo "govuk-frontend ${GF_INSTALLED}; sass ${SASS_INSTALLED}" > "${OUT_DIR}/VERSION"

# Sanity checks on the compiled CSS (fail loudly if a setting stopped working).
CSS="${OUT_DIR}/govuk-frontend.min.css"
grep -q '\.govuk-header{' "${CSS}" || { echo "no .govuk-header in CSS" >&2; exit 1; }
grep -q '\.govuk-button{' "${CSS}" || { echo "no .govuk-button in CSS" >&2; exit 1; }
grep -q 'font-family:arial,sans-serif' "${CSS}" || { echo "Arial not applied" >&2; exit 1; }
if grep -q 'GDS Transport' "${CSS}"; then echo "GDS Transport found in CSS" >&2; exit 1; fi
if grep -q 'url(' "${CSS}"; then echo "url(...) found in CSS" >&2; exit 1; fi

echo "Built govuk-frontend ${GF_INSTALLED} with sass ${SASS_INSTALLED} into ${OUT_DIR}"
ls -l "${OUT_DIR}"
