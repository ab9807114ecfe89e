package node

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/noderun/noderun/node/jsontree"
)

// missingFunctions lists, relative to a routing object, the function
// slots that hold null: where n8n's in-memory description had a function
// (preSend, postReceive), an exported JSON description holds null.
func missingFunctions(v jsontree.Value) []string {
	if v.Type() != jsontree.TypeObject {
		return nil
	}
	var out []string
	nulls := func(list jsontree.Value, path string) {
		if list.Type() != jsontree.TypeArray {
			return
		}
		for i, x := 0, list.First(); x.Exists(); i, x = i+1, x.Next() {
			if x.Type() == jsontree.TypeNull {
				out = append(out, path+"["+strconv.Itoa(i)+"]")
			}
		}
	}
	if send := v.Get("send"); send.Type() == jsontree.TypeObject {
		nulls(send.Get("preSend"), "send.preSend")
	}
	if output := v.Get("output"); output.Type() == jsontree.TypeObject {
		nulls(output.Get("postReceive"), "output.postReceive")
	}
	// A null pagination is Operations.MissingPagination: only a request
	// that paginates needs it.
	return out
}

// hookNames decodes preSend: hook names, with null entries (functions the
// JSON lacks, see missingFunctions) left out.
func (dc *decoder) hookNames(v jsontree.Value) []string { return dc.stringList(v, true) }

// locateMissing prefixes every routing's Missing paths with where the
// routing sits in the description, so that an error names the place.
func locateMissing(props []Property, base string) {
	for i := range props {
		p := &props[i]
		at := base + "[" + strconv.Itoa(i) + "]"
		prefixMissing(p.Routing, at+".routing.")
		for j := range p.Choices {
			prefixMissing(p.Choices[j].Routing, at+".options["+strconv.Itoa(j)+"].routing.")
		}
		locateMissing(p.Children, at+".options")
		for j := range p.Groups {
			locateMissing(p.Groups[j].Values, at+".options["+strconv.Itoa(j)+"].values")
		}
	}
}

func prefixMissing(r *Routing, prefix string) {
	if r == nil {
		return
	}
	if r.Operations != nil && r.Operations.MissingPagination != "" {
		r.Operations.MissingPagination = prefix + "operations." + r.Operations.MissingPagination
	}
	for i, m := range r.Missing {
		r.Missing[i] = prefix + m
	}
}

// objectKeys lists an object's keys in source order; nil for a non-object.
func objectKeys(v jsontree.Value) []string {
	if v.Type() != jsontree.TypeObject {
		return nil
	}
	keys := make([]string, 0, v.Len())
	for x := v.First(); x.Exists(); x = x.Next() {
		keys = append(keys, string(x.Key()))
	}
	return keys
}

// MarshalJSON writes a routing with its missing function slots back as
// null, where the JSON description had them, so that a description
// survives a round trip.
func (r Routing) MarshalJSON() ([]byte, error) {
	type plain Routing
	b, err := json.Marshal(plain(r))
	if err != nil || len(r.Missing) == 0 {
		return b, err
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return nil, err
	}
	slots := map[string][]int{} // "send.preSend" → indexes, ascending
	for _, m := range r.Missing {
		rel := m[strings.LastIndex(m, "routing.")+len("routing."):]
		open := strings.LastIndexByte(rel, '[')
		i, err := strconv.Atoi(strings.TrimSuffix(rel[open+1:], "]"))
		if open < 0 || err != nil {
			continue
		}
		slots[rel[:open]] = append(slots[rel[:open]], i)
	}
	for _, slot := range []struct{ outer, inner string }{{"send", "preSend"}, {"output", "postReceive"}} {
		idx := slots[slot.outer+"."+slot.inner]
		if len(idx) == 0 {
			continue
		}
		sort.Ints(idx)
		outer := map[string]json.RawMessage{}
		if raw, ok := obj[slot.outer]; ok {
			if err := json.Unmarshal(raw, &outer); err != nil {
				return nil, err
			}
		}
		var list []json.RawMessage
		if raw, ok := outer[slot.inner]; ok {
			if err := json.Unmarshal(raw, &list); err != nil {
				return nil, err
			}
		}
		for _, i := range idx {
			i = min(i, len(list))
			list = append(list[:i], append([]json.RawMessage{json.RawMessage("null")}, list[i:]...)...)
		}
		var err error
		if outer[slot.inner], err = json.Marshal(list); err != nil {
			return nil, err
		}
		if obj[slot.outer], err = json.Marshal(outer); err != nil {
			return nil, err
		}
	}
	return json.Marshal(obj)
}
