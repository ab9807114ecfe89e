package node_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
)

// FuzzDecodeDescription feeds arbitrary bytes, seeded with the fixtures of
// testdata/descriptors, to node.DecodeDescription. Beyond not panicking, a
// failure must be a *node.DecodeError whose path is a JSON pointer, and a
// description that decodes must survive a round trip: encoding it and
// decoding the result gives the same description (an empty map or list
// and an absent one count as equal: the model encodes both as absent, and
// the runtime reads them alike; raw JSON values are compared by meaning,
// as encoding/json re-escapes them), and encoding that gives the same
// bytes.
//
//	go test ./node -run '^$' -fuzz '^FuzzDecodeDescription$' -fuzztime 2m -parallel 1
func FuzzDecodeDescription(f *testing.F) {
	err := filepath.WalkDir("../testdata/descriptors", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".golden.json") || !strings.HasSuffix(p, ".json") {
			return err
		}
		raw, err := os.ReadFile(p)
		// The 300 KB Chatwoot description would make every mutation cost a
		// full decode; the small fixtures hold the same shapes.
		if len(raw) < 64<<10 {
			f.Add(raw)
		}
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		d, err := node.DecodeDescription(raw)
		if err != nil {
			var de *node.DecodeError
			require.ErrorAs(t, err, &de, "a decode failure is a *node.DecodeError")
			require.NotEmpty(t, de.Msg, "a decode failure says what is wrong")
			if de.Path != "" && !strings.HasPrefix(de.Path, "/") {
				t.Fatalf("decode error path %q is not a JSON pointer", de.Path)
			}
			return
		}
		encoded, err := json.Marshal(d)
		require.NoError(t, err, "a decoded description encodes")
		again, err := node.DecodeDescription(encoded)
		require.NoError(t, err, "an encoded description decodes:\n%s", encoded)
		require.Equal(t, emptyAsNil(d), emptyAsNil(again), "decode(encode(d)) == d\nencoded: %s", encoded)
		reencoded, err := json.Marshal(again)
		require.NoError(t, err)
		require.Equal(t, string(encoded), string(reencoded), "encoding is stable")
	})
}

// emptyAsNil returns a deep copy of v in which every empty map, slice and
// json.RawMessage is nil.
func emptyAsNil[T any](v T) T {
	rv := reflect.ValueOf(&v).Elem()
	out := reflect.New(rv.Type()).Elem()
	copyEmptyAsNil(out, rv)
	return out.Interface().(T)
}

var rawMessageType = reflect.TypeFor[json.RawMessage]()

func copyEmptyAsNil(dst, src reflect.Value) {
	if src.Type() == rawMessageType && src.Len() > 0 {
		// A raw value is kept as written; encoding/json re-escapes it
		// (& as \u0026), so compare what it means.
		var v any
		if json.Unmarshal(src.Bytes(), &v) == nil {
			canonical, _ := json.Marshal(v)
			dst.SetBytes(canonical)
			return
		}
	}
	switch src.Kind() {
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		p := reflect.New(src.Type().Elem())
		copyEmptyAsNil(p.Elem(), src.Elem())
		dst.Set(p)
	case reflect.Interface:
		if src.IsNil() {
			return
		}
		inner := reflect.New(src.Elem().Type()).Elem()
		copyEmptyAsNil(inner, src.Elem())
		dst.Set(inner)
	case reflect.Struct:
		for i := range src.NumField() {
			if dst.Field(i).CanSet() {
				copyEmptyAsNil(dst.Field(i), src.Field(i))
			}
		}
	case reflect.Slice:
		if src.Len() == 0 {
			return
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := range src.Len() {
			copyEmptyAsNil(s.Index(i), src.Index(i))
		}
		dst.Set(s)
	case reflect.Map:
		if src.Len() == 0 {
			return
		}
		m := reflect.MakeMapWithSize(src.Type(), src.Len())
		for it := src.MapRange(); it.Next(); {
			val := reflect.New(it.Value().Type()).Elem()
			copyEmptyAsNil(val, it.Value())
			m.SetMapIndex(it.Key(), val)
		}
		dst.Set(m)
	default:
		dst.Set(src)
	}
}
