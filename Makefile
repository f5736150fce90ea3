# The test command of the README. -p 1 keeps one test binary running at a
# time: several packages each start an embedded Temporal server, and the
# machine has two cores.
GOTESTFLAGS ?= -race -p 1 -timeout 20m

.PHONY: test build run vet bench fmt
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

fmt:
	gofmt -w .
