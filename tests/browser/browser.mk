# The browser test's npm package (playwright-core, pinned by
# package-lock.json), installed with `npm ci` into build/browser for both
# builds: outside the source tree, gone with `make clean`.  When npm cannot
# reach its registry the suite goes on and test_ops_page says what is
# missing.
BROWSER_NODE := build/browser/node_modules/.package-lock.json

$(BROWSER_NODE): tests/browser/package.json tests/browser/package-lock.json
	@mkdir -p build/browser
	@cp tests/browser/package.json tests/browser/package-lock.json \
	    build/browser/
	@cd build/browser && npm ci --no-audit --no-fund --loglevel=error || \
	    echo "npm ci failed in build/browser: test_ops_page will fail" >&2
