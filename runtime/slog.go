package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/rs/zerolog"
)

// slogBridge is a zerolog.Logger whose events go to h, so the engine logs
// through one API whichever logger its user chose. Its level is the
// lowest h enables, so disabled events cost what they cost with zerolog.
func slogBridge(h slog.Handler) zerolog.Logger {
	level := zerolog.Disabled
	for _, l := range []zerolog.Level{zerolog.ErrorLevel, zerolog.WarnLevel, zerolog.InfoLevel, zerolog.DebugLevel, zerolog.TraceLevel} {
		if h.Enabled(context.Background(), slogLevel(l)) {
			level = l
		}
	}
	return zerolog.New(slogWriter{h}).Level(level)
}

// slogLevel maps a zerolog level to slog's.
func slogLevel(l zerolog.Level) slog.Level {
	switch l {
	case zerolog.TraceLevel:
		return slog.LevelDebug - 4
	case zerolog.DebugLevel:
		return slog.LevelDebug
	case zerolog.WarnLevel:
		return slog.LevelWarn
	case zerolog.ErrorLevel, zerolog.FatalLevel, zerolog.PanicLevel:
		return slog.LevelError
	}
	return slog.LevelInfo
}

// slogWriter turns each zerolog event, a JSON object already redacted,
// into a slog record: "message" is the record's message, "level" its
// level, every other field an attribute in the event's order.
type slogWriter struct{ h slog.Handler }

func (w slogWriter) Write(p []byte) (int, error) { return w.WriteLevel(zerolog.NoLevel, p) }

func (w slogWriter) WriteLevel(l zerolog.Level, p []byte) (int, error) {
	level := slogLevel(l)
	ctx := context.Background()
	if !w.h.Enabled(ctx, level) {
		return len(p), nil
	}
	rec := slog.NewRecord(time.Now(), level, "", 0)
	dec := json.NewDecoder(bytes.NewReader(p))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		rec.Message = string(bytes.TrimSpace(p)) // not an object: keep it whole
		return len(p), w.h.Handle(ctx, rec)
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			break
		}
		key, _ := t.(string)
		var v any
		if err := dec.Decode(&v); err != nil {
			break
		}
		switch key {
		case zerolog.LevelFieldName:
		case zerolog.MessageFieldName:
			rec.Message, _ = v.(string)
		default:
			rec.AddAttrs(slog.Any(key, slogValue(v)))
		}
	}
	return len(p), w.h.Handle(ctx, rec)
}

// slogValue makes a JSON number an int64 when it is one, else a float64.
func slogValue(v any) any {
	n, ok := v.(json.Number)
	if !ok {
		return v
	}
	if i, err := n.Int64(); err == nil {
		return i
	}
	f, _ := n.Float64()
	return f
}
