package main

import (
	"errors"
	"flag"
	"strings"

	"github.com/noderun/noderun/runtime"
)

// mapURLFlag is the repeatable --map-url FROM=TO, Engine.MapURLs: the
// values are kept as given and checked together by validate, so that an
// error names the flag and the value once.
type mapURLFlag struct {
	values []string
	list   []runtime.URLMapping
}

const mapURLUsage = "send requests whose URL starts with FROM to TO instead, given as `FROM=TO` (repeatable; the longest FROM wins): " +
	"a node's fixed host to a mock server or sandbox; credentials stay bound to the original hosts"

func (m *mapURLFlag) register(fs *flag.FlagSet) {
	fs.Func("map-url", mapURLUsage, func(s string) error {
		m.values = append(m.values, s)
		return nil
	})
}

// validate parses every value and checks them together: a FROM given
// twice, a TO under a FROM.
func (m *mapURLFlag) validate() error {
	m.list = m.list[:0]
	for _, s := range m.values {
		mp, err := runtime.ParseURLMapping(s)
		if err != nil {
			return mapURLError(s, err)
		}
		m.list = append(m.list, mp)
	}
	err := runtime.CheckURLMappings(m.list)
	var me *runtime.URLMappingError
	if errors.As(err, &me) && me.Index >= 0 && me.Index < len(m.values) {
		return mapURLError(m.values[me.Index], err)
	}
	if err != nil {
		return inputErrorf("--map-url: %v", err)
	}
	return nil
}

// mapURLError words a mapping's error for the flag: the value as given,
// then which URL is wrong and why.
func mapURLError(value string, err error) error {
	var me *runtime.URLMappingError
	switch {
	case !errors.As(err, &me):
		return inputErrorf("--map-url %q: %v", value, err)
	case me.Field == "":
		return inputErrorf("--map-url %q: %s", value, me.Reason)
	}
	reason := me.Reason
	if strings.HasPrefix(reason, "not ") {
		reason = "is " + reason
	}
	side := strings.ToUpper(me.Field)
	return inputErrorf("--map-url %q: %s %q %s", value, side, me.Value, reason)
}
