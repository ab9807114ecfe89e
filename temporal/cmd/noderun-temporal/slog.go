package main

import (
	"context"
	"log/slog"

	"github.com/rs/zerolog"
)

// slogFor hands the Temporal SDK's logs to the command's zerolog logger.
func slogFor(l zerolog.Logger) *slog.Logger {
	return slog.New(zerologHandler{l: l})
}

type zerologHandler struct {
	l     zerolog.Logger
	attrs []slog.Attr
}

func (h zerologHandler) Enabled(_ context.Context, level slog.Level) bool {
	return h.l.GetLevel() <= zerologLevel(level)
}

func (h zerologHandler) Handle(_ context.Context, r slog.Record) error {
	ev := h.l.WithLevel(zerologLevel(r.Level))
	for _, a := range h.attrs {
		ev = ev.Any(a.Key, a.Value.Any())
	}
	r.Attrs(func(a slog.Attr) bool {
		ev = ev.Any(a.Key, a.Value.Any())
		return true
	})
	ev.Msg(r.Message)
	return nil
}

func (h zerologHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return zerologHandler{l: h.l, attrs: append(append([]slog.Attr(nil), h.attrs...), attrs...)}
}

func (h zerologHandler) WithGroup(string) slog.Handler { return h }

func zerologLevel(l slog.Level) zerolog.Level {
	switch {
	case l >= slog.LevelError:
		return zerolog.ErrorLevel
	case l >= slog.LevelWarn:
		return zerolog.WarnLevel
	case l >= slog.LevelInfo:
		return zerolog.InfoLevel
	}
	return zerolog.DebugLevel
}
