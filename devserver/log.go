package devserver

import (
	"context"
	"log/slog"
	"os"
	"slices"
	"sync/atomic"

	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/log/tag"
)

// serverLogger bridges the server's logger interface to slog. It keeps only
// warnings and above: at info the server logs every shard, queue and
// membership change, which would drown the application's own logs.
type serverLogger struct {
	logger *slog.Logger
	// tags come from With. They are kept unconverted because the server
	// derives loggers constantly while almost nothing reaches the output.
	tags []tag.Tag
	// stopping is shared by every logger derived from one server. Once set,
	// warnings are dropped too: on every shutdown the server's internal
	// pollers complain that the frontend they poll went away, which says
	// nothing a developer can act on. Errors still pass.
	stopping *atomic.Bool
}

var (
	_ log.Logger     = (*serverLogger)(nil)
	_ log.WithLogger = (*serverLogger)(nil)
)

// newLogger returns the server's logger writing to l; nil discards.
func newLogger(l *slog.Logger) *serverLogger {
	if l == nil {
		l = slog.New(slog.DiscardHandler)
	}
	return &serverLogger{logger: l, stopping: new(atomic.Bool)}
}

// Debug is dropped; see serverLogger.
func (*serverLogger) Debug(string, ...tag.Tag) {}

// Info is dropped; see serverLogger.
func (*serverLogger) Info(string, ...tag.Tag) {}

// Warn logs at slog.LevelWarn.
func (l *serverLogger) Warn(msg string, tags ...tag.Tag) { l.log(slog.LevelWarn, msg, tags) }

// Error logs at slog.LevelError.
func (l *serverLogger) Error(msg string, tags ...tag.Tag) { l.log(slog.LevelError, msg, tags) }

// DPanic logs at slog.LevelError without panicking, as zap does outside
// development mode: the server uses it for bugs it can survive.
func (l *serverLogger) DPanic(msg string, tags ...tag.Tag) { l.log(slog.LevelError, msg, tags) }

// Panic logs at slog.LevelError, then panics as the server expects.
func (l *serverLogger) Panic(msg string, tags ...tag.Tag) {
	l.log(slog.LevelError, msg, tags)
	panic(msg)
}

// Fatal logs at slog.LevelError, then exits: the server calls it where it
// cannot go on, and the code after the call assumes it never returns.
func (l *serverLogger) Fatal(msg string, tags ...tag.Tag) {
	l.log(slog.LevelError, msg, tags)
	os.Exit(1)
}

// With returns a logger that adds tags to every record.
func (l *serverLogger) With(tags ...tag.Tag) log.Logger {
	return &serverLogger{logger: l.logger, tags: append(slices.Clip(l.tags), tags...), stopping: l.stopping}
}

func (l *serverLogger) log(level slog.Level, msg string, tags []tag.Tag) {
	ctx := context.Background()
	if level < slog.LevelError && l.stopping.Load() || !l.logger.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, len(l.tags)+len(tags))
	for _, t := range l.tags {
		attrs = append(attrs, slog.Any(t.Key(), t.Value()))
	}
	for _, t := range tags {
		attrs = append(attrs, slog.Any(t.Key(), t.Value()))
	}
	l.logger.LogAttrs(ctx, level, msg, attrs...)
}
