package node

import (
	"github.com/noderun/noderun/node/jsontree"
)

// LocatorMode is what a resourceLocator mode (n8n's INodePropertyMode)
// means at run time: its name, the regular expression that extracts the
// value sent (extractValue) and the expressions a value must match
// (validation). The editor-only keys stay in Property.Modes.
type LocatorMode struct {
	Name string
	// ExtractValue, when set, takes the value sent from the first group of
	// its regular expression (n8n: extractValue {type: "regex", regex}).
	ExtractValue *ExtractValue
	Validation   []LocatorValidation
}

// ExtractValue is an extractValue rule, of a resourceLocator mode or of a
// property. n8n knows only Type "regex".
type ExtractValue struct {
	Type  string
	Regex string
	// RegexMissing is set when the description holds no string regex:
	// a JavaScript RegExp does not survive the JSON export. The value
	// cannot be extracted, so a run that needs it fails.
	RegexMissing bool
}

// LocatorValidation is one validation rule of a mode: for Type "regex"
// the whole value must match Regex, else the run stops with ErrorMessage
// (n8n's validateResourceLocatorParameter). Other types n8n ignores.
type LocatorValidation struct {
	Type         string
	Regex        string
	ErrorMessage string
}

// LocatorMode returns the mode of a resourceLocator property with the
// given name.
func (p *Property) LocatorMode(name string) (*LocatorMode, bool) {
	for i := range p.LocatorModes {
		if p.LocatorModes[i].Name == name {
			return &p.LocatorModes[i], true
		}
	}
	return nil, false
}

func decodeLocatorModes(st *decoding, v jsontree.Value) ([]LocatorMode, error) {
	if v.Type() == jsontree.TypeNull {
		return nil, nil
	}
	if v.Type() != jsontree.TypeArray {
		return nil, decodeError("must be an array of modes, not " + typeName(v))
	}
	out := make([]LocatorMode, v.Len())
	for i, x := 0, v.First(); x.Exists(); i, x = i+1, x.Next() {
		if err := out[i].decode(st, x); err != nil {
			return nil, withinIndex(err, i)
		}
	}
	return out, nil
}

func (m *LocatorMode) decode(st *decoding, v jsontree.Value) error {
	return fields(st, v, func(dc *decoder, x jsontree.Value) {
		switch string(dc.key) {
		case "name":
			m.Name = dc.str(x)
		case "extractValue":
			if x.Type() == jsontree.TypeNull {
				return
			}
			m.ExtractValue = &ExtractValue{}
			dc.nested(m.ExtractValue.decode(st, x))
		case "validation":
			if x.Type() == jsontree.TypeNull {
				return
			}
			if x.Type() != jsontree.TypeArray {
				dc.fail("must be an array, not %s", typeName(x))
				return
			}
			m.Validation = make([]LocatorValidation, 0, x.Len())
			for i, a := 0, x.First(); a.Exists(); i, a = i+1, a.Next() {
				var rule LocatorValidation
				dc.nested(withinIndex(rule.decode(st, a), i))
				m.Validation = append(m.Validation, rule)
			}
		}
	})
}

func (e *ExtractValue) decode(st *decoding, v jsontree.Value) error {
	e.RegexMissing = true
	return fields(st, v, func(dc *decoder, x jsontree.Value) {
		switch string(dc.key) {
		case "type":
			e.Type = dc.str(x)
		case "regex":
			if x.Type() == jsontree.TypeString {
				e.Regex, e.RegexMissing = dc.str(x), false
			}
		}
	})
}

func (r *LocatorValidation) decode(st *decoding, v jsontree.Value) error {
	if v.Type() == jsontree.TypeNull {
		return nil
	}
	return fields(st, v, func(dc *decoder, x jsontree.Value) {
		switch string(dc.key) {
		case "type":
			r.Type = dc.str(x)
		case "properties":
			if x.Type() == jsontree.TypeNull {
				return
			}
			dc.nested(fields(st, x, func(sub *decoder, y jsontree.Value) {
				switch string(sub.key) {
				case "regex":
					r.Regex = sub.str(y)
				case "errorMessage":
					r.ErrorMessage = sub.str(y)
				}
			}))
		}
	})
}
