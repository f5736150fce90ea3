# The test command of the README. -p 1 keeps one test binary running at a
# time: several packages each start an embedded Temporal server, and the
# machine has two cores.
GOTESTFLAGS ?= -race -p 1 -timeout 20m

.PHONY: test build run vet bench bench-web fmt vendor
test:
	go test $(GOTESTFLAGS) ./...

build:
	go build -o ralo ./cmd/ralo

run:
	go run ./cmd/ralo dev

vet:
	go vet ./...
	gofmt -l . | (! grep .)

bench:
	go test -run '^$$' -bench . -benchtime 2s ./api/

# The web's pages over real HTTP (dashboard, public results, sign-in):
# p50/p99, bytes, and pages/s from 8 clients.
bench-web:
	go test -run '^$$' -bench . -benchtime 3000x ./web/

fmt:
	gofmt -w .

# vendor downloads htmx (the web's one optional script) and refuses it
# unless it matches the checksum committed beside it. To upgrade, set
# HTMX_VERSION and write the new release's SHA-256 into
# web/static/htmx.min.js.sha256 first.
HTMX_VERSION ?= 2.0.11
HTMX_URL ?= https://unpkg.com/htmx.org@$(HTMX_VERSION)
vendor:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	if curl -fsSL --max-time 60 -o "$$tmp/htmx.min.js" $(HTMX_URL)/dist/htmx.min.js && \
	   curl -fsSL --max-time 60 -o "$$tmp/htmx.LICENSE" $(HTMX_URL)/LICENSE; then :; \
	else \
	  echo "download failed; trying npm pack htmx.org@$(HTMX_VERSION)"; \
	  (cd "$$tmp" && npm pack --silent htmx.org@$(HTMX_VERSION) >/dev/null && \
	   tar -xzf htmx.org-$(HTMX_VERSION).tgz && \
	   cp package/dist/htmx.min.js htmx.min.js && cp package/LICENSE htmx.LICENSE); \
	fi; \
	grep -q 'version:"$(HTMX_VERSION)"' "$$tmp/htmx.min.js" || { echo "htmx.min.js is not version $(HTMX_VERSION)"; exit 1; }; \
	(cd "$$tmp" && sha256sum -c $(CURDIR)/web/static/htmx.min.js.sha256); \
	cp "$$tmp/htmx.min.js" "$$tmp/htmx.LICENSE" web/static/
