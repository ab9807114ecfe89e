package main

import (
	"encoding/json"
	"unicode/utf8"

	"github.com/noderun/noderun/node"
	"github.com/noderun/noderun/node/jsontree"
)

// decodeRequestItems decodes a request as decodeRequest does, with its
// items converted from one strict parse (node/jsontree) instead of
// encoding/json's reflection into map[string]any, which took most of a
// large request's decoding: about 1.6 µs of an item's process time, all
// of it before the first request is sent.
//
// The fast way takes only what it converts exactly as encoding/json
// would: valid UTF-8 (encoding/json replaces invalid bytes), one "items"
// array whose items are objects with the one key "json", numbers a
// float64 holds. The rest of the request, without its items, goes
// through decodeRequest. Anything else, and every error, is decoded again
// the usual way, so that messages and their positions stay the same.
func decodeRequestItems(data []byte, allowItems bool) (*execRequest, error) {
	if allowItems && len(data) <= fastItemsMaxBytes {
		if req, ok := decodeItemsFast(data); ok {
			return req, nil
		}
	}
	return decodeRequest(data, allowItems)
}

// fastItemsMaxBytes bounds the requests decoded the fast way: its tree
// takes 28 bytes per JSON value while the items are converted, up to five
// times the text of small values, on top of the items themselves. Larger
// requests, which --jsonl serves better anyway, are decoded as before.
const fastItemsMaxBytes = 64 << 20

// decodeItemsFast is the fast way; ok is false when it does not apply or
// something is wrong with the request.
func decodeItemsFast(data []byte) (*execRequest, bool) {
	if !utf8.Valid(data) {
		return nil, false
	}
	var p jsontree.Parser
	root, err := p.Parse(data)
	if err != nil || root.Type() != jsontree.TypeObject {
		return nil, false
	}
	var list jsontree.Value
	for m := root.First(); m.Exists(); m = m.Next() {
		if string(m.Key()) == "items" {
			if list.Exists() {
				return nil, false // repeated: the usual way says what wins
			}
			list = m
		}
	}
	start, end, ok := list.Span()
	if !ok || list.Type() != jsontree.TypeArray {
		return nil, false
	}
	items := make([]node.Item, 0, list.Len())
	for it := list.First(); it.Exists(); it = it.Next() {
		x, ok := itemValue(it)
		if !ok {
			return nil, false
		}
		items = append(items, x)
	}
	rest := make([]byte, 0, len(data)-(end-start)+2)
	rest = append(append(append(rest, data[:start]...), "[]"...), data[end:]...)
	req, err := decodeRequest(rest, true)
	if err != nil {
		return nil, false
	}
	req.Items = items
	return req, true
}

// decodeItem reads the next --jsonl item. The decoder only cuts the value
// out of the stream; an item of the one key "json" holding an object is
// converted from a strict parse (see decodeRequestItems), and any other
// goes through encoding/json into node.Item as before, which also words
// its errors.
func (s *jsonlSource) decodeItem() (node.Item, error) {
	if err := s.dec.Decode(&s.raw); err != nil {
		return node.Item{}, err
	}
	if it, ok := simpleItem(&s.tree, s.raw); ok {
		return it, nil
	}
	var it node.Item
	err := json.Unmarshal(s.raw, &it)
	return it, err
}

// simpleItem converts {"json": {...}} from a strict parse, when data is
// that and valid UTF-8 with numbers a float64 holds.
func simpleItem(p *jsontree.Parser, data []byte) (node.Item, bool) {
	if !utf8.Valid(data) {
		return node.Item{}, false
	}
	v, err := p.Parse(data)
	if err != nil {
		return node.Item{}, false
	}
	return itemValue(v)
}

// itemValue converts a parsed {"json": {...}}, ok false for anything else.
func itemValue(v jsontree.Value) (node.Item, bool) {
	if v.Type() != jsontree.TypeObject || v.Len() != 1 {
		return node.Item{}, false
	}
	j := v.First()
	if string(j.Key()) != "json" || j.Type() != jsontree.TypeObject {
		return node.Item{}, false
	}
	x, err := node.JSONValue(j)
	if err != nil {
		return node.Item{}, false
	}
	return node.Item{JSON: x}, true
}
